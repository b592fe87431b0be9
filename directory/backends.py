"""Authentication backends for the company directory (LDAP / Active Directory) and OIDC.

Both create or update the local account at each login, set its roles from the
directory's groups (or the provider's group claim) and link it to its
Employee record. They come after Django's ModelBackend in
AUTHENTICATION_BACKENDS, so local accounts (the HR superuser) are checked
first and never wait for the directory.
"""

import logging
import unicodedata

import ldap
from django.conf import settings
from django.contrib.auth import get_user_model
from django_auth_ldap.backend import LDAPBackend, ldap_error
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from directory.accounts import apply_roles, link_employee, roles_for

logger = logging.getLogger(__name__)

# Errors that mean "the directory cannot be reached", not "wrong password".
UNREACHABLE = (ldap.SERVER_DOWN, ldap.TIMEOUT, ldap.CONNECT_ERROR, ldap.TIMELIMIT_EXCEEDED)
UNREACHABLE_FLAG = "directory_unreachable"


def _first(attrs, name) -> str:
    values = (attrs or {}).get(name) or []
    return str(values[0]).strip() if values else ""


def _note_unreachable(sender, context, user, request, exception, **kwargs):
    if isinstance(exception, UNREACHABLE) and request is not None:
        setattr(request, UNREACHABLE_FLAG, True)
        logger.error("The company directory cannot be reached: %s", exception)


ldap_error.connect(_note_unreachable, dispatch_uid="directory-unreachable")


def failed_during_outage(request, credentials=None) -> bool:
    """django-axes: a login that failed because the directory was away is no attempt.

    Otherwise everyone who tried a few times during an outage would stay locked
    out after the directory is back.
    """
    return bool(getattr(request, UNREACHABLE_FLAG, False))


class DirectoryBackend(LDAPBackend):
    """django-auth-ldap, with the roles and the Employee link of this project."""

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        attrs = settings.DIRECTORY_LDAP_ATTRS
        try:
            group_dns = ldap_user.group_dns
        except ldap.LDAPError as exc:
            # The groups are part of the login: without them, no login.
            _note_unreachable(self, "group_dns", user, ldap_user._request, exc)
            return None
        apply_roles(user, roles_for(group_dns, settings.DIRECTORY_LDAP_ROLES))
        link_employee(
            user,
            employee_no=_first(ldap_user.attrs, attrs["employee_no"]),
            email=_first(ldap_user.attrs, attrs["email"]),
        )
        return user

    def get_user(self, user_id):
        # A leaver's account is deactivated by sync_directory: its sessions end too.
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


def oidc_username(email):
    """mozilla-django-oidc's hook for a new user's name; we take the claim instead (below)."""
    return email


class CompanySSOBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc: one account per username claim, with the same role mapping."""

    def _claim(self, claims, key) -> str:
        value = claims.get(settings.DIRECTORY_OIDC_CLAIMS[key]) or ""
        return unicodedata.normalize("NFKC", str(value)).strip()

    def verify_claims(self, claims):
        return bool(self._claim(claims, "username")) and super().verify_claims(claims)

    def filter_users_by_claims(self, claims):
        username = self._claim(claims, "username")
        if not username:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username=username)

    def create_user(self, claims):
        user = get_user_model().objects.create_user(
            self._claim(claims, "username"), email=self._claim(claims, "email")
        )
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        user.email = self._claim(claims, "email") or user.email
        user.first_name = str(claims.get("given_name") or user.first_name)[:150]
        user.last_name = str(claims.get("family_name") or user.last_name)[:150]
        user.save()
        groups = claims.get(settings.DIRECTORY_OIDC_CLAIMS["groups"]) or []
        if isinstance(groups, str):
            groups = [groups]
        apply_roles(user, roles_for([str(g) for g in groups], settings.DIRECTORY_OIDC_ROLES))
        link_employee(
            user,
            employee_no=self._claim(claims, "employee_no"),
            email=self._claim(claims, "email"),
        )
        return user

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None
