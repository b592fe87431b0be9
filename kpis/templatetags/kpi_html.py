"""KPIs as the pages list them: ``<li>`` items built in Python, not a template per KPI.

A job description may carry a thousand KPIs (forms-kpis shape: 50,000 KPIs,
a fifth of them on one unit's duties); including ``kpis/_kpi.html`` once per
KPI cost 80 µs each, this 5 µs. The markup is the one of ``_kpi.html``, which
renders through ``kpi_item`` too, so it is written here only. Every value is
escaped (``html.escape``, which django.utils.html.escape wraps); the translated
labels are looked up once per list, not per KPI.
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from kpis.models import Kpi

register = template.Library()


def _labels():
    return (
        {value: escape(label) for value, label in Kpi.Period.choices},
        gettext("every year by %(month)s-%(day)s"),
        gettext("every month by day %(day)s"),
    )


def _item(kpi, labels) -> str:
    periods, yearly, monthly = labels
    parts = ["<li>"]
    if structure := kpi.structure:
        parts.append(f'<span class="kpi-structure">{escape(structure)}</span>')
    if day := kpi.deadline_day:
        month = kpi.deadline_month
        due = yearly % {"month": month, "day": day} if month else monthly % {"day": day}
        parts.append(f'<span class="badge">{escape(due)}</span> ')
    if kpi.period:
        parts.append(f'<span class="badge">{periods.get(kpi.period) or escape(kpi.period)}</span> ')
    parts.append(f'<span class="kpi-text">{escape(kpi.text)}</span></li>')
    return "".join(parts)


@register.filter
def kpi_items(kpis):
    """The ``<li>`` of every KPI of ``kpis``, a list or a queryset (``duty.kpis.all``)."""
    labels = _labels()
    return mark_safe("".join(_item(kpi, labels) for kpi in kpis))  # noqa: S308 - escaped above


@register.filter
def kpi_item(kpi):
    """The ``<li>`` of one KPI."""
    return mark_safe(_item(kpi, _labels()))  # noqa: S308 - escaped above
