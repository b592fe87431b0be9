"""Read KPI sentences (工作指标 / 职责要求): keep the words, add the structure where it is plain.

A sentence is cut into clauses at ， , ； ; 。 and line breaks; each clause
gives one KPI, so "招聘达成时间为1个月，招聘达成率为90%以上" gives two. In a
clause the reader looks for, in this order:

* a period: 每日 / 每周 / 每月 / 每季度 / 每年 / 全年 (and 月度, 年度 … as
  adjectives); a period it cannot express (每半年) makes the clause
  unstructured;
* a deadline: 12月20日前, 每月25日前, 28号前, 每年三月;
* a quantity: a number (Arabic or Chinese) and a unit, with the words around it
  giving the comparison: 不少于 / 以上 → >=, 以内 / 不超过 → <=, 超过 / 大于 → >,
  低于 / 小于 → <, 为 / nothing → =, 达到 / 完成 / 提升 / 降低 → >=.

Whatever cannot be read that way is returned verbatim with ``structured``
false and nothing else filled in: a KPI is never guessed.
"""

import re
from decimal import Decimal

from reader.model import (
    DAILY,
    EQ,
    GE,
    GT,
    LE,
    LT,
    MONTHLY,
    QUARTERLY,
    WEEKLY,
    YEARLY,
    Deadline,
    ParsedKpi,
)

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000, "萬": 10000}
_CN = "零〇一二两兩三四五六七八九十百千万萬"
NUM = rf"(?:\d+(?:\.\d+)?|[{_CN}]+)"


def chinese_number(text: str) -> int | None:
    """十二 → 12, 二十 → 20, 一百零五 → 105, 三 → 3; None when it is not a number."""
    if not text or any(c not in _CN_DIGITS and c not in _CN_UNITS for c in text):
        return None
    total, section, digit = 0, 0, None
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
            continue
        unit = _CN_UNITS[char]
        if unit == 10000:
            total += (section + (digit or 0)) * unit
            section, digit = 0, None
        else:
            section += (1 if digit is None else digit) * unit
            digit = None
    return total + section + (digit or 0)


def _value(text: str) -> Decimal | None:
    if text[0].isdigit():
        return Decimal(text)
    number = chinese_number(text)
    return None if number is None else Decimal(number)


def _english(words: str) -> str:
    """English words, whole words only (turnover is not "over"), any case."""
    return rf"(?<![A-Za-z])(?i:{words})(?![A-Za-z])"


_EVERY = r"(?:per|every|each|a)\s+"

# -- periods ----------------------------------------------------------------

_PERIOD_WORDS = [
    (
        r"每(?:一)?(?:个|個)?(?:日|天)|日均|" + _english(rf"daily|{_EVERY}(?:day|working\s+day)"),
        DAILY,
    ),
    (r"每(?:一)?(?:个|個)?(?:周|週|星期)|" + _english(rf"weekly|{_EVERY}week"), WEEKLY),
    (r"每(?:一)?(?:个|個)?月|月度|按月|" + _english(rf"monthly|{_EVERY}month"), MONTHLY),
    (r"每(?:一)?(?:个|個)?季度?|季度|按季|" + _english(rf"quarterly|{_EVERY}quarter"), QUARTERLY),
    (
        r"每(?:一)?年度?|全年度?|整年|年度|按年|" + _english(rf"annual(?:ly)?|yearly|{_EVERY}year"),
        YEARLY,
    ),
]
_UNREADABLE_PERIOD = re.compile(r"每半年|半年度|每两(?:个|個)?(?:月|年|周)|每隔")
_PER_OCCASION = re.compile(r"^每(?:次|场|場|人|位|名|件|单|單|项|項)")
# Leading period words are adverbs ("每月…", "全年…") and are left out of the metric.
_LEADING_PERIOD = re.compile(
    r"^(?:每(?:次|场|場|人|位|名|件|单|單|项|項)|每(?:一)?(?:个|個)?(?:日|天|周|週|星期|月|季度?|年度?)|全年度?|整年|按(?:月|季|年))"
)
_PERIOD = re.compile(
    "|".join(
        f"(?P<p{i}>(?<![上下本次去前当當同])(?:{w}))" for i, (w, _p) in enumerate(_PERIOD_WORDS)
    )
)


def _period(clause: str) -> str | None:
    match = _PERIOD.search(clause)
    if not match:
        return None
    return _PERIOD_WORDS[int(match.lastgroup[1:])][1]


# -- deadlines --------------------------------------------------------------

_BEFORE = r"(?:之前|以前|前)"
_BY = r"(?:by|before|no\s+later\s+than)"
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_MONTH_NAMES = (
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
)
# A number right after a month name is a date, not a target ("on December 20").
_AFTER_MONTH = re.compile(_english(rf"(?:{_MONTH_NAMES})\.?") + r"\s*$")
_DAY = r"(?:日|号|號)"
_DEADLINES = [
    # 12月20日前, 每年12月20日前
    re.compile(rf"(?P<m>{NUM})月份?(?P<d>{NUM}){_DAY}?{_BEFORE}"),
    # 每月20-25号 (a window: the deadline is its last day)
    re.compile(rf"(?<![\d.])(?:{NUM})\s*[-~～至到]\s*(?P<d>{NUM}){_DAY}(?:{_BEFORE})?"),
    # 25日前, 28号前
    re.compile(rf"(?<![\d.])(?P<d>{NUM}){_DAY}{_BEFORE}"),
    # 每年三月 … / 12月20日 … (a date opening the clause, after the period)
    re.compile(rf"^(?P<m>{NUM})月份?(?:(?P<d>{NUM}){_DAY})?(?!度)"),
    # 22日召开… (a day opening the clause)
    re.compile(rf"^(?P<d>{NUM}){_DAY}"),
    # by December 20, before Dec. 20th
    re.compile(_english(rf"{_BY}\s+(?P<mn>{_MONTH_NAMES})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?")),
    # by 20 December, by the 20th of December
    re.compile(
        _english(
            rf"{_BY}\s+(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mn>{_MONTH_NAMES})"
        )
    ),
    # by the 5th (of each month)
    re.compile(_english(rf"{_BY}\s+the\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)")),
]


def _deadline(clause: str) -> tuple[Deadline | None, tuple[int, int] | None]:
    body_start = 0
    if lead := _LEADING_PERIOD.match(clause):
        body_start = lead.end()
    body = clause[body_start:]
    for pattern in _DEADLINES:
        match = pattern.search(body)
        if not match:
            continue
        groups = match.groupdict()
        month = _value(groups["m"]) if groups.get("m") else None
        if groups.get("mn"):
            month = _MONTHS.index(groups["mn"].lower()[:3]) + 1
        day = _value(groups["d"]) if groups.get("d") else None
        if month is not None and not 1 <= month <= 12:
            continue
        if day is not None and not 1 <= day <= 31:
            continue
        deadline = Deadline(
            month=int(month) if month is not None else None,
            day=int(day) if day is not None else None,
        )
        return deadline, (body_start + match.start(), body_start + match.end())
    return None, None


# -- quantities -------------------------------------------------------------

_UNITS = [
    ("个工作日", "工作日"),
    ("個工作日", "工作日"),
    ("工作日", "工作日"),
    ("个小时", "小时"),
    ("個小時", "小時"),
    ("小时", "小时"),
    ("小時", "小時"),
    ("个月", "月"),
    ("個月", "月"),
    ("分钟", "分钟"),
    ("分鐘", "分鐘"),
    ("课时", "课时"),
    ("課時", "課時"),
    ("万元", "万元"),
    ("萬元", "萬元"),
    ("%", "%"),
    ("％", "%"),
    ("个", "个"),
    ("個", "個"),
    ("天", "天"),
    ("周", "周"),
    ("週", "週"),
    ("次", "次"),
    ("项", "项"),
    ("項", "項"),
    ("家", "家"),
    ("名", "名"),
    ("人", "人"),
    ("件", "件"),
    ("篇", "篇"),
    ("场", "场"),
    ("場", "場"),
    ("元", "元"),
    ("年", "年"),
    ("份", "份"),
    ("套", "套"),
    ("台", "台"),
    ("条", "条"),
    ("條", "條"),
    ("分", "分"),
]
# English units of time, after a space: "within 3 working days".
_ENGLISH_UNITS = ["working days", "working day", "days", "day", "hours", "hour", "weeks", "week"]
_UNIT_MAP = {**dict(_UNITS), **{u: u for u in _ENGLISH_UNITS}}
_UNIT_RE = "|".join(
    [re.escape(u) for u, _n in _UNITS]
    + [rf"(?<=\s){re.escape(u)}(?![A-Za-z])" for u in _ENGLISH_UNITS]
)
_QUANTITY = re.compile(
    rf"(?:百分之(?P<pct>{NUM}))|(?P<num>(?<![\d.])\d+(?:\.\d+)?|(?<![{_CN}])[{_CN}]+)\s*(?P<unit>{_UNIT_RE})?"
)


_COMPARATORS = [
    (
        r"不少于|不低于|不小于|不得低于|不得少于|至少|最少|最低|大于或等于|大于等于|≥|>=|"
        + _english(
            r"at\s+least|no\s+(?:less|fewer|lower)\s+than|not\s+(?:less|fewer|lower)\s+than|minimum(?:\s+of)?"
        ),
        GE,
    ),
    (
        r"不超过|不多于|不高于|不大于|不得超过|最多|至多|最高|小于或等于|小于等于|≤|<=|"
        + _english(
            r"at\s+most|no\s+(?:more|higher|greater)\s+than|not\s+(?:more|higher|greater)\s+than|"
            r"not\s+(?:to\s+)?exceed(?:ing)?|maximum(?:\s+of)?|within|up\s+to"
        ),
        LE,
    ),
    (
        r"大于|超过|高于|多于|超出|>|"
        + _english(r"more\s+than|greater\s+than|higher\s+than|above|over|exceed(?:s|ing)?"),
        GT,
    ),
    (r"小于|低于|少于|<|" + _english(r"less\s+than|fewer\s+than|lower\s+than|below|under"), LT),
]
_MODAL = r"(?:需要|需|须|應|应|要|必须|必須|均|都|应当|應當)"
# Words between the metric and the number that are left out of the metric.
_COPULA = r"(?:控制在|保持在|维持在|維持在|等于|等於|为|為|是|在|:|：)"
_REACH = r"(?:达到|達到|达成|達成|达|達|完成|满足|滿足)"
# Verbs of change stay in the metric ("较上年同期降低"), and mean "at least".
_CHANGE = re.compile(
    r"(?:提升|提高|增长|增長|增加|降低|下降|节约|節約|节省|節省|减少|減少|缩短|縮短)$"
)
# …but not in a noun: 完成率, 达成率, 提升度 are metrics, not verbs.
_REACH_ANYWHERE = re.compile(rf"(?:{_REACH}|{_CHANGE.pattern[:-1]})(?![率度量])")
# The start of a qualifier cut off by a typo or a page break (达到20%以).
_DANGLING = re.compile(r"^\s*[以之]\s*$")
# English words between the metric and its number, left out of the metric.
_ENGLISH_LINK = re.compile(
    r"(?<![A-Za-z])(?i:of|is|are|at|to|be|should\s+be|must\s+be|reach(?:es)?|kept|stay)\s*$"
)
_CMP_ALT = "|".join(f"(?P<c{i}>{words})" for i, (words, _c) in enumerate(_COMPARATORS))
_BEFORE_NUMBER = re.compile(
    rf"(?P<span>{_MODAL}?(?:{_CMP_ALT})?{_MODAL}?(?P<link>{_COPULA}|{_REACH})?(?:{_CMP_ALT.replace('(?P<c', '(?P<d')})?)\s*$"
)
_AFTER_NUMBER = re.compile(
    r"\s*(?:[(（](?P<incl>含|不含)[)）])?\s*(?P<q>及以上|以上|之上|及以下|以下|之下|以内|之内|内|內|"
    r"(?i:(?:or|and)\s+(?:more|above|higher|over|less|below|lower|fewer|under))(?![A-Za-z]))?"
)
_AFTER_QUALIFIERS = {
    "及以上": GE,
    "以上": GE,
    "之上": GE,
    "及以下": LE,
    "以下": LE,
    "之下": LE,
    "以内": LE,
    "之内": LE,
    "内": LE,
    "內": LE,
    **{
        f"{joint} {word}": GE
        for joint in ("or", "and")
        for word in ("more", "above", "higher", "over")
    },
    **{
        f"{joint} {word}": LE
        for joint in ("or", "and")
        for word in ("less", "below", "lower", "fewer", "under")
    },
}
_PUNCT = " \t\u3000,，;；。.、:："


def _comparison(before: re.Match, after: re.Match) -> tuple[str | None, bool]:
    """The comparison read around a number, and whether the words were understood."""
    groups = before.groupdict()
    for i, (_words, comparison) in enumerate(_COMPARATORS):
        if groups.get(f"c{i}") or groups.get(f"d{i}"):
            return comparison, True
    qualifier = after.group("q")
    if qualifier:
        comparison = _AFTER_QUALIFIERS[" ".join(qualifier.lower().split())]
        if after.group("incl") == "不含":
            comparison = {GE: GT, LE: LT}[comparison]
        return comparison, True
    link = groups.get("link") or ""
    if re.fullmatch(_REACH, link):
        return GE, True
    if link == "在":
        # "在80分" needs 以上 / 以内 after it: without one it cannot be read.
        return None, False
    return EQ, True


def _quantity(clause: str, skip: tuple[int, int] | None):
    for match in _QUANTITY.finditer(clause):
        if skip and match.start() < skip[1] and match.end() > skip[0]:
            continue
        if match.group("pct"):
            value, unit = _value(match.group("pct")), "%"
        else:
            raw, unit = match.group("num"), match.group("unit")
            if not raw[0].isdigit() and (unit is None or unit in ("分", "个", "個", "年")):
                # 十分重要, 一个, 一年: Chinese numerals count only with a unit of measure.
                continue
            value = _value(raw)
            unit = _UNIT_MAP.get(unit) if unit else None
        if value is None:
            continue
        # A range (3-5天) is not one target.
        if re.search(r"\d\s*[-~～至到]\s*$", clause[: match.start()]) or re.match(
            r"\s*[-~～至到]\s*\d", clause[match.end() :]
        ):
            return match, None, None
        return match, value, unit
    return None, None, None


_TRAILING_PERIOD = re.compile(r"每(?:一)?(?:个|個)?(?:日|天|周|週|月|季度?|年度?)$")
# A period word opening a clause sets the period of the clauses after it ("年度…，实施数…").
_OPENING_PERIOD = re.compile(rf"{_LEADING_PERIOD.pattern}|^(?:年度|月度|季度)")


# English period words ending a metric ("New suppliers per quarter"), read already.
_TRAILING_ENGLISH_PERIOD = re.compile(
    r"\s*"
    + _english(
        rf"daily|weekly|monthly|quarterly|annually|yearly|"
        rf"(?:of\s+)?{_EVERY}(?:day|working\s+day|week|month|quarter|year)"
    )
    + r"\s*$"
)


def _strip_metric(text: str) -> str:
    text = _LEADING_PERIOD.sub("", text.strip(_PUNCT)).strip(_PUNCT)
    # 培训课时数每月不少于30课时: the period is read already, the metric is the noun.
    text = _TRAILING_PERIOD.sub("", text).strip(_PUNCT)
    return _TRAILING_ENGLISH_PERIOD.sub("", text).strip(_PUNCT)


def _read_clause(clause: str, inherited_period: str | None) -> tuple[ParsedKpi, str | None]:
    """One KPI from one clause, and the period a following clause may inherit."""
    kpi = ParsedKpi(text=clause)
    if _UNREADABLE_PERIOD.search(clause):
        return kpi, inherited_period
    leading = _OPENING_PERIOD.match(clause)
    period = _period(clause)
    per_occasion = bool(_PER_OCCASION.match(clause))
    deadline, deadline_span = _deadline(clause)
    match, value, unit = _quantity(clause, deadline_span)

    comparison = metric = None
    if match is not None and value is not None:
        before_text = clause[: match.start()]
        if deadline_span and deadline_span[1] <= match.start():
            before_text = clause[deadline_span[1] : match.start()]
        if _AFTER_MONTH.search(before_text):
            return kpi, inherited_period
        before = _BEFORE_NUMBER.search(before_text)
        after = _AFTER_NUMBER.match(clause, match.end())
        comparison, understood = _comparison(before, after)
        if not understood:
            return kpi, inherited_period
        head = before_text[: before.start("span")]
        if comparison == EQ and not before.group("span") and _REACH_ANYWHERE.search(head):
            # 达到正常办公时间90%: the verb is not next to the number, but it still means "at least".
            comparison = GE
        tail = _DANGLING.sub("", clause[after.end() :]).strip(_PUNCT)
        head = _strip_metric(_ENGLISH_LINK.sub("", head))
        # English words keep their space: "Complaints answered" + "per quarter".
        joint = " " if head[-1:].isascii() and head[-1:].isalpha() and tail[:1].isalpha() else ""
        metric = head + joint + tail
    elif match is not None and deadline is None:
        # A number that is not one target (a range): left unread.
        return kpi, inherited_period
    if deadline is None and comparison is None:
        return kpi, inherited_period

    if deadline is not None and comparison is None:
        # 12月20日前提交…: the deliverable follows; "Report submitted by December 20": it leads.
        metric = _strip_metric(clause[deadline_span[1] :]) or _strip_metric(
            clause[: deadline_span[0]]
        )
    metric = _strip_metric(metric or "")
    if period is None and not per_occasion:
        elliptic = comparison is not None and len(metric) <= 3
        day_only = deadline is not None and deadline.month is None
        if elliptic or day_only:
            period = inherited_period
    kpi.metric = metric or None
    kpi.comparison = comparison
    kpi.target = value if comparison is not None else None
    kpi.unit = unit if comparison is not None else None
    kpi.period = period
    kpi.deadline = deadline
    kpi.structured = True
    return kpi, (period if leading else inherited_period)


_SENTENCES = re.compile(r"[;；。\n]+")
_CLAUSES = re.compile(r"[，]|,(?!\d{3})")


def parse_kpis(sentence: str) -> list[ParsedKpi]:
    """The KPIs of one sentence: one per clause, each keeping its words verbatim."""
    kpis = []
    for part in _SENTENCES.split(sentence or ""):
        inherited = None
        for raw in _CLAUSES.split(part):
            clause = raw.strip(_PUNCT)
            if not clause:
                continue
            kpi, inherited = _read_clause(clause, inherited)
            kpis.append(kpi)
    return kpis


def looks_like_kpi(text: str) -> bool:
    """Whether a line reads as a target (a number with a comparison, or a deadline)."""
    kpis = parse_kpis(text)
    return bool(kpis) and all(k.structured for k in kpis)
