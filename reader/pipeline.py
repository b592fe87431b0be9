"""From bytes or text to a ``ParsedDocument``: decode, clean, read the structure."""

from django.utils.translation import gettext as _

from reader import names
from reader.files import DocumentError, Paragraph, Table, check_size, read_file
from reader.finish import finish
from reader.glued import separate_bare_line_numbers, separate_bare_numbers, split_glued_fields
from reader.model import ParsedDocument
from reader.structure import Reader
from reader.text import (
    drop_noise,
    drop_repeated_titles,
    find_tables,
    inline_noise,
    join_dangling_lists,
    join_page_breaks,
    normalize,
)


def _is_title(text: str) -> bool:
    return names.HEADER.search(text) is not None


def _prepare_lines(lines: list[str], warnings: list[str]) -> list:
    lines, dropped = drop_noise(lines)
    warnings.extend(dropped)
    lines, joined = join_page_breaks(lines)
    warnings.extend(joined)
    lines, joined = join_dangling_lists(lines)
    warnings.extend(joined)
    lines = [inline_noise(line, warnings) for line in lines]
    lines = [separate_bare_numbers(part) for line in lines for part in split_glued_fields(line)]
    lines = separate_bare_line_numbers(lines)
    lines, repeated = drop_repeated_titles(lines, _is_title)
    warnings.extend(repeated)
    return find_tables(lines)


def parse_elements(elements: list[Paragraph | Table]) -> ParsedDocument:
    """Read paragraphs and tables (from a .docx) in document order."""
    warnings: list[str] = []
    prepared: list = []
    lines: list[str] = []
    for element in elements:
        if isinstance(element, Table):
            prepared.extend(_prepare_lines(lines, warnings))
            lines = []
            rows = [[normalize(cell)[0] for cell in row] for row in element.rows]
            prepared.append(Table(rows))
        else:
            text, notes = normalize(element.text)
            warnings.extend(notes)
            lines.extend(text.split("\n"))
            lines.append("")
    prepared.extend(_prepare_lines(lines, warnings))
    return _read(prepared, warnings)


def parse_text(text: str) -> ParsedDocument:
    """Read pasted or decoded text; DocumentError when it is empty or too large."""
    check_size(len(text.encode("utf-8", errors="replace")))
    if not text.strip():
        raise DocumentError(_("The document is empty."))
    text, warnings = normalize(text)
    return _read(_prepare_lines(text.split("\n"), warnings), warnings)


def _read(elements: list, warnings: list[str]) -> ParsedDocument:
    reader = Reader(warnings)
    document = reader.read(elements)
    return finish(document, reader)


def read(data: bytes, filename: str = "") -> ParsedDocument:
    """Read an upload: plain text (UTF-8, GB18030, Big5) or a .docx."""
    content = read_file(data, filename)
    if isinstance(content, str):
        return parse_text(content)
    if not any(
        (isinstance(e, Paragraph) and e.text.strip()) or isinstance(e, Table) for e in content
    ):
        raise DocumentError(_("The document is empty."))
    return parse_elements(content)
