"""The events of a paragraph: headings, reporting lines and numbering marks, in order.

``find_events`` finds them all in one paragraph's text; the reader then
decides what each one means where it stands (reader/marks.py for the marks).
"""

import re
from dataclasses import dataclass

from reader import names
from reader.kpi import chinese_number
from reader.patterns import CN_NUM, DELIMITER_END, HEADER_FOLLOW, MARKER


@dataclass
class Event:
    start: int
    end: int
    kind: str  # header | up | down | marker
    style: str = ""
    number: int | None = None
    header: str = ""
    name: str = ""
    page: str = ""
    glued: bool = False
    keyword: str = ""
    parent_number: int | None = None
    colon: bool = False


def _cn_value(text: str) -> int:
    return chinese_number(text) or 0


def find_events(text: str) -> list[Event]:
    events: list[Event] = []
    taken = bytearray(len(text) + 1)  # characters already read as a heading
    pos = 0
    for match in names.KEYWORD.finditer(text):
        if match.start() < pos:
            continue
        event = header_event(text, match, pos)
        if event is not None:
            events.append(event)
            taken[event.start : event.end] = b"\x01" * (event.end - event.start)
            pos = event.end
    for match in names.ENGLISH_HEADER.finditer(text):
        if any(taken[match.start() : match.end()]):
            continue
        name = (match.group("name") or match.group("name2") or "").strip()
        kind = next(
            (k for k in ("duties", "requirements", "summary", "kpis") if match.group(k)),
            "duties",
        )
        end = match.end()
        colon = re.match(r"\s*[:：]", text[end:])
        events.append(
            Event(
                match.start(),
                end + (colon.end() if colon else 0),
                "header",
                header=kind,
                name=name,
                colon=bool(colon),
                keyword=match.group("kpis") or "",
            )
        )
        taken[match.start() : end] = b"\x01" * (end - match.start())
    for kind, pattern in (("up", names.REPORTS_TO), ("down", names.DIRECT_REPORTS)):
        for match in pattern.finditer(text):
            if not any(taken[match.start() : match.end()]):
                events.append(Event(match.start(), match.end(), kind))
                taken[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
    for match in MARKER.finditer(text):
        if any(taken[match.start() : match.end()]):
            continue
        events.append(marker_event(match))
    events.sort(key=lambda e: (e.start, e.kind != "marker"))
    return events


def header_event(text: str, match: re.Match, floor: int = 0) -> Event | None:
    """A heading at a keyword found in ``text``, or None when the keyword is in a sentence."""
    kind = match.lastgroup
    kw_start, kw_end = match.start(), match.end()
    window_start = max(floor, kw_start - 24)
    raw_name = names.NAME_BEFORE.search(text, window_start, kw_start).group()
    name_start = kw_start - len(raw_name)
    name = names.clean_name(raw_name)
    bare = kind == "duties" and match.group(kind) in ("职责", "職責", "工作职责", "工作職責")
    valid = (
        bool(name)
        and len(name) <= 20
        and (
            names.is_position_name(name)
            or names.is_unit_name(name)
            or (len(name) <= 6 and not bare)
        )
    )
    if bare and not valid:
        return None
    start = name_start if valid else kw_start
    # Only the last few characters matter; slicing from 0 would be quadratic.
    before = text[max(0, start - 40) : start].rstrip()
    if not before and start > 40 and text[:start].strip():
        before = text[:start].rstrip()[-40:]
    at_boundary = not before or bool(
        DELIMITER_END.search(before) or re.search(rf"(?:[{CN_NUM}\d]\s*[、.．]|[)）])$", before)
    )
    follow = HEADER_FOLLOW.match(text, kw_end)
    if follow and at_boundary:
        end = follow.end()
    elif follow and follow.group().strip() in (":", "："):
        # 所以不在此部门人员装备中部门职责: — a colon makes it a heading; the words
        # before it are not a name.
        start, end, valid = kw_start, follow.end(), False
    elif (
        not before
        and valid
        and "的" not in raw_name
        and (names.is_unit_name(name) or names.is_position_name(name))
        and not re.match(r"[的之和与與及。，,;；.]", text[kw_end : kw_end + 1])
    ):
        end = kw_end  # a title line: 销售部部门职责及分工衡阳市…
    elif kind in ("summary", "requirements") and at_boundary and not name:
        end = kw_end  # 一、职位概述业务部是…
    elif (
        not valid
        and not bare
        and kind in ("duties", "department", "mixed", "authority")
        and re.search(rf"[{CN_NUM}]\s*[、.．]$|[(（][{CN_NUM}]+[)）]$", before)
    ):
        end = kw_end  # 二、岗位职责业务部总监/经理-负责…
    else:
        return None
    return Event(
        start,
        end,
        "header",
        header=kind,
        name=name if valid else "",
        keyword=match.group(),
        colon=text[kw_end:end].strip() in (":", "："),
    )


def marker_event(match: re.Match) -> Event:
    groups = match.groupdict()
    if groups["hier"]:
        last = re.split(r"[.．]", groups["hier"].rstrip(".．"))[-1]
        return Event(match.start(), match.end(), "marker", "hier", int(last))
    if groups["sub"]:
        return Event(
            match.start(),
            match.end(),
            "marker",
            "sub",
            int(groups["subnum"]),
            parent_number=int(groups["subparent"]),
        )
    if groups["pnum"]:
        return Event(match.start(), match.end(), "marker", "paren", int(groups["pnum"]))
    if groups["pcn"]:
        return Event(match.start(), match.end(), "marker", "pcn", _cn_value(groups["pcn"]))
    if groups["circ"]:
        return Event(match.start(), match.end(), "marker", "circ", ord(groups["circ"]) - 0x2460 + 1)
    if groups["cn"]:
        return Event(match.start(), match.end(), "marker", "cn", _cn_value(groups["cn"]))
    if groups["num"]:
        sep = groups["sep"]
        family = "num-dun" if sep in "、，" else "num-paren" if sep in ")）" else "num-dot"
        start = match.start("num")
        return Event(
            start if not groups["page"] else match.start(),
            match.end(),
            "marker",
            family,
            int(groups["num"].replace(" ", "")),
            page=groups["page"] or "",
        )
    return Event(match.start(), match.end(), "marker", "bullet", None)
