"""The Chinese font the PDF and PNG renderers draw with, found on the server.

Order: an explicit path (the caller passes ``settings.CHART_FONT``), else the
environment's ``CHART_FONT`` (with ``CHART_FONT_INDEX`` for a collection and
``CHART_FONT_BOLD`` / ``CHART_FONT_BOLD_INDEX`` for its bold face); then the
usual places of Noto Sans CJK, Source Han Sans, WenQuanYi, Droid Sans
Fallback and AR PL UMing; then ``fc-match :lang=zh-cn``. A font only counts
when it has glyphs for simplified and traditional characters, so a Latin font
that fontconfig offers as its best guess is refused, not used to draw boxes
of empty squares.

Pure Python (fontTools comes with fpdf2): no Django.
"""

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

INSTALL_HINT = (
    "install a Chinese font (Debian/Ubuntu: apt-get install fonts-noto-cjk) "
    "or set CHART_FONT to the path of a .ttf/.otf/.ttc font with Chinese glyphs "
    "(and CHART_FONT_INDEX to its face number in a .ttc collection)"
)
# Characters a usable font must have: simplified, traditional, and the digits.
PROBE = "中国业务組織員0"

# (regular, bold) in order of preference; the bold one is optional.
KNOWN_FONTS = [
    (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    ),
    (
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
    ),
    (
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc",
    ),
    (
        "/usr/share/fonts/opentype/adobe-source-han-sans/SourceHanSans-Regular.ttc",
        "/usr/share/fonts/opentype/adobe-source-han-sans/SourceHanSans-Bold.ttc",
    ),
    (
        "/usr/share/fonts/adobe-source-han-sans/SourceHanSansSC-Regular.otf",
        "/usr/share/fonts/adobe-source-han-sans/SourceHanSansSC-Bold.otf",
    ),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", None),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", None),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", None),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", None),
]


class NoChineseFont(RuntimeError):
    """No font with Chinese glyphs was found; the message says what to install or set."""


@dataclass(frozen=True)
class ChartFont:
    path: str
    index: int = 0  # face number in a .ttc/.otc collection
    bold_path: str | None = None  # None: bold text is drawn with the regular face
    bold_index: int = 0


def _faces(path):
    """The family names of the faces of a font file, in face order."""
    from fontTools.ttLib import TTCollection, TTFont

    if Path(path).suffix.lower() in (".ttc", ".otc"):
        fonts = TTCollection(path, lazy=True).fonts
    else:
        fonts = [TTFont(path, lazy=True)]
    return [font["name"].getDebugName(1) or "" for font in fonts]


def simplified_face(path):
    """The face of a collection that is for Simplified Chinese ("... SC", CN, GB), else 0."""
    try:
        names = _faces(path)
    except Exception:  # noqa: BLE001 - not a font: has_chinese says so
        return 0
    for index, name in enumerate(names):
        if name.endswith(" SC") and "Mono" not in name:
            return index
    for index, name in enumerate(names):
        if any(mark in name for mark in (" SC", " CN", " GB", "SC ", "CN ")):
            return index
    return 0


def has_chinese(path, index=0):
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(path, fontNumber=index, lazy=True)
        cmap = font.getBestCmap() or {}
    except Exception:  # noqa: BLE001 - not a font fontTools can read: not usable
        return False
    return all(ord(char) in cmap for char in PROBE)


@lru_cache(maxsize=16)
def _checked(path, index, bold_path, bold_index, origin):
    if not Path(path).is_file():
        raise NoChineseFont(f"The chart font {path} ({origin}) does not exist: {INSTALL_HINT}.")
    if index is None:
        index = simplified_face(path)
    if not has_chinese(path, index):
        raise NoChineseFont(
            f"The chart font {path} face {index} ({origin}) has no Chinese glyphs: {INSTALL_HINT}."
        )
    if bold_path is not None:
        if not Path(bold_path).is_file():
            bold_path = None
        else:
            if bold_index is None:
                bold_index = simplified_face(bold_path)
            if not has_chinese(bold_path, bold_index):
                bold_path = None
    return ChartFont(str(path), index, bold_path and str(bold_path), bold_index or 0)


def _fc_match():
    if shutil.which("fc-match") is None:
        return None
    try:
        result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            ["fc-match", "-f", "%{file}\n%{index}", ":lang=zh-cn"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = result.stdout.splitlines()
    if result.returncode != 0 or not lines or not lines[0]:
        return None
    index = int(lines[1]) if len(lines) > 1 and lines[1].strip().isdigit() else 0
    return lines[0], index


def _bold_beside(path):
    """NotoSansCJK-Regular.ttc -> NotoSansCJK-Bold.ttc, when that file exists."""
    name = Path(path).name
    if "Regular" in name:
        bold = Path(path).with_name(name.replace("Regular", "Bold"))
        if bold.is_file():
            return str(bold)
    return None


def _int(value):
    return int(value) if value not in (None, "") else None


def find(path=None, index=None, bold_path=None, bold_index=None):
    """The chart font: ``path`` if given, else $CHART_FONT, else a known or fontconfig font.

    A given or configured path that is missing or has no Chinese glyphs raises
    ``NoChineseFont`` rather than quietly drawing with another font. ``index``
    is the face in a collection (default: its Simplified Chinese face).
    """
    if path:
        return _checked(path, index, bold_path, bold_index, "given")
    env = os.environ.get("CHART_FONT")
    if env:
        return _checked(
            env,
            _int(os.environ.get("CHART_FONT_INDEX")),
            os.environ.get("CHART_FONT_BOLD") or None,
            _int(os.environ.get("CHART_FONT_BOLD_INDEX")),
            "CHART_FONT",
        )
    return _discovered()


@lru_cache(maxsize=1)
def _discovered():
    for regular, bold in KNOWN_FONTS:
        if Path(regular).is_file():
            try:
                return _checked(regular, None, bold, None, "known path")
            except NoChineseFont:
                continue
    matched = _fc_match()
    if matched is not None:
        path, index = matched
        try:
            return _checked(path, index, _bold_beside(path), None, "fc-match")
        except NoChineseFont:
            pass
    raise NoChineseFont(f"No font with Chinese glyphs found on this server: {INSTALL_HINT}.")
