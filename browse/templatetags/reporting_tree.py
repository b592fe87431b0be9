"""The position chart's tree (/chart/positions/) as HTML, built in Python.

The chart draws up to a few hundred positions (browse.views.positions); a
template included once per position, with a reversed URL each, cost about
60 µs a position, this a few. Every value is escaped (``html.escape``, which
django.utils.html.escape wraps); URLs are quoted as ``{% url %}`` and
``|urlencode`` quote them.
"""

from html import escape
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

register = template.Library()

# What django.urls.reverse leaves unquoted in a path (RFC 3986 sub-delimiters and more).
_PATH_SAFE = "!$&'()*+,;=~:@/"


class _Links:
    """The URLs and labels every node shares, reversed and translated once per tree."""

    def __init__(self):
        self.detail = reverse("positions:detail", args=["0"]).rsplit("0", 1)
        self.chart = reverse("chart")
        self.subtree = reverse("position-chart")
        self.show = escape(gettext("Show direct reports"))

    def position(self, code):
        head, tail = self.detail
        return escape(head + quote(code, safe=_PATH_SAFE) + tail)

    @staticmethod
    def more(count):
        label = ngettext(
            "and %(counter)s more, in the reporting chart",
            "and %(counter)s more, in the reporting chart",
            count,
        )
        return escape(label % {"counter": count})


def _node(node, links, out):
    code = quote(node.code, safe="/")  # as |urlencode
    head = " head" if node.is_head else ""
    out.append(
        f'<li><a class="pos-box{head}" href="{links.position(node.code)}">{escape(node.title)} '
        f'<span class="staff">{escape(node.department.name)}</span></a>'
    )
    reports = getattr(node, "chart_reports", ())
    if reports:
        out.append('<ul class="line-solid">')
        for child in reports:
            _node(child, links, out)
        more = getattr(node, "more_reports", 0)
        if more > 0:
            out.append(
                f'<li class="more"><a href="{escape(links.chart)}?kind=reporting&amp;'
                f'focus={code}&amp;depth=1">{links.more(more)}</a></li>'
            )
        out.append("</ul>")
    elif node.report_count:
        out.append(
            f'<a class="subtree-link" href="{escape(links.subtree)}?root={code}">{links.show}</a>'
        )
    out.append("</li>")


@register.simple_tag
def reporting_tree(tops):
    """The ``<li>`` of each of ``tops`` with the reports the view attached (``chart_reports``)."""
    links, out = _Links(), []
    for node in tops:
        _node(node, links, out)
    return mark_safe("".join(out))  # noqa: S308 - every value escaped above
