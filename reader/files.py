"""Turn an uploaded file into text and tables, refusing what is not a duty document.

Plain text may come in UTF-8 (with or without a byte-order mark), UTF-16 with
a mark (Notepad's "Unicode"), GB18030 or Big5. A ``.docx`` is read with
python-docx after its zip directory has been checked, so a zip bomb is refused
before anything is inflated. Each refusal is a ``DocumentError`` whose message
can be shown to HR staff as it is.
"""

import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
# A real .docx inflates to a few times its size (XML compresses about 10:1);
# a zip bomb inflates by hundreds or thousands.
DOCX_MAX_RATIO = 100
DOCX_MAX_MEMBERS = 2000

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


class DocumentError(ValueError):
    """A document that cannot be read; the message says why, in the user's language."""


@dataclass
class Paragraph:
    text: str


@dataclass
class Table:
    """A table as rows of cell texts; a cell's paragraphs are joined with newlines."""

    rows: list[list[str]] = field(default_factory=list)


def max_bytes() -> int:
    return getattr(settings, "DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def check_size(n: int) -> None:
    limit = max_bytes()
    if n > limit:
        raise DocumentError(
            _(
                "The document holds %(size)s of text; the limit is %(limit)s. "
                "Import it in parts (one department at a time)."
            )
            % {"size": _size(n), "limit": _size(limit)}
        )


def sniff(data: bytes, filename: str = "") -> str:
    """'docx', 'doc' or 'text', from the content first and the file name second."""
    if data.startswith(OLE_MAGIC):
        return "doc"
    if data.startswith(ZIP_MAGIC):
        return "docx"
    return "text"


# -- plain text -------------------------------------------------------------


def _common_share(text: str, encoding: str) -> float:
    """Share of the CJK characters that sit in the frequent area of ``encoding``.

    Text decoded with the wrong one of GB18030 and Big5 still decodes, but into
    rare characters: GB2312's first level (lead byte B0–D7) holds the 3,755
    common simplified characters, Big5's A440–C67E the 5,401 common traditional
    ones.
    """
    cjk = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not cjk:
        return 0.0
    common = 0
    for char in cjk:
        try:
            code = char.encode(encoding)
        except UnicodeEncodeError:
            continue
        if len(code) != 2:
            continue
        value = int.from_bytes(code, "big")
        frequent = 0xB0A1 <= value <= 0xD7FE if encoding == "gb2312" else 0xA440 <= value <= 0xC67E
        common += frequent
    return common / len(cjk)


def _decode_chinese(data: bytes) -> str | None:
    candidates = {}
    for encoding in ("gb18030", "big5"):
        try:
            candidates[encoding] = data.decode(encoding)
        except UnicodeDecodeError:
            continue
    if len(candidates) <= 1:
        return next(iter(candidates.values()), None)
    sample = {enc: text[:20000] for enc, text in candidates.items()}
    gb = _common_share(sample["gb18030"], "gb2312")
    big5 = _common_share(sample["big5"], "big5")
    return candidates["big5"] if big5 > gb else candidates["gb18030"]


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    sample = text[:100000]
    control = sum(1 for c in sample if (c < " " and c not in "\t\n\r\f\v") or "\x7f" <= c < "\xa0")
    return control > max(2, len(sample) // 100)


def decode_text(data: bytes) -> str:
    """The text of a plain-text upload; DocumentError for empty, binary or oversized data."""
    check_size(len(data))
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode_chinese(data)
            if text is None:
                raise DocumentError(
                    _(
                        "This file is not text in UTF-8, GB18030 or Big5. "
                        "Save it as a Word (.docx) or plain-text file and try again."
                    )
                ) from None
    if _looks_binary(text):
        raise DocumentError(
            _(
                "This file is not a text document (it holds binary data). "
                "Upload a Word .docx file or paste the text."
            )
        )
    return text


# -- Word -------------------------------------------------------------------


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DocumentError(_("This .docx file is damaged: it cannot be opened.")) from None
    with archive:
        members = archive.infolist()
        if len(members) > DOCX_MAX_MEMBERS:
            raise DocumentError(_("This .docx file holds too many parts to be a document."))
        names = {m.filename for m in members}
        if "word/document.xml" not in names:
            raise DocumentError(_("This file is a zip archive but not a Word document (.docx)."))
        total = sum(m.file_size for m in members)
        compressed = max(1, sum(m.compress_size for m in members))
        limit = max(max_bytes() * 10, 20 * 1024 * 1024)
        if total > limit or total / compressed > DOCX_MAX_RATIO:
            raise DocumentError(
                _(
                    "This .docx file would inflate to %(size)s (%(ratio)d times its size): "
                    "it looks like a zip bomb and was not opened."
                )
                % {"size": _size(total), "ratio": total // compressed}
            )


def _cell_text(cell) -> str:
    return "\n".join(p.text for p in cell.paragraphs).strip()


def read_docx(data: bytes) -> list[Paragraph | Table]:
    """Paragraphs and tables of a .docx body, in document order."""
    _check_zip(data)
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a broken package
        raise DocumentError(
            _("This .docx file cannot be read (%(reason)s).") % {"reason": type(exc).__name__}
        ) from None
    elements: list[Paragraph | Table] = []
    total = 0
    for part in document.iter_inner_content():
        if isinstance(part, DocxParagraph):
            elements.append(Paragraph(part.text))
            total += len(part.text)
        elif isinstance(part, DocxTable):
            rows = []
            for row in part.rows:
                cells, previous = [], None
                for cell in row.cells:
                    # A merged cell repeats itself in every column it spans: keep it once.
                    if previous is not None and cell._tc is previous:
                        cells.append("")
                        continue
                    previous = cell._tc
                    cells.append(_cell_text(cell))
                rows.append(cells)
                total += sum(len(c) for c in cells)
            elements.append(Table(rows))
        check_size(total * 3)
    return elements


def read_file(data: bytes, filename: str = "") -> list[Paragraph | Table] | str:
    """Text (a str) or Word content (paragraphs and tables) of an upload.

    Raises DocumentError for an old .doc, a broken or oversized .docx, binary
    data, empty text, or text over ``DOCUMENT_MAX_BYTES``.
    """
    if not data or not data.strip():
        raise DocumentError(_("The document is empty."))
    kind = sniff(data, filename)
    if kind == "doc":
        raise DocumentError(
            _(
                "This is an old Word document (.doc), which cannot be read. "
                "Open it in Word or WPS and save it as .docx, or paste its text."
            )
        )
    if kind == "docx":
        return read_docx(data)
    if filename.lower().endswith((".docx", ".doc")):
        raise DocumentError(_("This file is named like a Word document but is not one."))
    return decode_text(data)
