import uuid

from django import forms


class NonceForm(forms.Form):
    """A form that starts a job: its nonce makes a second post of it start nothing."""

    nonce = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    def nonce_value(self):
        return self.cleaned_data.get("nonce") if self.is_valid() else None
