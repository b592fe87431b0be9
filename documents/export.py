"""Word (.docx) exports laid out like the seed documents.

A job description: the title (销售部经理职位说明书), the document number and
revision, the 编制 / 审核 / 批准 table, the facts (department, reports to,
direct reports, dotted lines, headcount), the summary, the numbered duties
as a table of 序号 / 岗位职责 / 流程 / 相关记录 / 工作指标 (seed 002), the
authorities, the position's own KPIs and the requirements. A department's
function sheet: title, control table, numbered functions in their sections
with KPIs, and the staffing table (seed 004). Drafts say so in the header;
every page footer names the document and revision.

Every value is written as plain text (runs and cell text): nothing from the
data is ever read as markup.
"""

import io
import re
import zipfile

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx import Document as WordDocument
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from documents.control import status_label

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Characters XML 1.0 cannot hold; a stray one from a pasted document would
# otherwise make python-docx refuse the whole export.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def plain(value) -> str:
    return _NOT_XML.sub("", "" if value is None else str(value))


def _date(value) -> str:
    return date_format(value, "Y-m-d") if value else ""


def _numeral(number) -> str:
    from core.numbering import chinese_numeral

    return chinese_numeral(number)


def new_word_document():
    word = WordDocument()
    style = word.styles["Normal"]
    style.font.size = Pt(10.5)
    # East Asian text needs its own font slot; Word falls back to the system's.
    style.element.rPr.get_or_add_rFonts().set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", "SimSun"
    )
    return word


def _cell(cell, text, bold=False):
    cell.text = ""
    lines = plain(text).split("\n")
    paragraph = cell.paragraphs[0]
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        run.bold = bold
        if index < len(lines) - 1:
            run.add_break()


def _start(word, first):
    """A new section (page) per document, with its own header and footer."""
    if first:
        return word.sections[0]
    section = word.add_section(WD_SECTION.NEW_PAGE)
    section.header.is_linked_to_previous = False
    section.footer.is_linked_to_previous = False
    return section


def _header_footer(section, control, title):
    header = section.header.paragraphs[0]
    header.text = ""
    if control.get("is_draft"):
        run = header.add_run(
            plain(
                _("DRAFT – not approved (%(status)s)") % {"status": status_label(control["status"])}
            )
        )
        run.bold = True
    else:
        header.add_run(plain(title))
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.text = plain(
        _("%(number)s · revision %(revision)s · printed copies are uncontrolled")
        % {"number": control.get("number", ""), "revision": control.get("revision", "")}
    )
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _control_table(word, control):
    meta = word.add_paragraph()
    meta.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    meta.add_run(
        plain(
            _("Document no. %(number)s · Revision %(revision)s · %(status)s")
            % {
                "number": control.get("number", ""),
                "revision": control.get("revision", ""),
                "status": status_label(control["status"]),
            }
        )
    )
    table = word.add_table(rows=2, cols=3)
    table.style = "Table Grid"
    heads = [_("Prepared by / date"), _("Reviewed by / date"), _("Approved by / date")]
    for index, head in enumerate(heads):
        _cell(table.rows[0].cells[index], head, bold=True)
    for index, who in enumerate(("prepared", "reviewed", "approved")):
        name = control.get(f"{who}_by") or ""
        when = _date(control.get(f"{who}_at"))
        _cell(table.rows[1].cells[index], " ".join(p for p in (name, when) if p) or "–")
    dates = word.add_paragraph()
    dates.add_run(
        plain(
            _("Effective date: %(effective)s    Next review: %(review)s")
            % {
                "effective": _date(control.get("effective_date")) or "–",
                "review": _date(control.get("next_review_date")) or "–",
            }
        )
    )


def _title(word, text):
    heading = word.add_heading(plain(text), level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _facts(word, rows):
    table = word.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        _cell(cells[0], label, bold=True)
        _cell(cells[1], value or "–")


def _kpi_line(kpi) -> str:
    structure = kpi.get("structure")
    return f"{kpi['text']}（{structure}）" if structure else kpi["text"]


def _item_number(item) -> str:
    return str(item.get("number") or "")


def _items_table(word, items, with_details=True):
    """Numbered items, a heading row per section, as the seed tables have them."""
    columns = [_("No."), _("Duty")]
    if with_details:
        columns += [_("Process steps"), _("Records"), _("KPIs")]
    table = word.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for index, head in enumerate(columns):
        _cell(table.rows[0].cells[index], head, bold=True)
    section = None
    for item in items:
        if item.get("section") and item.get("section") != section:
            section = item["section"]
            cells = table.add_row().cells
            merged = cells[0].merge(cells[-1])
            _cell(merged, f"{_numeral(item.get('section_number') or 0)}、{section}", bold=True)
        cells = table.add_row().cells
        _cell(cells[0], _item_number(item))
        _cell(cells[1], item["text"])
        if with_details:
            steps = item.get("steps", [])
            _cell(cells[2], "\n".join(f"{n}、{s}" for n, s in enumerate(steps, 1)))
            _cell(cells[3], "".join(f"《{f['name']}》" for f in item.get("forms", [])))
            _cell(cells[4], "\n".join(_kpi_line(k) for k in item.get("kpis", [])))
    return table


def _numbered_paragraphs(word, items):
    section = None
    for item in items:
        if item.get("section") and item.get("section") != section:
            section = item["section"]
            paragraph = word.add_paragraph()
            paragraph.add_run(
                plain(f"{_numeral(item.get('section_number') or 0)}、{section}")
            ).bold = True
        word.add_paragraph(plain(f"{_item_number(item)}. {item['text']}"))
        for kpi in item.get("kpis", []):
            paragraph = word.add_paragraph(plain(_("KPI: %(kpi)s") % {"kpi": _kpi_line(kpi)}))
            paragraph.paragraph_format.left_indent = Pt(21)


def _text_section(word, heading, text):
    if not text:
        return
    word.add_heading(plain(heading), level=1)
    for line in plain(text).splitlines():
        if line.strip():
            word.add_paragraph(line)


def add_position(word, content, control, first=True):
    """Append one job description (a snapshot) to ``word``, on a page of its own."""
    section = _start(word, first)
    title = _("%(title)s job description") % {"title": content["title"]}
    _header_footer(section, control, title)
    _title(word, title)
    _control_table(word, control)

    def join(rows, show):
        return "、".join(show(r) for r in rows)

    def line(row, arrow):
        label = f" · {row['label']}" if row.get("label") else ""
        return f"{arrow} {row['title']}（{row['department']}）{label}"

    dotted = [line(r, "⇢") for r in content.get("dotted_out", [])] + [
        line(r, "⇠") for r in content.get("dotted_in", [])
    ]
    superior = content.get("reports_to")
    word.add_heading(plain(_("Position")), level=1)
    _facts(
        word,
        [
            (_("Department"), " › ".join(p["name"] for p in content.get("path", []))),
            (_("Position"), content["title"]),
            (_("Code"), content["code"]),
            (_("Reports to"), superior["title"] if superior else ""),
            (_("Direct reports"), join(content.get("direct_reports", []), lambda r: r["title"])),
            (_("Dotted lines"), "\n".join(dotted)),
            (_("Headcount"), str(content.get("headcount", ""))),
        ],
    )
    _text_section(word, _("Summary"), content.get("summary"))
    word.add_heading(plain(_("Duties")), level=1)
    if content.get("duties"):
        _items_table(word, content["duties"])
    else:
        word.add_paragraph(plain(_("No duties recorded.")))
    if content.get("kpis"):
        word.add_heading(plain(_("KPIs of the position")), level=2)
        for kpi in content["kpis"]:
            word.add_paragraph(plain(_kpi_line(kpi)), style="List Bullet")
    if content.get("authorities"):
        word.add_heading(plain(_("Authorities")), level=1)
        _numbered_paragraphs(word, content["authorities"])
    _text_section(word, _("Requirements"), content.get("requirements"))


def add_department(word, content, control, first=True):
    """Append one department's function sheet (a snapshot) to ``word``."""
    section = _start(word, first)
    title = _("%(name)s department functions") % {"name": content["title"]}
    _header_footer(section, control, title)
    _title(word, title)
    _control_table(word, control)
    _facts(word, [(_("Department"), " › ".join(p["name"] for p in content.get("path", [])))])
    _text_section(word, _("Description"), content.get("description"))
    word.add_heading(plain(_("Department functions")), level=1)
    if content.get("functions"):
        _numbered_paragraphs(word, content["functions"])
    else:
        word.add_paragraph(plain(_("No functions recorded.")))
    staffing = content.get("staffing", [])
    if staffing:
        word.add_heading(plain(_("Staffing")), level=1)
        table = word.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        _cell(table.rows[0].cells[0], _("Position"), bold=True)
        _cell(table.rows[0].cells[1], _("Headcount"), bold=True)
        for row in staffing:
            cells = table.add_row().cells
            _cell(cells[0], row["title"])
            _cell(cells[1], str(row["headcount"]))
        cells = table.add_row().cells
        _cell(cells[0], _("Total"), bold=True)
        _cell(cells[1], str(sum(r["headcount"] for r in staffing)), bold=True)


def add(word, content, control, first=True):
    if content.get("kind") == "department":
        add_department(word, content, control, first)
    else:
        add_position(word, content, control, first)


def to_bytes(word) -> bytes:
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def single(content, control) -> bytes:
    word = new_word_document()
    add(word, content, control)
    return to_bytes(word)


def combined(items) -> bytes:
    """One .docx of many (content, control) pairs, each starting on a new page."""
    word = new_word_document()
    for index, (content, control) in enumerate(items):
        add(word, content, control, first=index == 0)
    return to_bytes(word)


def file_name(content, control) -> str:
    """'JD-SALES-MGR Rev 2 销售部经理.docx' (a draft says so)."""
    label = _("draft") if control.get("is_draft") else _("Rev %(n)s") % {"n": control["revision"]}
    name = f"{control.get('number', content['code'])} {label} {content['title']}"
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", name)[:150] + ".docx"


def zipped(items) -> bytes:
    buffer = io.BytesIO()
    seen = set()
    stamp = timezone.localtime().timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for content, control in items:
            name = file_name(content, control)
            while name in seen:
                name = name.removesuffix(".docx") + "_.docx"
            seen.add(name)
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, single(content, control))
    return buffer.getvalue()
