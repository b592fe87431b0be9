"""The intake's forms: the document to read, and one decision per block read from it."""

import json

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intake.rows import NEW, USE_DEPARTMENT, USE_NOTHING, USE_POSITION, Decision
from reader import DocumentError
from reader.files import check_size

MAX_BLOCKS = 200


class DocumentForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Paste the text"),
        widget=forms.Textarea(attrs={"rows": 14, "cols": 90}),
        required=False,
    )
    file = forms.FileField(
        label=gettext_lazy("or upload a file"),
        help_text=gettext_lazy("Plain text (UTF-8, GB18030 or Big5) or Word .docx."),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        text = cleaned.get("text") or ""
        if upload is not None:
            # A .docx may carry pictures: the file may be larger than its text, whose
            # size the reader checks after unpacking.
            if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
                raise forms.ValidationError(
                    _("The file is larger than %(limit)d MB.")
                    % {"limit": settings.IMPORT_MAX_UPLOAD_BYTES // 2**20}
                )
            cleaned["data"], cleaned["filename"] = upload.read(), upload.name
        elif text.strip():
            data = text.encode("utf-8")
            try:
                check_size(len(data))
            except DocumentError as exc:
                raise forms.ValidationError(str(exc)) from None
            cleaned["data"], cleaned["filename"] = data, "pasted.txt"
        else:
            raise forms.ValidationError(_("Paste some text or choose a file."))
        return cleaned


class DecisionForm(forms.Form):
    use = forms.ChoiceField(
        label=gettext_lazy("Save as"),
        choices=[
            (USE_DEPARTMENT, gettext_lazy("department functions")),
            (USE_POSITION, gettext_lazy("position duties")),
            (USE_NOTHING, gettext_lazy("do not save")),
        ],
    )
    name = forms.CharField(label=gettext_lazy("Name in the document"), max_length=200)
    target = forms.ChoiceField(label=gettext_lazy("Save to"), required=False)
    department = forms.CharField(
        label=gettext_lazy("Department code"),
        max_length=40,
        required=False,
        help_text=gettext_lazy(
            "For a new position: its department. For a new department: its parent."
        ),
    )
    reports_to = forms.CharField(
        label=gettext_lazy("Reports to (position code)"), max_length=40, required=False
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 90}),
    )
    requirements = forms.CharField(
        label=gettext_lazy("Requirements"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 90}),
    )
    items_text = forms.CharField(
        label=gettext_lazy("Items"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 90}),
        help_text=gettext_lazy(
            "One item per line; “## title” starts a section; lines “- 流程：”, “- 记录：” and "
            "“- 指标：” below an item add a process step, a form and a KPI; items after "
            "“== 权限 ==” are authorities. Numbers are renumbered on saving."
        ),
    )
    choices_json = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        raw = self.data.get(self.add_prefix("choices_json")) if self.is_bound else None
        raw = raw or self.initial.get("choices_json") or "[]"
        try:
            choices = [tuple(c) for c in json.loads(raw)][:50]
        except (ValueError, TypeError):
            choices = []
        self.fields["target"].choices = [("", _("— choose —")), *choices]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("use") not in (None, USE_NOTHING) and not cleaned.get("target"):
            self.add_error(
                "target",
                _("Choose an existing one, or agree to create a new one, or do not save it."),
            )
        if (
            cleaned.get("target") == NEW
            and cleaned.get("use") == USE_POSITION
            and not cleaned.get("department")
        ):
            self.add_error("department", _("A new position needs the code of its department."))
        return cleaned

    def decision(self) -> Decision:
        c = self.cleaned_data
        return Decision(
            use=c["use"],
            name=c["name"],
            target=c.get("target") or "",
            department=c.get("department") or "",
            reports_to=c.get("reports_to") or "",
            summary=c.get("summary") or "",
            requirements=c.get("requirements") or "",
            items_text=c.get("items_text") or "",
        )


DecisionFormSet = forms.formset_factory(
    DecisionForm, extra=0, max_num=MAX_BLOCKS, validate_max=True, absolute_max=MAX_BLOCKS
)
