"""Numbers for ordered items (department functions, duties), derived from order.

Nobody types a number: an item's number is its place within its section, and a
section's number is its place among the sections of the list. Sections appear in
the order of their first item. Items without a section form an unnumbered group.
"""

from dataclasses import dataclass, field

_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 21 -> 二十一, 105 -> 一百零五."""
    if n <= 0:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        tens, ones = divmod(n, 10)
        return _DIGITS[tens] + "十" + (_DIGITS[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        if rest == 0:
            return _DIGITS[hundreds] + "百"
        tail = chinese_numeral(rest)
        if rest < 10:
            tail = "零" + tail
        elif rest < 20:
            tail = "一" + tail
        return _DIGITS[hundreds] + "百" + tail
    return str(n)


@dataclass
class Section:
    title: str
    number: int | None
    items: list = field(default_factory=list)

    @property
    def numeral(self) -> str:
        return chinese_numeral(self.number) if self.number else ""


def number_items(items) -> list[Section]:
    """Group ``items`` (already in display order) into sections and number them.

    Sets ``number`` and ``section_number`` on every item and returns the
    sections in order. Works on any object with a ``section`` attribute.
    """
    sections: dict[str, Section] = {}
    counter = 0
    for item in items:
        title = (item.section or "").strip()
        section = sections.get(title)
        if section is None:
            if title:
                counter += 1
            section = sections[title] = Section(title=title, number=counter if title else None)
        section.items.append(item)
        item.number = len(section.items)
        item.section_number = section.number
    return list(sections.values())
