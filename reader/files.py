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
        size = _size(n)
        if size == _size(limit):
            size = _("more than %(limit)s") % {"limit": size}
        raise DocumentError(
            _(
                "The document holds %(size)s of text; the limit is %(limit)s. "
                "Import it in parts (one department at a time)."
            )
            % {"size": size, "limit": _size(limit)}
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


_CHINESE_FORMATS = {
    "chineseCounting",
    "chineseCountingThousand",
    "chineseLegalSimplified",
    "ideographTraditional",
    "japaneseCounting",
    "taiwaneseCounting",
    "taiwaneseCountingThousand",
}


def _chinese(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


class _Numbering:
    """Word's automatic list numbers, which are not part of a paragraph's text.

    HR documents typed in Word number their duties with list styles, so the
    “1.” a reader sees is in the numbering definitions, not in the text; the
    reader writes it back in front of the paragraph so lists are read the
    same way as typed ones.
    """

    def __init__(self, document):
        from docx.oxml.ns import qn

        self.qn = qn
        self.formats: dict[tuple[str, str], str] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[str, str]] = {}
        for definition in root.findall(qn("w:abstractNum")):
            levels = abstract.setdefault(definition.get(qn("w:abstractNumId")), {})
            for level in definition.findall(qn("w:lvl")):
                fmt = level.find(qn("w:numFmt"))
                levels[level.get(qn("w:ilvl"))] = (
                    fmt.get(qn("w:val")) if fmt is not None else "decimal"
                )
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is None:
                continue
            for ilvl, fmt in abstract.get(ref.get(qn("w:val")), {}).items():
                self.formats[(num.get(qn("w:numId")), ilvl)] = fmt

    def _num_pr(self, paragraph):
        p_pr = paragraph._p.pPr
        num_pr = p_pr.numPr if p_pr is not None else None
        if num_pr is None and paragraph.style is not None:
            style_p_pr = paragraph.style.element.pPr
            num_pr = style_p_pr.numPr if style_p_pr is not None else None
        return num_pr

    def mark(self, paragraph) -> str:
        num_pr = self._num_pr(paragraph)
        if num_pr is None or num_pr.numId is None or num_pr.numId.val == 0:
            return ""
        num_id = str(num_pr.numId.val)
        level = num_pr.ilvl.val if num_pr.ilvl is not None else 0
        counters = self.counters.setdefault(num_id, [0] * 9)
        level = min(max(level, 0), 8)
        counters[level] += 1
        for deeper in range(level + 1, 9):
            counters[deeper] = 0
        n = counters[level]
        fmt = self.formats.get((num_id, str(level)), "decimal")
        if fmt == "bullet":
            return "• "
        if fmt in _CHINESE_FORMATS:
            return f"{_chinese(n)}、"
        if fmt.startswith("decimalEnclosedCircle") and n <= 20:
            return chr(0x2460 + n - 1)
        if fmt == "none":
            return ""
        return f"{n}. " if level == 0 else f"({n}) "


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
    numbering = _Numbering(document)
    total = 0
    for part in document.iter_inner_content():
        if isinstance(part, DocxParagraph):
            text = part.text
            if text.strip():
                text = numbering.mark(part) + text
                style = (part.style.name if part.style is not None else "").lower()
                if style.startswith(
                    ("heading", "title", "标题", "標題")
                ) and not text.rstrip().endswith((":", "：")):
                    # A Word heading is a heading even without the colon typed after it.
                    text = text.rstrip() + "："
            elements.append(Paragraph(text))
            total += len(text.encode("utf-8"))
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
                total += sum(len(c.encode("utf-8")) for c in cells)
            elements.append(Table(rows))
        check_size(total)
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
