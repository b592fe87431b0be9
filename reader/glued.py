"""Text written with no separators at all: form fields run together, item numbers glued on.

Documents copied out of PDF forms or tables lose the cell borders, so a form
of label–value cells arrives as one run of characters, each label ending the
value before it::

    岗位名称财务部经理职位编码CY05001所属部门总经办所属职系管理系列
    三、职位关系直接上级总经理内部协调关系企业各部门直接下级会计主管、资金主管

and a list that was one item a cell arrives as one paragraph whose numbers
have no 、 or . after them: ``工作内容1根据…;2根据…;3拟订…``. Both are put
back into the shapes the reader knows (``岗位名称：财务部经理`` a line each,
``1、根据…;2、根据…``) before it reads them. The labels are those of a
job-description form, never words of one document, and a number counts only
as part of a run 1, 2, 3 … that starts the list and follows a sentence end.
"""

import re
from functools import lru_cache

import opencc

# The labels of a job-description form's cells, in simplified Chinese; their
# traditional forms are added below. Cells name the post and its relations;
# a line is split only when it holds one of them, since the headings (工作内容,
# 任职资格 …) also open the reader's own sections (业务支持部工作职责：…).
CELL_LABELS = (
    "岗位名称",
    "职位名称",
    "职务名称",
    "岗位编号",
    "岗位编码",
    "职位编号",
    "职位编码",
    "所属部门",
    "所在部门",
    "部门名称",
    "所属职系",
    "所属序列",
    "职系",
    "岗位等级",
    "职位等级",
    "职级",
    "直接上级",
    "直接下级",
    "内部协调关系",
    "外部协调关系",
    "内部关系",
    "外部关系",
    "定员人数",
    "岗位定员",
)
HEADING_LABELS = (
    "工作概要",
    "工作概述",
    "岗位概要",
    "职位概要",
    "岗位目的",
    "工作内容",
    "工作职责",
    "岗位职责",
    "任职资格",
    "任职要求",
    "任职条件",
    "考核指标",
    "绩效指标",
)
FIELD_LABELS = CELL_LABELS + HEADING_LABELS
_NUMBERING = r"(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}\s*[、.．])"
# A label inside a sentence (…的工作内容, 及直接上级) is a word, not a cell.
_PARTICLES = "的之和与與及或等对對向由在为為"


def _spellings(labels) -> set[str]:
    """The labels as written, and in traditional characters (Taiwan's too)."""
    forms = set(labels)
    for config in ("s2t", "s2tw"):
        converter = opencc.OpenCC(config)
        forms |= {converter.convert(label) for label in labels}
    return forms


@lru_cache(maxsize=1)
def _labels() -> tuple[re.Pattern, set[str]]:
    alternation = "|".join(sorted(map(re.escape, _spellings(FIELD_LABELS)), key=len, reverse=True))
    return re.compile(alternation), _spellings(CELL_LABELS)


_SEPARATOR_AFTER = re.compile(r"\s*[:：]")
# 【岗位名称】行政专员: a label in brackets is separated already (patterns.unbracket).
_BRACKETED = re.compile(r"\s*[】\]〕]")


def split_glued_fields(line: str) -> list[str]:
    """``岗位名称财务部经理职位编码CY05001`` → ``["岗位名称：财务部经理", "职位编码：CY05001"]``.

    Only lines that begin with a label (after a section number and a short
    heading such as 基本信息 or 职位关系) and glue at least one label to its
    value are split; ``岗位名称：财务部经理`` and sentences are left as they are.
    """
    stripped = line.strip()
    head = re.match(_NUMBERING, stripped)
    start = head.end() if head else 0
    pattern, cells = _labels()
    found = []
    for match in pattern.finditer(stripped, start):
        before = stripped[match.start() - 1] if match.start() > start else ""
        if found and before in _PARTICLES:
            continue
        if found and match.start() < found[-1].end():
            continue
        found.append(match)
    if not any(m.group() in cells for m in found):
        return [line]
    first = found[0]
    lead = stripped[start : first.start()]
    # A short heading may stand before the first label (基本信息, 职位关系); a sentence may not.
    if len(lead) > 6 or re.search(r"[。;；,，:：]", lead):
        return [line]
    if any(_BRACKETED.match(stripped, m.end()) for m in found):
        return [line]
    glued = [m for m in found if not _SEPARATOR_AFTER.match(stripped, m.end())]
    if not glued or (len(found) < 2 and first.end() >= len(stripped)):
        return [line]
    lines = []
    if lead:
        lines.append(stripped[: first.start()])
        prefix = ""
    else:
        prefix = stripped[:start]
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(stripped)
        value = stripped[match.end() : end]
        value = _SEPARATOR_AFTER.sub("", value, count=1) if _SEPARATOR_AFTER.match(value) else value
        lines.append(f"{prefix}{match.group()}：{value.strip()}")
        prefix = ""
    return lines


_BARE = re.compile(r"(?<![\d.．%％])(\d{1,2})(?=[\u4e00-\u9fff\u3400-\u4dbf])")
_SEPARATED = re.compile(r"(?<![\d.．])\d{1,2}\s*[、.．)）](?!\d)")
_SENTENCE_END = re.compile(r"[;；。]\s*$")


def separate_bare_numbers(line: str) -> str:
    """``工作内容1根据…;2根据…;3拟订…`` → ``工作内容1、根据…;2、根据…;3、拟订…``.

    The numbers must run 1, 2, 3 … (two at least), each after the first
    following a ; ； or 。, in a line with no separated numbers of its own:
    ``3个月内`` or ``每月5日`` inside a sentence never starts a run.
    """
    if _SEPARATED.search(line):
        return line
    candidates = list(_BARE.finditer(line))
    if len(candidates) < 2:
        return line
    run: list[re.Match] = []
    for match in candidates:
        number = int(match.group(1))
        if not run:
            if number == 1:
                run.append(match)
            continue
        if number == int(run[-1].group(1)) + 1 and _SENTENCE_END.search(line[: match.start()]):
            run.append(match)
    if len(run) < 2:
        return line
    out, pos = [], 0
    for match in run:
        out.append(line[pos : match.end()])
        out.append("、")
        pos = match.end()
    out.append(line[pos:])
    return "".join(out)


_LINE_START = re.compile(r"^\s*(\d{1,2})(?=[\u4e00-\u9fff\u3400-\u4dbf])")


def separate_bare_line_numbers(lines: list[str]) -> list[str]:
    """Lines that open with 1, 2, 3 … glued to their text (``1根据…`` / ``2组织…``): items.

    Two lines at least, numbered from 1 in steps of one, blank lines between
    them allowed; a line such as ``3个月内完成`` alone is left as it is.
    """
    out = list(lines)
    run: list[int] = []

    def flush():
        if len(run) >= 2:
            for index in run:
                match = _LINE_START.match(out[index])
                out[index] = out[index][: match.end()] + "、" + out[index][match.end() :]
        run.clear()

    for index, line in enumerate(lines):
        if not line.strip():
            continue
        match = _LINE_START.match(line)
        number = int(match.group(1)) if match else None
        if (
            number is not None
            and run
            and number == int(_LINE_START.match(lines[run[-1]]).group(1)) + 1
        ):
            run.append(index)
        elif number == 1:
            flush()
            run.append(index)
        elif run and number is None and not _SEPARATED.match(line.strip()):
            # A wrapped line of the item above; the run goes on after it.
            continue
        else:
            flush()
    flush()
    return out
