"""After reading: table rows put back in order, items made duties or authorities, empties dropped."""

import re
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from reader import names
from reader.kpi import parse_kpis
from reader.mode import Mode
from reader.model import (
    AUTHORITY,
    DUTY,
    POSITION,
    ParsedBlock,
    ParsedDocument,
    ParsedItem,
    ParsedSection,
)
from reader.patterns import (
    AUTHORITY_WORDS,
    FORM,
    ROSTER_ENTRY,
    STRUCTURE_HEADING,
    clean_item_text,
    short_text,
)

if TYPE_CHECKING:
    from reader.structure import Reader


def finish(document: ParsedDocument, reader: "Reader") -> ParsedDocument:
    _route_rows(document, reader)
    for block in document.blocks:
        for section in list(block.sections):
            if STRUCTURE_HEADING.search(section.title) and section.items:
                listed = "、".join(clean_item_text(i.text) for i in section.items)
                reader.warn(
                    _("Not read as duties (an organisation structure): %(title)s: %(names)s")
                    % {"title": section.title, "names": short_text(listed)}
                )
                block.sections.remove(section)
    _drop_rosters(document, reader)
    _split_position_lists(document)
    for block in document.blocks:
        for section in block.sections:
            kept = []
            for item in section.items:
                text = clean_item_text(item.text)
                if not text:
                    if item.number:
                        reader.warn(
                            _("Dropped table row %(number)s: it has no duty text.")
                            % {"number": item.number}
                        )
                    continue
                item.text = text
                mode = reader.modes.get(item, Mode.DUTIES)
                if mode == Mode.KPIS and not item.kpis:
                    item.kpis = parse_kpis(text)
                if item.kind != AUTHORITY:
                    item.kind = (
                        AUTHORITY
                        if mode == Mode.AUTHORITIES or AUTHORITY_WORDS.search(text)
                        else DUTY
                    )
                for name in FORM.findall(text):
                    if name.strip() not in item.forms:
                        item.forms.append(name.strip())
                item.process_steps = [
                    s for s in (clean_item_text(s) for s in item.process_steps) if s
                ]
                item.forms = list(
                    dict.fromkeys(f for f in (clean_item_text(f) for f in item.forms) if f)
                )
                kept.append(item)
                rights = [s for s in item.process_steps if AUTHORITY_WORDS.search(s)]
                if rights and item.kind == DUTY:
                    # 对…请假1天以内(含)有直接审批权: a right written among the steps is an authority.
                    item.process_steps = [s for s in item.process_steps if s not in rights]
                    kept.extend(ParsedItem(text=right, kind=AUTHORITY) for right in rights)
            section.items = kept
        if not any(s.items for s in block.sections) and len(block.sections) >= 2:
            titles = [s.title for s in block.sections if s.title]
            if len(titles) >= 2:
                # 一、… 二、… with nothing under them: they were the items.
                block.sections = [
                    ParsedSection(items=[ParsedItem(text=clean_item_text(t)) for t in titles])
                ]
        for section in list(block.sections):
            if not section.items:
                if section.title:
                    reader.warn(
                        _("Dropped a heading with no items under it: %(text)s")
                        % {"text": short_text(section.title)}
                    )
                block.sections.remove(section)
    kept_blocks = []
    for block in document.blocks:
        if (
            block.items
            or block.summary
            or block.requirements
            or block.reports_to
            or block.direct_reports
        ):
            kept_blocks.append(block)
        elif block.name:
            reader.warn(
                _("Dropped a heading with nothing under it: %(text)s") % {"text": block.name}
            )
    document.blocks = kept_blocks
    return document


def _drop_rosters(document: ParsedDocument, reader: "Reader"):
    """A numbered list of posts (人力资源部经理(1人) 、招聘专员(2人) …) is a roster, not duties."""
    for block in document.blocks:
        for section in list(block.sections):
            if len(section.items) < 2:
                continue
            entries = [ROSTER_ENTRY.match(clean_item_text(i.text)) for i in section.items]
            if not all(m and names.is_position_name(m.group("name")) for m in entries):
                continue
            listed = "、".join(clean_item_text(i.text) for i in section.items)
            reader.warn(
                _("Not read as duties (a roster of posts): %(names)s")
                % {"names": short_text(listed)}
            )
            block.sections.remove(section)


_NAMED_ITEM = re.compile(r"^([^:：,，。;；]{2,16})[:：]\s*(.+)$", re.S)


def _split_position_lists(document: ParsedDocument):
    """“1. 业务经理:负责… 2. 产品经理:负责…” under a department: one duty per position.

    Only when every item of the section starts with a position title and a
    colon; “制定销售策略和计划:根据…” stays an item.
    """
    blocks = []
    for block in document.blocks:
        blocks.append(block)
        if block.kind == POSITION:
            continue
        for section in list(block.sections):
            matches = [_NAMED_ITEM.match(clean_item_text(i.text)) for i in section.items]
            if len(matches) < 2 or not all(
                m and names.is_position_name(m.group(1)) for m in matches
            ):
                continue
            block.sections.remove(section)
            for item, match in zip(section.items, matches, strict=True):
                item.text = match.group(2)
                blocks.append(
                    ParsedBlock(
                        kind=POSITION,
                        name=match.group(1).strip(),
                        sections=[ParsedSection(items=[item])],
                    )
                )
    document.blocks = blocks


def _number_key(number: str) -> tuple:
    return tuple(int(p) for p in number.split(".") if p.isdigit())


def _route_rows(document: ParsedDocument, reader: "Reader"):
    """Put table rows numbered 3.2.x under the heading numbered 2 (业务经理职责), in number order.

    Copied tables sometimes arrive with their rows out of order; the 序号
    says which position a row belongs to when the document numbers its
    position headings (1.业务总监 2.业务经理 …).
    """
    owners: dict[int, list[ParsedBlock]] = {}
    for block in document.blocks:
        number = reader.heading_numbers.get(id(block))
        if number is not None and id(block) in reader.row_owners:
            owners.setdefault(number, []).append(block)
    if not owners:
        return
    homes: dict[int, ParsedSection] = {}
    moved: dict[int, list[ParsedItem]] = {}
    for block in document.blocks:
        for section in block.sections:
            for item in list(section.items):
                key = _number_key(item.number)
                if len(key) < 3 or len(owners.get(key[1], [])) != 1:
                    continue
                owner = owners[key[1]][0]
                if owner is block:
                    # The rows go where the block's own table was.
                    homes.setdefault(id(owner), section)
                section.items.remove(item)
                moved.setdefault(id(owner), []).append(item)
    for block in document.blocks:
        rows = moved.get(id(block))
        if not rows:
            continue
        rows.sort(key=lambda i: _number_key(i.number))
        seen: set[str] = set()
        for row in rows:
            if row.number in seen:
                reader.warn(
                    _("Table row number %(number)s appears more than once.")
                    % {"number": row.number}
                )
            seen.add(row.number)
        home = homes.get(id(block))
        if home is None:
            home = ParsedSection()
            block.sections.append(home)
        home.items.extend(rows)
