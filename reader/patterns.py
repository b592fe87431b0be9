"""The patterns of a duty document's text, and the helpers that clean what they find.

Numbering marks (``MARKER``), sentence ends, form names in 《》, the words of a
right (有…权) and the plain-text helpers that the reader's parts share.
"""

import re

from reader import names
from reader.text import tidy

CN_NUM = "一二三四五六七八九十"
MARKER = re.compile(
    rf"""
    (?P<hier>(?<![\d.．])\d{{1,2}}(?:[.．]\d{{1,2}}){{2,}}[.．]?(?![\d%]))
  | (?P<sub>(?<![\d.．])(?P<subparent>\d{{1,2}})[.．](?P<subnum>\d{{1,2}})(?=[\s\u4e00-\u9fff]))
  | [(（]\s*(?P<pnum>\d{{1,2}})\s*[)）]
  | [(（]\s*(?P<pcn>[{CN_NUM}]{{1,3}})\s*[)）]
  | (?P<circ>[\u2460-\u2473])
  | (?P<cn>[{CN_NUM}]{{1,3}})\s*(?:、|[.．](?![\d{CN_NUM}]))
  | (?:(?P<page>\d{{1,3}}\ /\ \d{{1,3}}?)|(?<![\d.．]))
    (?P<num>\d{{1,3}}|\d\ \d)\s*(?P<sep>[、.．)）]|,(?=\s)|，)(?![\d])
  | (?P<bullet>[-•●▪◆◇■□○※★☆►▶✓√](?![\d-]))
    """,
    re.VERBOSE,
)
ROW_NUMBER = re.compile(r"^\d{1,2}(?:[.．]\d{1,2}){2,}[.．]?$")
DELIMITER_END = re.compile(r"(?:[。;；:：!！?？]|(?<=[A-Za-z)])\.)\s*$")
DELIMITERS = re.compile(r"[。;；:：!！?？]")
HEADER_FOLLOW = re.compile(
    rf"\s*(?:(?:说明书|說明書)\s*(?:[:：]|$)|[:：]|$|(?=\d{{1,3}}\s*[、.．)）])|(?=[(（]\s*[\d{CN_NUM}])|(?=[{CN_NUM}]{{1,3}}、)"
    r"|(?=[\u2460-\u2473])|(?=直接|直属|直屬)|(?=[-•]))"
)
STOP_WORDS = re.compile(
    r"^(?:综上所述|綜上所述|总之|總之|总而言之|總而言之|以上只是|以上是|上述|这只是|這只是"
    r"|in summary|in conclusion)",
    re.IGNORECASE,
)
_TRAILING = " \t\u3000;；。.,，、:："
_LEADING = " \t\u3000;；。.,，、:：)）"
FORM = re.compile(r"《([^《》\n]{1,60})》")
AUTHORITY_WORDS = re.compile(
    r"(?:有|具有|拥有|擁有|享有)[^。；;]{0,40}?(?:权|權)(?:力|限|利)?$"
    r"|(?:审批|審批|审核|審核|批准|决定|決定|否决|否決|签字|簽字|处罚|處罰|奖惩|獎懲)(?:权|權)(?:力|限)?$"
)
# 组织架构 / 人员配备: lists of units and positions, not duties.
STRUCTURE_HEADING = re.compile(
    r"组织架构|组织结构|组织机构|組織架構|組織結構|人员配备|人員配備|人员装备|人員裝備|人员配置|人員配置"
    # A roster of the unit's posts: 岗位设置及编制, 定岗定编, 人员编制.
    r"|(?:岗位|崗位|人员|人員)(?:设置|設置)?(?:及|与|與|和)?(?:编制|編制|定员|定員)|定岗定编|定崗定編"
    r"|(?:部门|部門)(?:编制|編制)"
)
# A post in a roster: 招聘专员(2人), 检验员 6, 行政专员×2.
ROSTER_ENTRY = re.compile(
    r"^(?P<name>[^\d()（）:：,，;；。]{2,16}?)\s*"
    r"(?:[(（]?\s*\d{1,3}\s*(?:人|名|个|個)?\s*[)）]?|[×xX*]\s*\d{1,3}(?:\s*(?:人|名))?)?$"
)
COMMENTARY = re.compile(r"(?:这只是|這只是|以上只是|以上是|综上所述|綜上所述)")


def clean_item_text(text: str) -> str:
    """Text without its number's leftovers, trailing ; ； 。 or Word's wrap spaces."""
    return tidy(text).lstrip(_LEADING).rstrip(_TRAILING).strip()


def heading_text(text: str) -> str:
    """An item's text used as a heading: without a closing lead-in such as “具体职责如下:”."""
    text = text.strip()
    if text.endswith((":", "：")):
        body = text.rstrip(":：")
        cut = max(body.rfind(c) for c in "。;；!！?？\n")
        text = body[: cut + 1] if cut > 0 else body
    return tidy(text).strip(_TRAILING)


def repeated_heading(text: str) -> tuple[str, str]:
    """“销售代表销售代表是…” → (“销售代表”, “销售代表是…”): a heading glued to a sentence that repeats it."""
    match = re.match(r"^(.{2,12}?)\1", text)
    if not match or not names.is_heading(match.group(1)):
        return "", text
    return match.group(1), text[len(match.group(1)) :]


def short_text(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


_BRACKET_LABEL = re.compile(r"^[【\[〔]\s*([^】\]〕]{2,10}?)\s*[】\]〕]\s*[:：]?\s*")


def unbracket(text: str) -> str:
    """“【岗位名称】行政专员” reads as “岗位名称：行政专员”, “【岗位职责】” as “岗位职责：”."""
    match = _BRACKET_LABEL.match(text)
    if not match or not form_label(match.group(1)):
        return text
    return f"{match.group(1)}：{text[match.end() :]}"


_NUMBERING = re.compile(
    rf"^\s*(?:[{CN_NUM}]{{1,3}}\s*[、.．]|[(（]\s*[{CN_NUM}\d]{{1,3}}\s*[)）])\s*"
)
_DESCRIBES = ("duties", "mixed", "authority", "summary", "requirements")


def _describes_position(text: str) -> bool:
    """直接上级：… / 岗位职责： / 任职要求 / Reports to: … — a line that only a position has."""
    text = _NUMBERING.sub("", unbracket(text.strip()), count=1)
    if names.REPORTS_TO.match(text) or names.DIRECT_REPORTS.match(text):
        return True
    if names.UNIT_FIELD.match(text):
        return True
    match = names.KEYWORD.match(text)
    if match and match.lastgroup in _DESCRIBES:
        rest = text[match.end() :].lstrip()
        return not rest or rest[0] in ":：" or bool(MARKER.match(rest))
    match = names.ENGLISH_HEADER.match(text)
    return bool(match and not (match.group("name") or match.group("name2")))


_TITLE_NUMBER = re.compile(r"^(\d{1,2})\s*[.．、]\s*(?=\D)")


def position_title(text: str, following: str) -> tuple[str, int | None]:
    """“人事专员” (or “1. 人事专员”) alone on a line, then “直接上级：…” or “岗位职责：”.

    The title of a position and the number of its heading; ("", None) otherwise.
    """
    text = unbracket(text.strip())
    number = None
    if match := _TITLE_NUMBER.match(text):
        number, text = int(match.group(1)), text[match.end() :]
    if not names.is_position_name(text) or "、" in text or MARKER.match(text):
        return "", None
    if names.HEADER.search(text) or names.POSITION_FIELD.match(text):
        return "", None
    return (text, number) if _describes_position(following) else ("", None)


def form_label(text: str) -> str:
    """The label of a form cell (岗位名称, 直接上级, 岗位职责 …), or ''."""
    label = text.strip().rstrip(":：").strip()
    if not label or len(label) > 10 or "\n" in label:
        return ""
    probe = label + "：x"
    if names.POSITION_FIELD.match(probe) or names.UNIT_FIELD.match(probe):
        return label
    if names.REPORTS_TO.fullmatch(label + "：") or names.DIRECT_REPORTS.fullmatch(label + "："):
        return label
    match = names.HEADER.fullmatch(label)
    return label if match and not match.group("name") else ""
