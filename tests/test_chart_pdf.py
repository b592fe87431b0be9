"""The org chart as a PDF: what someone who opens or prints it notices.

Read with the real poppler tools: pdftotext finds every label (simplified,
traditional, English), pdffonts shows the Chinese font embedded, pdfinfo
counts the pages a tiled export promised, pdftoppm shows the crop marks.
Drawings are built by hand (bench.orgshapes.chart), no layout and no database.
"""

import pytest
from PIL import Image

from bench.orgshapes.chart import SAMPLE_LABELS, _box, large, sample
from orgchart import fonts
from orgchart.drawing import POSITION, Drawing
from orgchart.pdf import MARGIN_MM, PAPERS, PT_PER_MM, render_pdf, tile_plan
from tests.chart_helpers import chart_font, make_photo, poppler, run

MARGIN = MARGIN_MM * PT_PER_MM


@pytest.fixture(scope="module")
def font():
    return chart_font()


@pytest.fixture(scope="module")
def tools():
    poppler()


@pytest.fixture
def drawing(tmp_path):
    return sample(make_photo(tmp_path / "E1024.jpg"))


@pytest.fixture(scope="module")
def fit_pdf(tools, font, tmp_path_factory):
    """The sample drawing fitted to an A4 page, read by several tests (a render takes ~2 s)."""
    folder = tmp_path_factory.mktemp("fit")
    chart = sample(make_photo(folder / "E1024.jpg"))
    return _write(folder, render_pdf(chart, font=font, lang="zh-CN"))


def _write(tmp_path, data, name="chart.pdf"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _info(path):
    lines = run("pdfinfo", path).splitlines()
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in lines)}


def _pages_text(path):
    """The text of each page, in drawing order (pdftotext ends every page with a form feed).

    In drawing order, since the footer is written last: a box cut by the page's edge
    keeps its whole text in the PDF (clipped, not shortened), and in reading order
    that text may run into the footer's line.
    """
    return run("pdftotext", "-raw", path, "-").split("\f")[:-1]


def test_fit_is_one_page_with_every_label(fit_pdf):
    path = fit_pdf

    info = _info(path)
    text = run("pdftotext", path, "-")
    assert info["Pages"] == "1"
    assert info["Title"] == "星河集团 组织架构图"
    assert info["Creator"] == "OrgDuties"
    assert "A4" in info["Page size"]
    for label in [*SAMPLE_LABELS, "+12", "星河集团 组织架构图"]:
        assert label in text, label


def test_the_chinese_font_is_embedded(font, fit_pdf):
    path = fit_pdf

    rows = run("pdffonts", path).splitlines()[2:]
    assert rows, "no font in the PDF"
    for row in rows:
        # name type encoding emb sub uni object ID: the type may have spaces, count from the end.
        emb, sub = row.split()[-5:-3]
        assert (emb, sub) == ("yes", "yes"), row
    if "Noto" in font.path:
        assert any("NotoSansCJKSC" in row for row in rows), rows


def test_bold_titles_use_the_bold_face_when_there_is_one(font, fit_pdf):
    path = fit_pdf

    names = [row.split()[0] for row in run("pdffonts", path).splitlines()[2:]]
    assert len(names) == (2 if font.bold_path else 1), names


def test_landscape_a3(tools, font, drawing, tmp_path):
    path = _write(tmp_path, render_pdf(drawing, paper="A3", landscape=True, font=font))

    width, _, height = _info(path)["Page size"].split()[:3]
    assert round(float(width) / PT_PER_MM) == 420
    assert round(float(height) / PT_PER_MM) == 297


def test_unknown_paper_or_mode_is_refused_with_the_choices(font, drawing):
    with pytest.raises(ValueError, match="Unknown paper size 'Letter'.*A4, A3"):
        render_pdf(drawing, paper="Letter", font=font)
    with pytest.raises(ValueError, match="Unknown paper size"):
        tile_plan(drawing, "B5", False, None)
    with pytest.raises(ValueError, match="Unknown PDF mode 'poster'"):
        render_pdf(drawing, mode="poster", font=font)
    with pytest.raises(ValueError, match="needs mode 'pages'"):
        render_pdf([drawing, drawing], mode="fit", font=font)


def test_tiled_large_chart_has_the_promised_pages_each_numbered(tools, font, tmp_path):
    chart = large(40, 50)  # 2,001 boxes, 8,000 x 4,000 px
    columns, rows = tile_plan(chart, "A4", False, None)
    assert columns > 1 and rows > 1

    tiled = render_pdf(chart, mode="tile", paper="A4", font=font)
    path = _write(tmp_path, tiled)
    # Each page holds only the boxes on it: the 60 pages weigh about what the
    # whole drawing on one page weighs, not 60 times it.
    whole = len(render_pdf(chart, mode="fit", font=font))
    assert len(tiled) < 3 * whole, (len(tiled), whole)

    count = columns * rows
    assert _info(path)["Pages"] == str(count)
    pages = _pages_text(path)
    assert len(pages) == count
    for number, text in enumerate(pages, start=1):
        row, column = divmod(number - 1, columns)
        assert f"{number} / {count}" in text, number
        assert f"row {row + 1}, column {column + 1}" in text, number
    # A box is whole on every page that holds all of it (two, in an overlap), and
    # not on a page it does not meet. (pdftotext leaves out text past the paper's
    # edge, so a box cut by the edge may or may not be found there.)
    paper_w, paper_h = (side * PT_PER_MM for side in PAPERS["A4"])
    cell_w, cell_h = paper_w - 2 * MARGIN, paper_h - 2 * MARGIN
    overlap = 10 * PT_PER_MM

    def pages_of(box, pad, whole=False):
        """The page numbers whose cell the box meets (or holds entirely)."""
        found = set()
        for row in range(rows):
            for column in range(columns):
                x0, y0 = column * (cell_w - overlap) / 0.75, row * (cell_h - overlap) / 0.75
                x1, y1 = x0 + cell_w / 0.75, y0 + cell_h / 0.75
                left, top, right, bottom = box.x, box.y, box.x + box.w, box.y + box.h
                if whole:
                    ok = x0 <= left and right <= x1 and y0 <= top and bottom <= y1
                else:
                    ok = (
                        left - pad < x1
                        and right + pad > x0
                        and top - pad < y1
                        and bottom + pad > y0
                    )
                if ok:
                    found.add(row * columns + column + 1)
        return found

    for box in chart.boxes[1:]:
        title = box.texts[0].content
        found = {number for number, text in enumerate(pages, 1) if title in text}
        assert pages_of(box, 0, whole=True) <= found <= pages_of(box, 4), title
    assert {number for number, text in enumerate(pages, 1) if "岗位 0001" in text} == {1}


def test_a_box_in_the_overlap_is_on_both_pages_to_glue(tools, font, tmp_path):
    page_w = PAPERS["A4"][0] * PT_PER_MM
    cell = page_w - 2 * MARGIN_MM * PT_PER_MM
    step_px = (cell - 10 * PT_PER_MM) / 0.75  # where page 2 starts, in drawing px
    straddling = _box("position:S", POSITION, step_px + 2, 100, "跨页岗位", ["Straddles"], w=30)
    beyond = _box("position:B", POSITION, cell / 0.75 + 40, 200, "第二页岗位", ["Page two"])
    chart = Drawing(beyond.x + beyond.w + 24, 300, [straddling, beyond], [], title="T")
    assert tile_plan(chart, "A4", False, None) == (2, 1)

    pages = _pages_text(_write(tmp_path, render_pdf(chart, mode="tile", font=font)))

    assert ["跨页岗位" in text for text in pages] == [True, True]
    assert ["第二页岗位" in text for text in pages] == [False, True]


def test_scale_and_overlap_change_the_plan(font):
    chart = large(40, 50)
    columns, rows = tile_plan(chart, "A4", False, None)

    assert tile_plan(chart, "A4", False, 1.5)[0] >= 2 * columns - 1
    assert tile_plan(chart, "A3", True, None)[0] < columns
    with pytest.raises(ValueError, match="overlap"):
        render_pdf(chart, mode="tile", overlap_mm=500, font=font)
    with pytest.raises(ValueError, match="scale"):
        tile_plan(chart, "A4", False, 0)


def test_tiles_have_crop_marks_at_the_printable_corners(tools, font, drawing, tmp_path):
    path = _write(tmp_path, render_pdf(drawing, mode="tile", scale=1.5, font=font))
    run("pdftoppm", "-r", "144", "-png", "-f", "1", "-l", "1", path, str(tmp_path / "page"))
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    px_per_mm = 144 / 25.4
    margin = MARGIN_MM * px_per_mm

    def dark_near(x, y):
        box = (int(x - 3), int(y - 3), int(x + 3), int(y + 3))
        return image.crop(box).getextrema()[0] < 160

    w, h = image.size
    for x, y in ((margin, margin), (w - margin, margin), (margin, h - margin)):
        # The marks continue the edges outwards, 1.5 to 6.5 mm from the corner.
        out = 4 * px_per_mm
        assert dark_near(x - out if x < w / 2 else x + out, y), (x, y)  # horizontal arm
        assert dark_near(x, y - out if y < h / 2 else y + out), (x, y)  # vertical arm
    assert not dark_near(margin / 2, margin / 2)  # nothing in the page's corner itself


def test_pages_mode_one_subtree_a_page(tools, font, drawing, tmp_path):
    second = large(3, 2, title="研发中心 子树")

    path = _write(tmp_path, render_pdf([drawing, second], mode="pages", font=font))

    pages = _pages_text(path)
    assert len(pages) == 2
    assert "星河集团 组织架构图" in pages[0] and "1 / 2" in pages[0]
    assert "研发中心 子树" in pages[1] and "2 / 2" in pages[1]
    assert "岗位 0006" in pages[1] and "岗位 0006" not in pages[0]


def test_a_text_wider_than_its_box_is_kept_whole_size(tools, font, tmp_path):
    box = _box("position:W", POSITION, 40, 40, "一个非常非常非常非常非常非常长的岗位名称", ["X"])
    chart = Drawing(400, 160, [box], [], title="T")

    path = _write(tmp_path, render_pdf(chart, mode="tile", font=font))

    # Not shrunk, not dropped: the whole title is in the PDF, cut only where it is painted.
    assert "一个非常非常非常非常非常非常长的岗位名称" in run("pdftotext", path, "-")


def test_missing_font_says_what_to_install(drawing, tmp_path, monkeypatch):
    with pytest.raises(fonts.NoChineseFont, match="apt-get install fonts-noto-cjk"):
        fonts.find(str(tmp_path / "no-such-font.ttc"))
    monkeypatch.setenv("CHART_FONT", str(tmp_path / "no-such-font.ttc"))
    with pytest.raises(fonts.NoChineseFont, match="CHART_FONT"):
        render_pdf(drawing)


def test_a_photo_is_embedded_once_as_a_small_jpeg(tools, font, tmp_path):
    original = tmp_path / "E1024.jpg"
    Image.new("RGB", (3000, 4000), (127, 167, 217)).save(original, quality=95)
    chart = sample(str(original))  # the holder's box is cut by the page edge at scale 1.5
    path = _write(tmp_path, render_pdf(chart, mode="tile", scale=1.5, font=font))

    rows = [row.split() for row in run("pdfimages", "-list", path).splitlines()[2:]]

    assert [row[0] for row in rows] == ["1", "2"]  # drawn on both pages...
    assert len({row[10] for row in rows}) == 1  # ...from one image object
    for row in rows:
        width, height, enc = int(row[3]), int(row[4]), row[8]
        assert (width, height, enc) == (256, 256, "jpeg"), row


def test_a_missing_photo_leaves_an_empty_frame(tools, font, tmp_path):
    chart = sample(str(tmp_path / "gone.jpg"))

    path = _write(tmp_path, render_pdf(chart, font=font))

    assert run("pdfimages", "-list", path).splitlines()[2:] == []
    assert "张伟" in run("pdftotext", path, "-")


def test_the_language_is_in_the_metadata(fit_pdf):
    with open(fit_pdf, "rb") as pdf:
        assert b"/Lang (zh-CN)" in pdf.read()


def test_a_bogus_font_path_given_to_the_renderer_is_refused(drawing, tmp_path):
    with pytest.raises(fonts.NoChineseFont, match="does not exist"):
        render_pdf(drawing, font=str(tmp_path / "nope.otf"))


def test_a_font_without_chinese_is_refused(tmp_path):
    latin = tmp_path / "latin.ttf"
    latin.write_bytes(b"not a font at all")

    with pytest.raises(fonts.NoChineseFont, match="no Chinese glyphs"):
        fonts.find(str(latin))


def test_the_collection_face_is_the_simplified_one(font):
    from fontTools.ttLib import TTFont

    name = TTFont(font.path, fontNumber=font.index, lazy=True)["name"].getDebugName(1)
    if font.path.endswith(".ttc") and "CJK" in name:
        assert name.endswith(" SC"), name


def test_a_long_title_ends_before_the_page_number(tools, font, tmp_path):
    chart = sample(None, title="非常长的组织架构图标题" * 20)

    path = _write(tmp_path, render_pdf(chart, mode="tile", font=font))

    footer = _pages_text(path)[0].strip().splitlines()[-1]
    assert footer.startswith("非常长的组织架构图标题")
    assert "… 1 / 2" in footer


def test_chart_font_from_the_environment_comes_first(font, monkeypatch):
    if not font.path.endswith(".ttc"):
        pytest.skip("needs a font collection to choose another face of")
    monkeypatch.setenv("CHART_FONT", font.path)
    monkeypatch.setenv("CHART_FONT_INDEX", "0")

    chosen = fonts.find()

    assert (chosen.path, chosen.index, chosen.bold_path) == (font.path, 0, None)
