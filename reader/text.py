"""Clean scraped text before it is read: drop site noise, rejoin pages, find flattened tables.

Duty documents reach HR as copies from document-sharing sites as often as
clean Word files, so the text carries the site around the document (upload
notices, "read the full text", footers), page markers that cut sentences in
half, pinyin annotations after rare characters and anti-copy marks. Every
rule here is a pattern of those sites or of Word's text export, never a phrase
of one document, and everything removed is reported as a warning.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from reader.files import Paragraph, Table

CJK = "\u4e00-\u9fff\u3400-\u4dbf"
CJK_PUNCT = "\u3000-\u303f\uff00-\uffef"

# -- characters -------------------------------------------------------------

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# 職責(zé): a pinyin reading some sites print after every less common character.
_PINYIN = re.compile(rf"(?<=[{CJK}])\((?=[a-zü]*[{_TONE}])[a-zü{_TONE}]{{1,7}}\)")
# 营销实绩的`管理: a stray quote some sites put between characters against copying.
_ANTI_COPY = re.compile(rf"(?<=[{CJK}])[`'](?=[{CJK}])")
# A space between two Chinese characters or punctuation marks is a line-wrap artefact.
_CJK_SPACE = re.compile(rf"(?<=[{CJK}{CJK_PUNCT}])[ \u3000\n]+(?=[{CJK}{CJK_PUNCT}])")


def normalize(text: str) -> tuple[str, list[str]]:
    warnings = []
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = _INVISIBLE.sub("", text)
    pinyin = _PINYIN.findall(text)
    if pinyin:
        text = _PINYIN.sub("", text)
        warnings.append(
            _("Removed %(count)d pinyin annotations such as %(example)s.")
            % {"count": len(pinyin), "example": pinyin[0]}
        )
    text = _ANTI_COPY.sub("", text)
    return text, warnings


# 盘点, + 确保…: a line wrapped after an ASCII comma in Chinese text.
_CJK_COMMA_WRAP = re.compile(rf"(?<=[{CJK}][,;:])[ \u3000]*\n\s*(?=[{CJK}])")


def tidy(text: str) -> str:
    """Inner whitespace of an item: wrap artefacts between Chinese characters go, others shrink."""
    text = _CJK_COMMA_WRAP.sub("", text)
    text = _CJK_SPACE.sub("", text)
    return re.sub(r"[ \t\n]+", " ", re.sub(r"\s*\n\s*", "\n", text)).strip()


# -- site noise -------------------------------------------------------------

# Lines that belong to the site, not to the document.
_NOISE_LINES = [
    re.compile(p)
    for p in (
        r"^.{0,80}_第\s*\d+\s*[页頁]$",  # 部门职能及职责_第1页
        r"^第\s*\d+\s*[页頁]\s*/\s*共\s*\d+\s*[页頁]$",  # 第1页 / 共10页
        r"^\d+\s*/\s*\d+$",
        r"上[传傳]人\s*[:：]|上[传傳]时间\s*[:：]|上[传傳]時間\s*[:：]",
        r"^收藏\s+版[权權]申[诉訴]",
        r"^[资資]源描述\s*[:：]?$",
        r"由[会會][员員]分享|在[线線]阅读|請在.{1,12}上搜索|请在.{1,12}上搜索",
        r"^已[阅閱][读讀]\s*\d+\s*[页頁]",
        r"^下[载載]本文[档檔]$|^下[载載]文[档檔]$",
        r"^版[权權][说說]明\s*[:：]",
        r"^文[档檔]简介$|^文檔簡介$",
        r"^(?:评论|評論|提交评论|提交評論|\d+/\d+)$",
        r"下[载載]文[档檔]前请|下[载載]文[档檔]前請|仅部分预览|僅部分預覽|如文[档檔]侵犯您的",
        r"^(?:关于我们|關於我們).{0,10}(?:网站声明|網站聲明)",
        r"^copyright\s*@|版[权權]所有\s|^备案号|^備案號",
    )
]
# Page markers a Word or PDF export leaves on their own line: 第1页 共3页, - 2 -, Page 1 of 3.
_PAGE_LINES = re.compile(
    r"^(?:第\s*\d+\s*[页頁]\s*[,，]?\s*共\s*\d+\s*[页頁]|共\s*\d+\s*[页頁]\s*[,，]?\s*第\s*\d+\s*[页頁]"
    r"|[-—–]\s*\d{1,3}\s*[-—–]|(?i:page\s+\d+\s+of\s+\d+))$"
)
# After these lines only the site's footer follows.
_FOOTER_START = re.compile(r"^(?:展开阅读全文|展開閱讀全文|温馨提示|溫馨提示)\s*[:：]?$")
# Slogans printed on every page by document-sharing sites.
_SLOGANS = re.compile(
    r"精选优质文档-倾情为你奉上|精選優質文檔-傾情為你奉上|专心-专注-专业|專心-專注-專業"
)
# 第1页/共2页 inside a line, and the proverb some sites print at the top of every page.
_INLINE_PAGE = re.compile(
    rf"第\s*\d+\s*[页頁]\s*/\s*共\s*\d+\s*[页頁](?:[{CJK}]{{4}}[,，][{CJK}]{{4}}[。.])?"
)
_PROVERB_LINE = re.compile(rf"^[{CJK}]{{4}}[,，][{CJK}]{{4}}[。.!！]$")
# (共10页), (精选11篇), (最新6篇): the site's notes on a title.
_TITLE_NOTES = re.compile(
    r"[(（](?:共\s*\d+\s*[页頁]|(?:精选|精選|最新|通用|优秀|優秀|热门|熱門|推荐|推薦|汇总|匯總|合集|大全)?\s*\d+\s*篇)[)）]"
)
# 业务支持部篇1 / 岗位职责篇3: the site's article numbering, glued to the text after it.
_ARTICLE_NUMBER = re.compile(r"(?<=[责責部门門])篇\d+?(?=1[、.．]|\D|$)")


def drop_noise(lines: list[str]) -> tuple[list[str], list[str]]:
    kept, dropped = [], []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if _FOOTER_START.match(stripped):
            rest = [s for s in (raw.strip() for raw in lines[index:]) if s]
            dropped.append(
                _("Dropped the site footer from “%(line)s” on (%(count)d lines).")
                % {"line": stripped, "count": len(rest)}
            )
            break
        if _PAGE_LINES.match(stripped):
            dropped.append(_("Dropped a page number: %(text)s") % {"text": stripped})
            continue
        if stripped and (
            any(p.search(stripped) for p in _NOISE_LINES) or _PROVERB_LINE.match(stripped)
        ):
            dropped.append(_("Dropped site text: %(line)s") % {"line": _short(stripped)})
            continue
        kept.append(line)
    return kept, dropped


def inline_noise(line: str, warnings: list[str]) -> str:
    for pattern in (_SLOGANS, _INLINE_PAGE, _TITLE_NOTES, _ARTICLE_NUMBER):
        found = pattern.findall(line)
        if found:
            line = pattern.sub("", line)
            for text in found:
                warnings.append(_("Dropped site text: %(line)s") % {"line": text})
    return line


def _short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


# -- page breaks ------------------------------------------------------------

_PAGE_MARK = re.compile(r"^\s*(\d{1,3})、")
_ENDS_SENTENCE = re.compile(r"[。；;！!？?：:]\s*$")


def join_page_breaks(lines: list[str]) -> tuple[list[str], list[str]]:
    """Rejoin the pages of a scraped document whose page numbers interrupt the text.

    Some sites print a page as one paragraph that opens with its number and
    ``、`` (``1、``, ``2、`` …), cutting whatever sentence runs across the page
    end: ``…;15`` + ``2、. 负责本部门…`` is item 15. The run counts as page
    markers only when the numbers go 1, 2, 3 … each opening a paragraph after
    a blank line, the paragraphs are page-long, and most of them continue a
    cut sentence; a list numbered 1、 2、 … one item a line is none of these.
    """
    paragraphs: list[list[int]] = []  # line indexes of each blank-separated paragraph
    current: list[int] = []
    for index, line in enumerate(lines):
        if line.strip():
            current.append(index)
        elif current:
            paragraphs.append(current)
            current = []
    if current:
        paragraphs.append(current)

    warnings: list[str] = []
    run: list[int] = []  # paragraph indexes whose first line is the next page mark
    expected = 1
    for p_index, para in enumerate(paragraphs):
        match = _PAGE_MARK.match(lines[para[0]])
        if match and int(match.group(1)) == expected:
            run.append(p_index)
            expected += 1
    if len(run) >= 2:
        lengths = sorted(sum(len(lines[i]) for i in paragraphs[p]) for p in run)
        cuts = sum(
            1 for p in run[1:] if p > 0 and not _ENDS_SENTENCE.search(lines[paragraphs[p - 1][-1]])
        )
        if lengths[len(lengths) // 2] < 100 or cuts * 2 < len(run) - 1:
            run = []
        else:
            warning = _(
                "Removed %(count)d page-break markers (%(first)s … %(last)s) and rejoined the text."
            )
            warnings.append(warning % {"count": len(run), "first": "1、", "last": f"{len(run)}、"})
    else:
        run = []
    marks = set(run)
    for p_index in range(1, len(paragraphs)):
        if p_index not in marks and _lone_page_mark(lines, paragraphs, p_index):
            marks.add(p_index)
            mark = _PAGE_MARK.match(lines[paragraphs[p_index][0]]).group().strip()
            warnings.append(
                _("Removed the page-break marker %(mark)s and rejoined the text.") % {"mark": mark}
            )
    if not marks:
        return lines, []

    joined: list[str] = []
    for p_index, para in enumerate(paragraphs):
        texts = [lines[i] for i in para]
        if p_index in marks:
            texts[0] = _PAGE_MARK.sub("", texts[0], count=1)
            if (not run or p_index != run[0]) and joined:
                joined[-1] = joined[-1].rstrip() + texts[0].lstrip()
                joined.extend(texts[1:])
                continue
        if joined:
            joined.append("")
        joined.extend(texts)
    return joined, warnings


_DANGLING = re.compile(r"[、,，]\s*$")


def join_dangling_lists(lines: list[str]) -> tuple[list[str], list[str]]:
    """A page marker inside a list of words: ``…盘点与核算货币资金、`` + ``2、存货,提交…``.

    A line that ends with 、 or a comma has not ended: no item, heading or
    sentence stops there. When the next line (blank lines between) opens with
    ``N、``, that number is the page marker of a document-sharing site, and
    the text after it continues the cut line.
    """
    out: list[str] = []
    warnings: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        out.append(line)
        index += 1
        if not _DANGLING.search(line) or not line.strip():
            continue
        probe = index
        while probe < len(lines) and not lines[probe].strip():
            probe += 1
        match = _PAGE_MARK.match(lines[probe]) if probe < len(lines) else None
        if match is None or int(match.group(1)) < 2:
            continue
        out[-1] = line.rstrip() + lines[probe][match.end() :].lstrip()
        warnings.append(
            _("Removed the page-break marker %(mark)s and rejoined the text.")
            % {"mark": match.group().strip()}
        )
        index = probe + 1
    return out, warnings


_INLINE_NUMBER = re.compile(r"(?<![\d.])(\d{1,3})\s*[.．、]")


def _lone_page_mark(lines: list[str], paragraphs: list[list[int]], p_index: int) -> bool:
    """One page marker left in a pasted part of a scraped page: ``…实施;15`` + ``2、. 负责…``.

    The line before must be a page's text (three or more items run together)
    whose last sentence is cut, and the number must not be the next item of its
    list: a list of one item a line has none of these.
    """
    match = _PAGE_MARK.match(lines[paragraphs[p_index][0]])
    if not match or int(match.group(1)) < 2:
        return False
    previous = [lines[i] for i in paragraphs[p_index - 1]]
    last = previous[-1].rstrip()
    if _ENDS_SENTENCE.search(last):
        return False
    numbers = [int(n) for n in _INLINE_NUMBER.findall(last)]
    if len(numbers) < 3:
        return False
    tail = re.search(r"(\d{1,3})$", last)
    pending = int(tail.group(1)) if tail else numbers[-1] + 1
    return int(match.group(1)) not in (numbers[-1] + 1, pending)


# -- repeated titles --------------------------------------------------------


def drop_repeated_titles(lines: list[str], is_title) -> tuple[list[str], list[str]]:
    """A title repeated on the next line, or glued to the start of the next paragraph, is read once."""
    out: list[str] = []
    warnings: list[str] = []
    last = ""
    for line in lines:
        stripped = line.strip()
        if not stripped:
            out.append(line)
            continue
        if last and stripped == last:
            warnings.append(_("Dropped a repeated title: %(line)s") % {"line": stripped})
            continue
        if last and len(last) <= 40 and stripped.startswith(last) and is_title(last):
            line = stripped[len(last) :]
            stripped = line.strip()
        out.append(line)
        last = stripped
    return out, warnings


# -- tables flattened into text ---------------------------------------------

COLUMN_ROLES = {
    "position": ("岗位", "岗位名称", "职位", "职位名称", "崗位", "崗位名稱", "職位"),
    "number": ("序号", "序號", "编号", "編號", "序"),
    "duty": (
        "职责描述",
        "岗位职责",
        "工作职责",
        "主要职责",
        "职责",
        "工作内容",
        "職責描述",
        "崗位職責",
        "工作職責",
        "職責",
        "工作內容",
    ),
    "steps": ("流程", "工作流程", "步骤", "步驟", "工作步骤"),
    "forms": ("相关记录", "相關記錄", "记录", "記錄", "表单", "表單", "相关表单", "相關表單"),
    "kpis": (
        "工作指标",
        "工作指標",
        "考核指标",
        "考核指標",
        "职责要求简要说明",
        "職責要求簡要說明",
        "职责要求",
        "職責要求",
        "考核标准",
        "考核標準",
        "绩效指标",
        "績效指標",
        "kpi",
    ),
    "authority": ("权限", "權限", "职权", "職權"),
}
_ROLE_OF = {name.lower(): role for role, names in COLUMN_ROLES.items() for name in names}


# Header cells not in the lists above are recognised by their words, checked in
# this order: 职责要求简要说明 is a KPI column although it says 职责.
_ROLE_WORDS = [
    ("number", re.compile(r"^(?:序号|序號|编号|編號|no\.?)$")),
    ("kpis", re.compile(r"指标|指標|标准|標準|职责要求|職責要求|考核|衡量|kpi")),
    ("steps", re.compile(r"流程|步骤|步驟")),
    ("forms", re.compile(r"记录|記錄|表单|表單|表格")),
    ("authority", re.compile(r"权限|權限|职权|職權")),
    (
        "duty",
        re.compile(r"职责|職責|工作内容|工作內容|职能|職能|工作任务|工作任務|duties|responsibilit"),
    ),
    (
        "position",
        re.compile(r"^(?:岗位|崗位|职位|職位|职务|職務)(?:名称|名稱)?$|^position|^job title"),
    ),
]


def column_role(text: str, strict: bool = False) -> str | None:
    """The role of a table column from its header; ``strict`` accepts only the usual names.

    Lines of flattened text are judged strictly: “3.业务助理职责:” says 职责 but
    is a heading, not a column.
    """
    key = re.sub(r"[\s:：]", "", text).lower()
    if key in _ROLE_OF:
        return _ROLE_OF[key]
    if strict or not key or len(key) > 12:
        return None
    return next((role for role, words in _ROLE_WORDS if words.search(key)), None)


def is_column_header(cells: list[str], strict: bool = False) -> bool:
    roles = [column_role(c, strict) for c in cells if c.strip()]
    return len(roles) >= 2 and all(roles) and "duty" in roles


@dataclass
class ColumnHeader:
    """The header of a table whose cells were flattened one per line (the rows follow as lines)."""

    columns: list[str] = field(default_factory=list)


def find_tables(lines: list[str]) -> list[Paragraph | Table | ColumnHeader]:
    """Paragraphs, with the tables that text export flattened turned back into tables.

    Two shapes are recognised. Word's "save as text" writes each cell on its
    own line after a tab, rows separated by blank lines, an empty cell as a
    bare tab, and further paragraphs of a cell as untabbed lines. Copied web
    tables put each cell on its own line with no marks at all: only the header
    (three or more column names, one a line) can be found, and the rows are
    read line by line (``ColumnHeader``).
    """
    elements: list[Paragraph | Table | ColumnHeader] = []
    index, count = 0, len(lines)
    while index < count:
        line = lines[index]
        if line.startswith("\t"):
            header, end = _tab_row(lines, index)
            if is_column_header(header):
                table, index = _tab_table(lines, index, len(header))
                elements.append(table)
                continue
        names = []
        probe = index
        while probe < count and lines[probe].strip() and column_role(lines[probe], strict=True):
            names.append(lines[probe].strip())
            probe += 1
        if len(names) >= 3 and is_column_header(names, strict=True):
            elements.append(ColumnHeader(names))
            index = probe
            continue
        if line.strip():
            elements.append(Paragraph(line.strip()))
        index += 1
    return elements


def _tab_row(lines: list[str], index: int) -> tuple[list[str], int]:
    cells = []
    while index < len(lines) and lines[index].startswith("\t"):
        cells.append(lines[index].strip())
        index += 1
    return cells, index


def _tab_table(lines: list[str], index: int, width: int) -> tuple[Table, int]:
    rows: list[list[str]] = []
    count = len(lines)
    while index < count:
        if lines[index].startswith("\t"):
            cells, index = _tab_row(lines, index)
            rows.append(cells)
            continue
        if not lines[index].strip():
            index += 1
            continue
        # An untabbed line continues the last cell only if another row follows.
        probe = index
        while probe < count and not lines[probe].startswith("\t"):
            probe += 1
        if probe == count or not rows:
            break
        extra = [s.strip() for s in lines[index:probe] if s.strip()]
        rows[-1][-1] = "\n".join([rows[-1][-1], *extra]).strip()
        index = probe
    return Table(rows), index
