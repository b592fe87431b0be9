"""Words that tell a heading from a sentence: header keywords, unit and position names."""

import re

# Heading keywords. Each alternative is a named group so the reader knows what follows.
_DEPT = (
    r"部[门門](?:主要)?(?:工作)?(?:职能|職能|职责|職責)"
    r"(?:(?:及|与|與|和)(?:职责|職責|分工|(?:岗位|崗位)(?:职责|職責|说明书|說明書|说明|說明)))?"
    # 质量管理部职能: a unit's own name before 职能 (a position has 职责, not 职能)
    r"|(?<=[部室处處科心])(?:主要)?(?:职能|職能)"
)
_MIXED = r"(?:(?:岗位|崗位|工作))?(?:职责|職責)(?:与|與|和|及)(?:权限|權限|职权|職權)"
_AUTH = r"(?:(?:岗位|崗位|工作))?(?:权限|權限|职权|職權)"
_POS = (
    r"(?:岗位|崗位|职位|職位)(?:工作)?(?:职责|職責)|(?:岗位|崗位|职位|職位)(?:说明书|說明書)"
    r"|工作(?:职责|職責|内容|內容)|(?:职责|職責)"
)
_SUMMARY = r"(?:职位|職位|岗位|崗位|工作|部[门門])(?:概述|概要|目的|简介|簡介)"
_REQ = r"任[职職](?:要求|资格|資格|条件|條件)|(?:岗位|崗位)(?:要求|资格|資格)"
_CONTAINER = r"(?:部[门門])?(?:岗位|崗位)(?:分工|设置|設置)"
_KPIS = r"(?:考核|绩效|績效|工作|关键绩效|關鍵績效)(?:指标|指標|标准|標準)|KPI"
# A name may not run across punctuation, digits or brackets.
_NAME_STOP = r"\s。;；:：!！?？,，、.．()（）《》<>\d\-•·“”\"'"

HEADER = re.compile(
    rf"(?P<name>[^{_NAME_STOP}]{{0,24}}?)"
    rf"(?:(?P<department>{_DEPT})|(?P<container>{_CONTAINER})|(?P<mixed>{_MIXED})"
    rf"|(?P<authority>{_AUTH})|(?P<summary>{_SUMMARY})|(?P<requirements>{_REQ})"
    rf"|(?P<kpis>{_KPIS})|(?P<duties>{_POS}))"
)
# The keywords alone: finding them first keeps a long line without headings fast.
KEYWORD = re.compile(
    rf"(?P<department>{_DEPT})|(?P<container>{_CONTAINER})|(?P<mixed>{_MIXED})"
    rf"|(?P<authority>{_AUTH})|(?P<summary>{_SUMMARY})|(?P<requirements>{_REQ})"
    rf"|(?P<kpis>{_KPIS})|(?P<duties>{_POS})"
)
NAME_BEFORE = re.compile(rf"[^{_NAME_STOP}]{{0,24}}$")
ENGLISH_HEADER = re.compile(
    r"(?i)(?:^(?:(?P<duties>(?:(?:key|main|primary|major|core|principal|essential|general|job"
    r"|specific)\s+)?(?:responsibilities|duties|accountabilities|tasks)"
    r"(?:\s+(?:and|&)\s+(?:responsibilities|duties|accountabilities|tasks))?"
    r"|what\s+you\s*(?:will|'ll|’ll)\s+do|your\s+(?:main\s+|key\s+)?(?:responsibilities|duties)"
    r"|the\s+role\s+(?:involves|includes)|responsibilities\s+include)"
    r"|(?P<requirements>(?:job\s+)?requirements|qualifications|skills(?:\s+and\s+experience)?"
    r"|education\s+and\s+experience|experience\s+and\s+skills|about\s+you|person\s+specification"
    r"|(?:essential|desirable)\s+(?:criteria|requirements|skills)|competencies"
    r"|what\s+we\s*(?:are|'re|’re)\s+looking\s+for|who\s+you\s+are)"
    r"|(?P<summary>(?:job\s+|position\s+|role\s+)?(?:summary|purpose|overview)"
    r"|(?:main\s+|overall\s+)?purpose\s+of\s+the\s+(?:role|job|position|post)"
    r"|about\s+the\s+(?:role|job|position)|(?:role|job)\s+(?:profile|overview))"
    r"|(?P<kpis>(?:key\s+)?performance\s+(?:indicators|measures|metrics|standards|targets)"
    r"|kpis?|(?:success|performance)\s+measures))"
    r"|\b(?:responsibilities|duties|functions)\s+of\s+(?:the\s+)?(?P<name>[a-z][a-z &/-]{1,60}?)"
    r"|\b(?P<name2>[a-z][a-z &/-]{1,60}?)\s+(?:responsibilities|duties|functions))"
    r"(?=\s*(?:[:：]|\d{1,2}[.)]|$))"
)
REPORTS_TO = re.compile(
    r"(?:直接|直属|直屬)?上[级級](?:领导|領導)?\s*[:：]|直接上[级級]\s*[:：]?"
    r"|(?i:\b(?:report(?:s|ing)?\s+to|reporting\s+line|line\s+manager|responsible\s+to"
    r"|accountable\s+to)\s*[:：])"
)
DIRECT_REPORTS = re.compile(
    r"(?:直接|直属|直屬)?下[级級]\s*[:：]|直接下[级級]\s*[:：]?"
    r"|(?i:\b(?:direct\s+reports|supervises|manages|responsible\s+for)\s*[:：])"
)
# "will report to the Chief of Staff", "Reporting to the Director of Finance, …": the
# reporting line written in a sentence of an English job description.
_TITLE_WORD = r"[A-Z][\w'’/-]*"
PROSE_REPORTS_TO = re.compile(
    r"\b(?i:report(?:s|ing)?)\s+(?:(?i:directly|administratively|functionally)\s+)?(?i:to)\s+"
    r"(?:(?i:the|our|a|an)\s+)?"
    rf"(?:(?P<name>{_TITLE_WORD}(?:\s+(?:(?:of|and|for|the|&)\s+)*{_TITLE_WORD})*)"
    r"|(?P<lower>[a-z][a-z &/-]{1,40}?\b(?:manager|director|officer|head|lead|chief|president"
    r"|supervisor|coordinator|partner|secretary)))\b"
)


def prose_reports_to(text: str) -> str:
    """The position a sentence says this one reports to (English only), or ''."""
    match = PROSE_REPORTS_TO.search(text)
    if not match:
        return ""
    return (match.group("name") or match.group("lower") or "").strip()


# Fields of a job-description form: 职位名称：人力资源专员, 所属部门：人力资源部.
POSITION_FIELD = re.compile(
    r"(?i)^(?:职位名称|岗位名称|職位名稱|崗位名稱|职务名称|職務名稱|job\s+title|position\s+title"
    r"|position|job\s+description)\s*[:：]\s*(?P<value>[^:：]{1,40}?)\s*$"
)
UNIT_FIELD = re.compile(
    r"(?i)^(?:所属部门|所屬部門|部门名称|部門名稱|所在部门|所在部門|department)"
    r"\s*[:：]\s*(?P<value>[^:：]{1,40}?)\s*$"
)
NONE_VALUES = {"无", "無", "none", "n/a", "na", "-", "—", "/", "暂无", "暫無"}

POSITION_SUFFIX = (
    "经理",
    "經理",
    "主管",
    "主任",
    "总监",
    "總監",
    "专员",
    "專員",
    "助理",
    "代表",
    "内勤",
    "內勤",
    "会计",
    "會計",
    "出纳",
    "出納",
    "师",
    "師",
    "顾问",
    "顧問",
    "秘书",
    "秘書",
    "司机",
    "司機",
    "长",
    "長",
    "岗",
    "崗",
    "员",
    "員",
    "manager",
    "director",
    "officer",
    "assistant",
    "representative",
    "specialist",
    "engineer",
    "clerk",
    "accountant",
    "supervisor",
    "executive",
    "head",
    "coordinator",
    "analyst",
    "administrator",
    "advisor",
    "adviser",
    "consultant",
    "associate",
    "technician",
    "controller",
    "planner",
    "auditor",
    "buyer",
    "lead",
    "chief",
    "secretary",
    "receptionist",
    "partner",
    "developer",
    "designer",
    "inspector",
    "trainer",
    "recruiter",
    "cashier",
    "operator",
    "president",
    "counsel",
)
UNIT_SUFFIX = (
    "部",
    "部门",
    "部門",
    "中心",
    "办公室",
    "辦公室",
    "处",
    "處",
    "科",
    "组",
    "組",
    "公司",
    "办事处",
    "辦事處",
    "团队",
    "團隊",
    "车间",
    "車間",
    "厂",
    "廠",
    "department",
    "dept",
    "office",
    "team",
    "division",
)
_SENTENCE_PUNCT = re.compile(r"[。;；:：,，!！?？]")
_NAME_TRIM = re.compile(
    r"^(?:下面是|以下是|以下为|本文将详细介绍|本文介绍|这是|的|之|及|与|與|和|附)+|(?:的|之|及|与|與|和|各|各个|各個|组织架构|組織架構)+$"
)


def clean_name(name: str) -> str:
    return _NAME_TRIM.sub("", name.strip()).strip()


def _too_long(text: str, limit: int) -> bool:
    """Chinese names are counted in characters, English ones in words (Senior Operations Coordinator)."""
    if re.search(r"[\u4e00-\u9fff]", text):
        return len(text) > limit
    return len(text) > 60 or len(text.split()) > 6


def is_position_name(text: str) -> bool:
    text = text.strip()
    if not text or _too_long(text, 16) or _SENTENCE_PUNCT.search(text):
        return False
    return text.lower().endswith(POSITION_SUFFIX)


def is_unit_name(text: str) -> bool:
    text = text.strip()
    if not text or len(text) > 20 or _SENTENCE_PUNCT.search(text):
        return False
    return text.lower().endswith(UNIT_SUFFIX) and not text.lower().endswith(POSITION_SUFFIX)


def is_heading(text: str, limit: int = 20) -> bool:
    """Short, no sentence punctuation: reads as a heading, not as a sentence."""
    text = text.strip()
    return 0 < len(text) <= limit and not _SENTENCE_PUNCT.search(text)
