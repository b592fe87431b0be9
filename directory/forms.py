from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from directory.backends import UNREACHABLE_FLAG

DIRECTORY_UNREACHABLE = _(
    "The company directory cannot be reached just now, so company passwords "
    "cannot be checked. Try again in a few minutes; local accounts still work."
)


class DirectoryOutageMixin:
    """A login form that says so when the company directory could not be asked."""

    def get_invalid_login_error(self):
        if getattr(self.request, UNREACHABLE_FLAG, False):
            return forms.ValidationError(DIRECTORY_UNREACHABLE, code="directory_unreachable")
        return super().get_invalid_login_error()


class LoginForm(DirectoryOutageMixin, AuthenticationForm):
    """The site's login."""


class AdminLoginForm(DirectoryOutageMixin, AdminAuthenticationForm):
    """The admin's login (staff only, as Django's)."""
