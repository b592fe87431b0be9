"""The exports of the demo organisation, made as a user makes them: the shell
command and the page's export menu, read back with poppler and Pillow."""

import io

import pytest
from django.core.management import call_command
from opencc import OpenCC
from PIL import Image

from departments.models import Department
from tests.chart_helpers import chart_font, poppler, run
from tests.pages import soup

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


@pytest.fixture(scope="module")
def tools():
    poppler()
    chart_font()


def test_the_demo_pdf_holds_every_unit_name_with_the_font_embedded(demo, tools, tmp_path):
    out = tmp_path / "units.pdf"
    call_command("export_chart", str(out), "--kind", "units", "--paper", "A3", "--landscape")
    text = run(
        "pdftotext", "-raw", str(out), "-"
    )  # in drawing order: a wrapped name stays together
    squeezed = "".join(text.split())
    names = list(Department.objects.active().values_list("name", flat=True))
    assert len(names) > 20
    for name in names:
        assert "".join(name.split()) in squeezed, name
    # The demo writes some units in traditional characters: both scripts are there.
    assert "銷售部" in squeezed and "销售部" in squeezed
    assert OpenCC("s2t").convert("财务部") == "財務部" and "財務部" in squeezed
    fonts = run("pdffonts", str(out))
    cjk = [line for line in fonts.splitlines() if "CJK" in line or "Hei" in line or "Han" in line]
    assert cjk and all(" yes yes " in line for line in cjk), fonts


def test_tiled_a4_pages_carry_their_numbers(demo, tools, tmp_path):
    out = tmp_path / "tiled.pdf"
    call_command("export_chart", str(out), "--kind", "positions", "--paper", "A4", "--tile")
    pages = int(
        next(
            line.split()[-1]
            for line in run("pdfinfo", str(out)).splitlines()
            if line.startswith("Pages")
        )
    )
    assert pages > 1
    for page in range(1, pages + 1):
        text = run("pdftotext", "-f", str(page), "-l", str(page), str(out), "-")
        assert f"{page} / {pages}" in text


def test_one_page_per_subtree(demo, tools, tmp_path):
    out = tmp_path / "pages.pdf"
    call_command("export_chart", str(out), "--kind", "units", "--pages")
    tops = Department.objects.active().filter(parent=None).count()
    info = run("pdfinfo", str(out))
    assert f"Pages:           {tops + 1}" in info  # the whole chart, then each company


def test_the_page_export_menu_downloads_pdf_and_png(client, employee, demo, tools):
    client.force_login(employee)
    page = soup(client.get("/"))
    links = [a["href"] for a in page.select(".export-menu a[download]")]
    assert any("format=pdf" in link for link in links)
    pdf = client.get(next(link for link in links if "format=pdf" in link))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    png = client.get("/chart/export/", {"format": "png", "width": "1200", "kind": "reporting"})
    assert png["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    assert image.width == 1200
