"""Compare two snapshots: what was added, removed, changed or moved, side by side.

Items (duties, authorities, functions, KPIs) are paired first by their row id,
then by identical text, then by similar text (difflib ratio ≥ 0.6), so a duty
that was re-imported, re-worded or dragged elsewhere is still recognised.
A paired item is *moved* when it left its section or its place among the
other paired items (the longest run kept in order stays put); it is
*changed* when anything it says differs. Text changes are marked word by
word (character by character in Chinese) with difflib.
"""

import difflib
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

SIMILAR = 0.6
_TOKENS = re.compile(r"[A-Za-z0-9_]+|\s+|.", re.S)


def text_diff(old: str, new: str):
    """(old segments, new segments): lists of (kind, text), kind '' / 'del' / 'ins'."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            left.append(("", "".join(a[i1:i2])))
            right.append(("", "".join(b[j1:j2])))
            continue
        if i2 > i1:
            left.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            right.append(("ins", "".join(b[j1:j2])))
    return _merge(left), _merge(right)


def _merge(segments):
    merged = []
    for kind, text in segments:
        if merged and merged[-1][0] == kind:
            merged[-1] = (kind, merged[-1][1] + text)
        else:
            merged.append((kind, text))
    return merged


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a or "", b or "", autojunk=False).ratio()


def _pair(old, new, key=lambda item: item.get("text", "")):
    """Pairs (old index, new index): same id, then same text, then similar text."""
    pairs, used_old, used_new = [], set(), set()
    old_ids = {item["id"]: i for i, item in enumerate(old) if item.get("id") is not None}
    for j, item in enumerate(new):
        i = old_ids.get(item.get("id"))
        if i is not None and i not in used_old:
            pairs.append((i, j))
            used_old.add(i)
            used_new.add(j)
    by_text = {}
    for i, item in enumerate(old):
        if i not in used_old:
            by_text.setdefault(key(item), []).append(i)
    for j, item in enumerate(new):
        if j in used_new:
            continue
        candidates = by_text.get(key(item))
        if candidates:
            i = candidates.pop(0)
            pairs.append((i, j))
            used_old.add(i)
            used_new.add(j)
    scored = sorted(
        (
            (_ratio(key(old[i]), key(new[j])), i, j)
            for i in range(len(old))
            if i not in used_old
            for j in range(len(new))
            if j not in used_new
        ),
        reverse=True,
    )
    for score, i, j in scored:
        if score < SIMILAR:
            break
        if i in used_old or j in used_new:
            continue
        pairs.append((i, j))
        used_old.add(i)
        used_new.add(j)
    return sorted(pairs, key=lambda pair: pair[1])


def _in_place(pairs):
    """The pairs that keep their relative order: a longest increasing run of old indexes.

    Of several equally long runs, the one whose items travelled least (then
    the one that keeps the earlier items) stays put: when the third duty goes
    to the top, the third duty moved, not the first two.
    """
    if not pairs:
        return set()
    olds = [i for i, _j in pairs]
    score = [(1, -abs(i - j), -i) for i, j in pairs]
    previous = [-1] * len(pairs)
    for k, (i, j) in enumerate(pairs):
        for m in range(k):
            if olds[m] < i:
                candidate = (score[m][0] + 1, score[m][1] - abs(i - j), score[m][2] - i)
                if candidate > score[k]:
                    score[k], previous[k] = candidate, m
    k = max(range(len(pairs)), key=score.__getitem__)
    keep = set()
    while k != -1:
        keep.add(pairs[k])
        k = previous[k]
    return keep


@dataclass
class Row:
    """One line of the side-by-side table."""

    status: str  # same, added, removed, changed, moved
    old: dict | None = None
    new: dict | None = None
    old_text: list = field(default_factory=list)
    new_text: list = field(default_factory=list)
    changed: bool = False
    moved: bool = False
    details: list = field(default_factory=list)  # (label, old, new) of what else changed
    old_label: str = ""
    new_label: str = ""

    @property
    def css(self) -> str:
        classes = [self.status]
        if self.moved and self.changed:
            classes.append("changed")
        return " ".join(classes)


def _label(item) -> str:
    if item is None:
        return ""
    number = item.get("number")
    if item.get("section_number"):
        return f"{item['section_number']}.{number}" if number else ""
    return str(number) if number else ""


def _kpi_text(kpi) -> str:
    structure = kpi.get("structure") or ""
    return f"{kpi['text']} [{structure}]" if structure else kpi["text"]


def _details(old, new) -> list:
    """What else than the text changed in a paired item, as (label, before, after)."""
    found = []
    if old.get("section", "") != new.get("section", ""):
        found.append((_("section"), old.get("section") or "–", new.get("section") or "–"))
    for label, name in ((_("process steps"), "steps"),):
        a, b = old.get(name, []), new.get(name, [])
        if a != b:
            found.append((label, "\n".join(a) or "–", "\n".join(b) or "–"))
    a = [f"《{f['name']}》" for f in old.get("forms", [])]
    b = [f"《{f['name']}》" for f in new.get("forms", [])]
    if a != b:
        found.append((_("forms"), "".join(a) or "–", "".join(b) or "–"))
    if (old.get("function") or "") != (new.get("function") or ""):
        found.append(
            (_("department function"), old.get("function") or "–", new.get("function") or "–")
        )
    a = [_kpi_text(k) for k in old.get("kpis", [])]
    b = [_kpi_text(k) for k in new.get("kpis", [])]
    if a != b:
        found.append((_("KPIs"), "\n".join(a) or "–", "\n".join(b) or "–"))
    return found


def diff_items(old, new) -> list[Row]:
    """Rows in the new order; removed items stand where they used to be."""
    pairs = _pair(old, new)
    keep = _in_place(pairs)
    new_to_old = {j: i for i, j in pairs}
    paired_old = {i for i, _j in pairs}
    rows, emitted_old = [], set()

    def flush_removed(up_to):
        for i in range(up_to):
            if i not in paired_old and i not in emitted_old:
                emitted_old.add(i)
                rows.append(Row("removed", old=old[i], old_text=[("del", old[i]["text"])]))

    # Old index of the next item that stays in place, for each new position:
    # removed items go before what was added in the same gap (as in a unified diff).
    next_kept, upcoming = [len(old)] * len(new), len(old)
    for j in range(len(new) - 1, -1, -1):
        next_kept[j] = upcoming
        i = new_to_old.get(j)
        if i is not None and (i, j) in keep:
            upcoming = i
    for j, item in enumerate(new):
        i = new_to_old.get(j)
        if i is None:
            flush_removed(next_kept[j])
            rows.append(Row("added", new=item, new_text=[("ins", item["text"])]))
            continue
        before = old[i]
        moved = (i, j) not in keep or before.get("section", "") != item.get("section", "")
        if not moved:
            flush_removed(i)
        left, right = text_diff(before["text"], item["text"])
        details = _details(before, item)
        changed = before["text"] != item["text"] or bool(details)
        status = "moved" if moved else ("changed" if changed else "same")
        rows.append(
            Row(status, before, item, left, right, changed=changed, moved=moved, details=details)
        )
    flush_removed(len(old))
    for row in rows:
        row.old_label = _label(row.old)
        row.new_label = _label(row.new)
    return rows


def _set_rows(old, new, key, show):
    """Rows of an unordered list (direct reports, dotted lines, staffing)."""
    old_by = {key(x): x for x in old}
    new_by = {key(x): x for x in new}
    rows = []
    for k, item in new_by.items():
        if k in old_by:
            a, b = show(old_by[k]), show(item)
            status = "same" if a == b else "changed"
            left, right = text_diff(a, b)
            rows.append(Row(status, old_by[k], item, left, right, changed=status == "changed"))
        else:
            rows.append(Row("added", new=item, new_text=[("ins", show(item))]))
    for k, item in old_by.items():
        if k not in new_by:
            rows.append(Row("removed", old=item, old_text=[("del", show(item))]))
    return rows


def _field_row(label, a, b):
    a, b = "" if a is None else str(a), "" if b is None else str(b)
    left, right = text_diff(a, b)
    return {"label": label, "same": a == b, "old": left, "new": right}


@dataclass
class Block:
    title: str
    rows: list
    numbered: bool = True

    @property
    def counts(self) -> dict:
        counts = {"added": 0, "removed": 0, "changed": 0, "moved": 0}
        for row in self.rows:
            if row.status in ("added", "removed"):
                counts[row.status] += 1
            else:
                counts["changed"] += row.changed
                counts["moved"] += row.moved
        return counts

    @property
    def has_changes(self) -> bool:
        return any(self.counts.values())


def compare(old: dict, new: dict) -> dict:
    """Everything the compare page shows for two snapshots of one document."""
    position = new.get("kind", old.get("kind")) == "position"

    def path(content):
        return " › ".join(p["name"] for p in content.get("path", []))

    def superior(content):
        line = content.get("reports_to")
        return f"{line['title']} ({line['code']})" if line else "–"

    if position:
        fields = [
            _field_row(_("title"), old.get("title"), new.get("title")),
            _field_row(_("department"), path(old), path(new)),
            _field_row(_("reports to"), superior(old), superior(new)),
            _field_row(_("headcount"), old.get("headcount"), new.get("headcount")),
            _field_row(_("summary"), old.get("summary"), new.get("summary")),
            _field_row(_("requirements"), old.get("requirements"), new.get("requirements")),
        ]

        def dotted(content):
            return [{**line, "way": "out"} for line in content.get("dotted_out", [])] + [
                {**line, "way": "in"} for line in content.get("dotted_in", [])
            ]

        def show_line(line):
            arrow = "⇢" if line["way"] == "out" else "⇠"
            label = f" · {line['label']}" if line.get("label") else ""
            return f"{arrow} {line['title']} ({line['department']}){label}"

        blocks = [
            Block(_("Duties"), diff_items(old.get("duties", []), new.get("duties", []))),
            Block(
                _("Authorities"), diff_items(old.get("authorities", []), new.get("authorities", []))
            ),
            Block(
                _("KPIs of the position"),
                diff_items(_as_items(old.get("kpis", [])), _as_items(new.get("kpis", []))),
            ),
            Block(
                _("Direct reports"),
                _set_rows(
                    old.get("direct_reports", []),
                    new.get("direct_reports", []),
                    key=lambda r: r["code"],
                    show=lambda r: r["title"],
                ),
                numbered=False,
            ),
            Block(
                _("Dotted lines"),
                _set_rows(
                    dotted(old),
                    dotted(new),
                    key=lambda r: (r["way"], r["code"]),
                    show=show_line,
                ),
                numbered=False,
            ),
        ]
    else:
        fields = [
            _field_row(_("name"), old.get("title"), new.get("title")),
            _field_row(_("path"), path(old), path(new)),
            _field_row(_("description"), old.get("description"), new.get("description")),
        ]
        blocks = [
            Block(
                _("Department functions"),
                diff_items(old.get("functions", []), new.get("functions", [])),
            ),
            Block(
                _("Staffing"),
                _set_rows(
                    old.get("staffing", []),
                    new.get("staffing", []),
                    key=lambda r: r["code"],
                    show=lambda r: f"{r['title']} × {r['headcount']}",
                ),
                numbered=False,
            ),
        ]
    totals = {"added": 0, "removed": 0, "changed": 0, "moved": 0}
    for block in blocks:
        for name, count in block.counts.items():
            totals[name] += count
    totals["changed"] += sum(1 for f in fields if not f["same"])
    return {"fields": fields, "blocks": blocks, "totals": totals}


def _as_items(kpis):
    """Position KPIs compared like duties (their text is what they say)."""
    return [{**k, "text": _kpi_text(k)} for k in kpis]
