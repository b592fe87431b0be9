"""What the chart renderers' tests share: the font, the poppler tools, a photo.

Without a Chinese font or poppler-utils the tests skip with the reason; CI
sets REQUIRE_LIBREOFFICE=1 (and installs fonts-noto-cjk and poppler-utils),
which turns a missing one into a failure, as in test_workbook_libreoffice.py.
"""

import os
import shutil
import subprocess

import pytest
from PIL import Image, ImageDraw

from orgchart import fonts

PHOTO_SKY, PHOTO_FACE, PHOTO_SHIRT = (127, 167, 217), (241, 194, 125), (53, 85, 127)


def missing(reason):
    if os.environ.get("REQUIRE_LIBREOFFICE") == "1":
        pytest.fail(reason + "; REQUIRE_LIBREOFFICE=1 makes the chart export tests mandatory")
    pytest.skip(reason)


def chart_font():
    try:
        return fonts.find()
    except fonts.NoChineseFont as error:
        missing(str(error))


def poppler():
    for tool in ("pdftotext", "pdffonts", "pdfinfo", "pdftoppm", "pdfimages"):
        if shutil.which(tool) is None:
            missing(f"{tool} not found (apt-get install poppler-utils)")


def run(*command):
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=120).stdout


def make_photo(path):
    """A portrait 120 x 160 (sky, face, shirt), as an uploaded photo would be."""
    image = Image.new("RGB", (120, 160), PHOTO_SKY)
    draw = ImageDraw.Draw(image)
    draw.ellipse((30, 20, 90, 80), fill=PHOTO_FACE)
    draw.rectangle((0, 100, 120, 160), fill=PHOTO_SHIRT)
    image.save(path)
    return str(path)
