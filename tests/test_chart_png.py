"""The org chart as a PNG: the size asked for, and the boxes, dashes, photo and texts on it.

The picture is opened with Pillow and looked at where the sample drawing
(bench.orgshapes.chart) has its boxes: no layout, no database.
"""

import io

import pytest
from PIL import Image

from bench.orgshapes.chart import _box, large, sample
from orgchart import fonts
from orgchart.drawing import COLOURS, POSITION, Drawing
from orgchart.paint import rgb
from orgchart.png import MAX_PIXELS, render_png
from tests.chart_helpers import PHOTO_FACE, PHOTO_SHIRT, chart_font, make_photo

WHITE = (255, 255, 255)


@pytest.fixture(scope="module")
def font():
    return chart_font()


@pytest.fixture
def drawing(tmp_path):
    return sample(make_photo(tmp_path / "E1024.jpg"))


def _png(drawing, width, font):
    image = Image.open(io.BytesIO(render_png(drawing, width=width, font=font)))
    assert image.format == "PNG"
    return image.convert("RGB")


def _near(colour, expected, tolerance=12):
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


def _at(image, drawing, x, y):
    """The picture's pixel at drawing point (x, y)."""
    scale = image.width / drawing.width
    return image.getpixel((int(x * scale), int(y * scale)))


def test_the_picture_has_the_requested_width_and_the_drawings_proportions(font, drawing):
    image = _png(drawing, 1600, font)

    assert image.width == 1600
    assert abs(image.height - drawing.height * 1600 / drawing.width) <= 1


def test_boxes_are_painted_where_the_drawing_has_them(font, drawing):
    image = _png(drawing, 1600, font)
    root, finance = drawing.box("unit:G01"), drawing.box("unit:F01")

    # Near the top left corner, inside the border: the unit's fill, not the white page.
    assert _near(_at(image, drawing, root.x + 6, root.y + 4), rgb(COLOURS["unit_fill"]))
    assert _near(_at(image, drawing, root.x, root.y + root.h / 2), rgb(COLOURS["unit_stroke"]), 40)
    assert _at(image, drawing, finance.x - 10, finance.y + 10) == WHITE  # beside a box: white
    # The title's ink: dark pixels in the band of the title's line.
    title = finance.texts[0]
    scale = image.width / drawing.width
    band = image.crop(
        (
            int(finance.x * scale),
            int((title.y - title.size) * scale),
            int((finance.x + finance.w) * scale),
            int(title.y * scale),
        )
    ).convert("L")
    assert band.getextrema()[0] < 100


def test_a_vacant_box_has_a_dashed_outline(font, drawing):
    image = _png(drawing, 1600, font)
    vacant = drawing.box("position:F01-03")
    scale = image.width / drawing.width
    y = int(vacant.y * scale)
    edge = [
        image.getpixel((x, y))
        for x in range(int(vacant.x * scale) + 4, int((vacant.x + 80) * scale))
    ]

    stroke = rgb(COLOURS["vacant_stroke"])
    dashes = sum(1 for colour in edge if _near(colour, stroke, 40))
    assert 0.3 * len(edge) < dashes < 0.9 * len(edge), (dashes, len(edge))


def test_the_photo_is_pasted_in_its_square(font, drawing):
    image = _png(drawing, 1600, font)
    photo = drawing.box("person:E1024@H01-02").photo

    # The square keeps the middle of the portrait: the face above, the shirt below.
    assert _near(
        _at(image, drawing, photo.x + photo.size / 2, photo.y + photo.size / 4), PHOTO_FACE, 30
    )
    assert _near(
        _at(image, drawing, photo.x + photo.size / 2, photo.y + photo.size * 0.85), PHOTO_SHIRT, 30
    )


def test_a_text_wider_than_its_box_stops_at_its_edge(font):
    box = _box(
        "position:W", POSITION, 40, 40, "一个非常非常非常非常非常非常长的岗位名称", ["X"], w=120
    )
    chart = Drawing(600, 140, [box], [], title="T")

    image = _png(chart, 600, font)

    inside = image.crop((41, 45, 159, 95)).convert("L").getextrema()[0]
    beside = image.crop((162, 40, 600, 100)).convert("L").getextrema()[0]
    assert inside < 100  # the title is drawn, at its size
    assert beside == 255  # and nothing of it past the border


@pytest.mark.parametrize("width", [100_000, 150, 20_001])
def test_a_width_past_the_limits_is_refused(font, drawing, width):
    with pytest.raises(ValueError, match="pixels wide"):
        render_png(drawing, width=width, font=font)


def test_a_picture_past_the_pixel_limit_is_refused_with_a_way_out(font):
    tall = Drawing(1000, 200_000, [], [], title="T")

    with pytest.raises(ValueError, match=f"{MAX_PIXELS:,}.*PDF or the SVG"):
        render_png(tall, width=1000, font=font)


def test_a_large_chart_renders_at_4000_pixels(font):
    chart = large(40, 50)

    image = _png(chart, 4000, font)

    assert image.width == 4000
    assert image.convert("L").getextrema()[0] < 150


def test_missing_font_says_what_to_install(drawing, tmp_path, monkeypatch):
    monkeypatch.setenv("CHART_FONT", str(tmp_path / "no-such-font.ttf"))

    with pytest.raises(fonts.NoChineseFont, match="apt-get install fonts-noto-cjk"):
        render_png(drawing, width=800)


def test_a_missing_photo_leaves_an_empty_frame(font, tmp_path):
    chart = sample(str(tmp_path / "gone.jpg"))
    photo = chart.box("person:E1024@H01-02").photo

    image = _png(chart, 1600, font)

    assert _near(
        _at(image, chart, photo.x + photo.size / 2, photo.y + photo.size / 2), rgb("#e3e7ee")
    )
