"""The chart's options, from a page's query string or the export command.

One form for both, so the page, the export menu and ``export_chart`` accept
and refuse the same things with the same messages.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from orgchart.data import KINDS, MAX_CODES, MAX_DEPTH, ChartOptions

PAPERS = ("A4", "A3")
FORMATS = ("svg", "pdf", "png")
PDF_MODES = ("fit", "tile", "pages")
MIN_WIDTH, MAX_WIDTH = 200, 20000
CODE_LENGTH = 40


class _Codes(forms.CharField):
    """Codes given as repeated parameters (open=A&open=B) or comma-separated."""

    def to_python(self, value):
        if isinstance(value, list | tuple):
            items = [v for item in value for v in str(item).split(",")]
        else:
            items = str(value or "").split(",")
        return [v.strip() for v in items if v.strip()]

    def validate(self, value):
        if len(value) > MAX_CODES:
            raise forms.ValidationError(
                _("At most %(n)s units can be opened or closed at once.") % {"n": MAX_CODES}
            )
        if any(len(v) > CODE_LENGTH for v in value):
            raise forms.ValidationError(
                _("A code has at most %(n)s characters.") % {"n": CODE_LENGTH}
            )


class _Flag(forms.TypedChoiceField):
    def __init__(self, default, **kwargs):
        super().__init__(
            choices=[("1", "1"), ("0", "0"), ("on", "on")],
            coerce=lambda v: v in ("1", "on"),
            required=False,
            empty_value=default,
            **kwargs,
        )


class ChartForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Chart"),
        choices=[
            ("units", _("Units")),
            ("positions", _("Units with positions")),
            ("reporting", _("Reporting lines")),
        ],
        required=False,
    )
    root = forms.CharField(label=_("Root code"), max_length=CODE_LENGTH, required=False)
    focus = forms.CharField(label=_("Focus"), max_length=CODE_LENGTH, required=False)
    depth = forms.IntegerField(
        label=_("Levels"),
        min_value=1,
        max_value=MAX_DEPTH,
        required=False,
        error_messages={
            "min_value": _("Levels must be between 1 and %(max)s.") % {"max": MAX_DEPTH},
            "max_value": _("Levels must be between 1 and %(max)s.") % {"max": MAX_DEPTH},
        },
    )
    holders = _Flag(True, label=_("Holders"))
    vacancies = _Flag(True, label=_("Vacancies"))
    photos = _Flag(False, label=_("Photos"))
    compact = _Flag(True, label=_("Compact"))
    orient = forms.ChoiceField(
        label=_("Orientation"),
        choices=[("tb", _("Top down")), ("lr", _("Left to right"))],
        required=False,
    )
    q = forms.CharField(label=_("Find"), max_length=100, required=False, strip=True)
    start = forms.IntegerField(min_value=0, max_value=10**7, required=False)
    open = _Codes(required=False)
    closed = _Codes(required=False)

    @classmethod
    def from_query(cls, query):
        data = {k: query.get(k) for k in query}
        data["open"] = query.getlist("open")
        data["closed"] = query.getlist("closed")
        return cls(data)

    def options(self, budget):
        d = self.cleaned_data
        return ChartOptions(
            kind=d.get("kind") or "units",
            root=d.get("root") or "",
            depth=d.get("depth"),
            holders=d["holders"],
            vacancies=d["vacancies"],
            photos=d["photos"],
            orientation=d.get("orient") or "tb",
            compact=d["compact"],
            opened=d.get("open") or [],
            closed=d.get("closed") or [],
            q=d.get("q") or "",
            focus=d.get("focus") or "",
            budget=budget,
            start=d.get("start") or 0,
        )


class ExportForm(ChartForm):
    format = forms.ChoiceField(
        label=_("Format"), choices=[(f, f.upper()) for f in FORMATS], required=False
    )
    paper = forms.ChoiceField(
        label=_("Paper"),
        choices=[(p, p) for p in PAPERS],
        required=False,
        error_messages={
            "invalid_choice": _("Unknown paper size %(value)s: choose A4 or A3."),
        },
    )
    landscape = _Flag(False, label=_("Landscape"))
    mode = forms.ChoiceField(
        label=_("PDF pages"),
        choices=[
            ("fit", _("One page, scaled to fit")),
            ("tile", _("Tiled across pages")),
            ("pages", _("One page per subtree")),
        ],
        required=False,
    )
    width = forms.IntegerField(
        label=_("Width (px)"),
        min_value=MIN_WIDTH,
        max_value=MAX_WIDTH,
        required=False,
        error_messages={
            "min_value": _("The width must be between %(min)s and %(max)s px.")
            % {"min": MIN_WIDTH, "max": MAX_WIDTH},
            "max_value": _("The width must be between %(min)s and %(max)s px.")
            % {"min": MIN_WIDTH, "max": MAX_WIDTH},
        },
    )

    def clean(self):
        data = super().clean()
        data["format"] = data.get("format") or "svg"
        data["paper"] = data.get("paper") or "A4"
        data["mode"] = data.get("mode") or "fit"
        return data


def first_error(form):
    """The form's first message, as "Field: message", for pages and the shell."""
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = field.label if field is not None and field.label else name
        return f"{label}: {errors[0]}" if name != "__all__" else errors[0]
    return ""


__all__ = ["ChartForm", "ExportForm", "KINDS", "first_error"]
