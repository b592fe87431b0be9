"""Text widths and line wrapping for the chart's boxes, without a font file.

The layout runs where no font may be installed, and must give the same
drawing on every server, so widths come from a table, not from the font:
CJK ideographs and full-width forms are one em wide in every CJK font; Latin
letters, digits and punctuation use widths near those of common sans-serif
fonts, rounded up. ``SAFETY`` adds room so that the real fonts a browser,
the PDF (Noto Sans CJK) or the PNG uses never draw wider than the table
says: tests/test_chart_layout.py measures them.
"""

import unicodedata
from functools import lru_cache

SAFETY = 1.06
ELLIPSIS = "…"

_NARROW = set("iljI.,:;|!'`’‘ ")
_SEMI = set('frt()[]{}"/\\-_*')
_WIDE = set("mwMW%@")
_CAPS = set("ABCDEFGHJKLNOPQRSTUVXYZ&")

# Characters a line may not start with (标点禁则): they stick to the line before.
_NO_LINE_START = set("，。、；：！？）》」』】〕…,.;:!?)]}%～—")
# Characters a line may not end with: they move to the next line.
_NO_LINE_END = set("（《「『【〔([{")


_WIDTHS = {}


def char_width(char):
    """Width of one character in ems (before ``SAFETY``), remembered."""
    try:
        return _WIDTHS[char]
    except KeyError:
        value = _WIDTHS[char] = _char_width(char)
        return value


# Full width in CJK fonts although Unicode calls them narrow or ambiguous.
_CJK_WIDE = set("·“”‘’—…")


def _char_width(char):
    """Width of one character in ems (before ``SAFETY``)."""
    if char in _CJK_WIDE:
        return 1.0
    if char in _NARROW:
        return 0.3
    if char in _SEMI:
        return 0.38
    if char in _WIDE:
        return 0.9
    if char in _CAPS:
        return 0.7
    if char.isascii():
        return 0.6
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if unicodedata.combining(char):
        return 0.0
    return 0.65


def width(text, size):
    """Width of ``text`` at font size ``size`` px, in px, with the safety margin."""
    widths = _WIDTHS
    total = 0.0
    for char in text:
        w = widths.get(char)
        total += char_width(char) if w is None else w
    return total * size * SAFETY


_SHORT_GROUP = 6  # a full-width bracket closed within this many characters stays whole


def _tokens(text):
    """Break opportunities: a Latin word with its trailing spaces, one CJK
    character, or a short full-width bracket such as （空缺）, kept whole."""
    token = ""
    skip = 0
    for index, char in enumerate(text):
        if skip:
            skip -= 1
            continue
        if char == "（":
            end = text.find("）", index, index + _SHORT_GROUP + 2)
            if end > index:
                if token:
                    yield token
                    token = ""
                yield text[index : end + 1]
                skip = end - index
                continue
        wide = unicodedata.east_asian_width(char) in ("W", "F")
        if wide:
            if token:
                yield token
                token = ""
            yield char
        elif char == " ":
            token += char
            yield token
            token = ""
        else:
            if token.endswith(" "):
                yield token
                token = ""
            token += char
    if token:
        yield token


def _split_long(token, size, limit):
    """A word wider than a line, cut where it must be."""
    piece = ""
    for char in token:
        if piece and width(piece + char, size) > limit:
            yield piece
            piece = ""
        piece += char
    if piece:
        yield piece


@lru_cache(maxsize=65536)
def _wrap(text, size, limit, max_lines):
    return tuple(_wrap_lines(text, size, limit, max_lines))


def wrap(text, size, limit, max_lines):
    """``text`` in lines no wider than ``limit`` px, at most ``max_lines``.

    Titles repeat across thousands of boxes, so results are remembered.
    """
    return list(_wrap(text, size, limit, max_lines))


def _wrap_lines(text, size, limit, max_lines):
    """Chinese breaks between any two characters except before closing
    punctuation or after opening punctuation; English breaks at spaces, and
    inside a word only when the word alone is wider than a line. When the
    text needs more lines, the last one ends with "…".
    """
    text = " ".join(text.split())
    if not text:
        return []
    lines, line, line_w = [], "", 0.0
    for token in _tokens(text):
        token_w = width(token.rstrip(), size)
        if line_w + token_w <= limit:
            line += token
            line_w += width(token, size)  # with its trailing space
            continue
        if line and (token[0] in _NO_LINE_START or line[-1] in _NO_LINE_END):
            # Punctuation stays with its neighbour: carry one character over.
            token = line[-1] + token
            line = line[:-1]
        if line.strip():
            lines.append(line.rstrip())
        line = ""
        if width(token.rstrip(), size) > limit:
            *full, token = _split_long(token.rstrip(), size, limit)
            lines.extend(full)
        line = token
        line_w = width(line, size)
    if line.strip():
        lines.append(line.rstrip())
    # " · " separates items: where a line breaks beside one, it goes.
    lines = [_unseparated(one) for one in lines]
    lines = [one for one in lines if one]
    if len(lines) > max_lines:
        kept = lines[:max_lines]
        last = kept[-1]
        while last and width(last + ELLIPSIS, size) > limit:
            last = last[:-1]
        kept[-1] = last.rstrip() + ELLIPSIS
        return kept
    return lines


def _unseparated(line):
    line = line.strip()
    if line.endswith("·"):
        line = line[:-1].rstrip()
    if line.startswith("·"):
        line = line[1:].lstrip()
    return line
