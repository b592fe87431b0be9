from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from directory.backends import UNREACHABLE_FLAG


class LoginForm(AuthenticationForm):
    """The site's login: says so when the company directory could not be asked."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "directory_unreachable": _(
            "The company directory cannot be reached just now, so company passwords "
            "cannot be checked. Try again in a few minutes; local accounts still work."
        ),
    }

    def get_invalid_login_error(self):
        if getattr(self.request, UNREACHABLE_FLAG, False):
            return forms.ValidationError(
                self.error_messages["directory_unreachable"], code="directory_unreachable"
            )
        return super().get_invalid_login_error()
