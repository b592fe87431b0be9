from django import forms
from django.utils.translation import gettext_lazy as _

EXPIRY_CHOICES = [
    ("30", _("30 days")),
    ("90", _("90 days")),
    ("365", _("one year")),
    ("", _("never")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “HR reports script”."),
    )
    can_write = forms.BooleanField(
        label=_("May write"),
        required=False,
        help_text=_("Without it the token only reads. It never has more rights than you."),
    )
    expires = forms.ChoiceField(
        label=_("Expires after"), choices=EXPIRY_CHOICES, initial="90", required=False
    )

    def days(self):
        value = self.cleaned_data.get("expires")
        return int(value) if value else None
