import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def highlight(text, variants):
    """Escape ``text``, then wrap every occurrence of a search variant in <mark>.

    The data is escaped first; only the <mark> tags added here are markup.
    """
    escaped = conditional_escape(text)
    terms = [conditional_escape(v) for v in (variants or []) if v]
    if not terms:
        return escaped
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))  # noqa: S308


@register.filter
def excerpt(text, variants, width=60):
    """A window of ``text`` around the first match, for long duty texts."""
    text = str(text)
    lowered = text.casefold()
    positions = [lowered.find(v.casefold()) for v in (variants or []) if v]
    positions = [p for p in positions if p >= 0]
    if not positions or len(text) <= width * 2:
        return text
    start = max(0, min(positions) - width)
    end = min(len(text), min(positions) + width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
