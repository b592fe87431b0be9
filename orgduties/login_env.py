"""Company login settings, read from the environment (README "Company login").

``ldap_settings()`` and ``oidc_settings()`` return the settings django-auth-ldap,
mozilla-django-oidc and this app read, as a dict that orgduties/settings.py
merges into its own. Both are off unless their first variable is set
(LDAP_SERVER_URI, OIDC_RP_CLIENT_ID); nothing here reaches the network.
"""

from django.core.exceptions import ImproperlyConfigured

from orgduties.env import envbool, envchoice, envint, envlist, envstr

LDAP_BACKEND = "directory.backends.DirectoryBackend"
OIDC_BACKEND = "directory.backends.CompanySSOBackend"

# The four roles of core/roles.py, by the suffix of their variables.
ROLE_SUFFIXES = {
    "HR_EDITORS": "HR editors",
    "REVIEWERS": "Reviewers",
    "APPROVERS": "Approvers",
    "EMPLOYEES": "Employees",
}

GROUP_TYPES = [
    "nested_group_of_names",
    "group_of_names",
    "nested_active_directory",
    "active_directory",
    "posix",
]


def _dns(name: str) -> list[str]:
    """A list of DNs, separated by ";" (a DN holds commas), compared in lower case."""
    return [dn.strip().lower() for dn in envstr(name).split(";") if dn.strip()]


def _role_map(prefix: str, read) -> dict:
    return {role: read(f"{prefix}_ROLE_{suffix}") for suffix, role in ROLE_SUFFIXES.items()}


def ldap_settings(debug: bool) -> dict:
    uri = envstr("LDAP_SERVER_URI").strip()
    if not uri:
        return {"DIRECTORY_LDAP_ENABLED": False}
    import ldap
    from django_auth_ldap import config

    if not uri.startswith(("ldap://", "ldaps://")):
        raise ImproperlyConfigured(
            f"LDAP_SERVER_URI must start with ldap:// or ldaps://; got {uri!r}"
        )
    start_tls = envbool("LDAP_START_TLS", False)
    if (
        not debug
        and uri.startswith("ldap://")
        and not start_tls
        and not envbool("LDAP_ALLOW_PLAIN", False)
    ):
        raise ImproperlyConfigured(
            "LDAP_SERVER_URI is ldap:// without LDAP_START_TLS=1: passwords would cross the "
            "network in clear. Use ldaps://, set LDAP_START_TLS=1, or LDAP_ALLOW_PLAIN=1."
        )
    timeout = envint("LDAP_TIMEOUT", 5, minimum=1)
    options = {
        # A directory that does not answer fails the login within the timeout, not
        # after the operating system's minutes (the login page then says so).
        ldap.OPT_NETWORK_TIMEOUT: timeout,
        ldap.OPT_TIMEOUT: timeout,
        ldap.OPT_REFERRALS: 0,  # Active Directory's referrals would need another bind
        ldap.OPT_X_TLS_REQUIRE_CERT: (
            ldap.OPT_X_TLS_DEMAND if envbool("LDAP_TLS_VERIFY", True) else ldap.OPT_X_TLS_NEVER
        ),
    }
    ca_file = envstr("LDAP_CA_CERT_FILE")
    if ca_file:
        options[ldap.OPT_X_TLS_CACERTFILE] = ca_file
    options[ldap.OPT_X_TLS_NEWCTX] = 0  # last: makes the TLS options above take effect

    user_base = envstr("LDAP_USER_BASE")
    group_base = envstr("LDAP_GROUP_BASE", user_base)
    if not user_base:
        raise ImproperlyConfigured("LDAP_USER_BASE must be set with LDAP_SERVER_URI")
    user_filter = envstr("LDAP_USER_FILTER", "(uid=%(user)s)")
    if "%(user)s" not in user_filter:
        raise ImproperlyConfigured(
            f"LDAP_USER_FILTER must contain %(user)s, e.g. (sAMAccountName=%(user)s); got {user_filter!r}"
        )
    group_type = envchoice("LDAP_GROUP_TYPE", "nested_group_of_names", GROUP_TYPES)
    group_class, group_filter = {
        "nested_group_of_names": (config.NestedGroupOfNamesType, "(objectClass=groupOfNames)"),
        "group_of_names": (config.GroupOfNamesType, "(objectClass=groupOfNames)"),
        "nested_active_directory": (config.NestedActiveDirectoryGroupType, "(objectClass=group)"),
        "active_directory": (config.ActiveDirectoryGroupType, "(objectClass=group)"),
        "posix": (config.PosixGroupType, "(objectClass=posixGroup)"),
    }[group_type]
    attrs = {
        "username": envstr("LDAP_ATTR_USERNAME", "uid"),
        "name": envstr("LDAP_ATTR_NAME", "displayName"),
        "first_name": envstr("LDAP_ATTR_FIRST_NAME", "givenName"),
        "last_name": envstr("LDAP_ATTR_LAST_NAME", "sn"),
        "email": envstr("LDAP_ATTR_EMAIL", "mail"),
        "employee_no": envstr("LDAP_ATTR_EMPLOYEE_NO", "employeeNumber"),
        "department": envstr("LDAP_ATTR_DEPARTMENT", "departmentNumber"),
        "title": envstr("LDAP_ATTR_TITLE", "title"),
        "manager": envstr("LDAP_ATTR_MANAGER", "manager"),
    }
    share = envint("LDAP_SYNC_MAX_DEACTIVATE_PERCENT", 10, minimum=0)
    if share > 100:
        raise ImproperlyConfigured(f"LDAP_SYNC_MAX_DEACTIVATE_PERCENT must be 0-100; got {share}")
    return {
        "DIRECTORY_LDAP_ENABLED": True,
        "AUTH_LDAP_SERVER_URI": uri,
        "AUTH_LDAP_START_TLS": start_tls,
        "AUTH_LDAP_CONNECTION_OPTIONS": options,
        "AUTH_LDAP_BIND_DN": envstr("LDAP_BIND_DN"),
        "AUTH_LDAP_BIND_PASSWORD": envstr("LDAP_BIND_PASSWORD"),
        "AUTH_LDAP_USER_SEARCH": config.LDAPSearch(user_base, ldap.SCOPE_SUBTREE, user_filter),
        "AUTH_LDAP_GROUP_SEARCH": config.LDAPSearch(group_base, ldap.SCOPE_SUBTREE, group_filter),
        "AUTH_LDAP_GROUP_TYPE": group_class(),
        "AUTH_LDAP_REQUIRE_GROUP": envstr("LDAP_REQUIRE_GROUP") or None,
        "AUTH_LDAP_USER_ATTR_MAP": {
            "first_name": attrs["first_name"],
            "last_name": attrs["last_name"],
            "email": attrs["email"],
        },
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        # Group lookups once per login, not once per permission check.
        "AUTH_LDAP_FIND_GROUP_PERMS": False,
        "AUTH_LDAP_CACHE_TIMEOUT": 0,
        "DIRECTORY_LDAP_ATTRS": attrs,
        "DIRECTORY_LDAP_PEOPLE_FILTER": envstr(
            "LDAP_PEOPLE_FILTER", "(&(objectClass=inetOrgPerson)(employeeNumber=*))"
        ),
        "DIRECTORY_LDAP_ROLES": _role_map("LDAP", _dns),
        "DIRECTORY_SYNC_MAX_DEACTIVATE_PERCENT": share,
        "DIRECTORY_TIMEOUT": timeout,
    }


def oidc_settings(debug: bool) -> dict:
    client_id = envstr("OIDC_RP_CLIENT_ID").strip()
    if not client_id:
        return {"DIRECTORY_OIDC_ENABLED": False}
    endpoints = {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": envstr("OIDC_OP_AUTHORIZATION_ENDPOINT"),
        "OIDC_OP_TOKEN_ENDPOINT": envstr("OIDC_OP_TOKEN_ENDPOINT"),
        "OIDC_OP_USER_ENDPOINT": envstr("OIDC_OP_USER_ENDPOINT"),
        "OIDC_OP_JWKS_ENDPOINT": envstr("OIDC_OP_JWKS_ENDPOINT"),
    }
    for name, url in endpoints.items():
        if not url:
            raise ImproperlyConfigured(f"{name} must be set with OIDC_RP_CLIENT_ID")
        if not url.startswith(("https://", "http://")):
            raise ImproperlyConfigured(f"{name} must be an http(s):// URL; got {url!r}")
        if not debug and url.startswith("http://") and not envbool("OIDC_ALLOW_HTTP", False):
            raise ImproperlyConfigured(
                f"{name} must be https:// when DEBUG is off (or set OIDC_ALLOW_HTTP=1); got {url!r}"
            )
    algorithm = envchoice("OIDC_RP_SIGN_ALGO", "RS256", ["RS256", "ES256", "HS256"])
    return {
        "DIRECTORY_OIDC_ENABLED": True,
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": envstr("OIDC_RP_CLIENT_SECRET"),
        "OIDC_RP_SIGN_ALGO": algorithm,
        "OIDC_RP_SCOPES": envstr("OIDC_RP_SCOPES", "openid email profile"),
        "OIDC_TIMEOUT": envint("OIDC_TIMEOUT", 5, minimum=1),
        "OIDC_USE_PKCE": envbool("OIDC_USE_PKCE", True),
        "OIDC_CREATE_USER": envbool("OIDC_CREATE_USER", True),
        "OIDC_USERNAME_ALGO": "directory.backends.oidc_username",
        "LOGIN_REDIRECT_URL_FAILURE": "login",
        **endpoints,
        "DIRECTORY_OIDC_LABEL": envstr("OIDC_LOGIN_LABEL"),
        "DIRECTORY_OIDC_CLAIMS": {
            "username": envstr("OIDC_USERNAME_CLAIM", "preferred_username"),
            "email": envstr("OIDC_EMAIL_CLAIM", "email"),
            "employee_no": envstr("OIDC_EMPLOYEE_NO_CLAIM", "employee_number"),
            "groups": envstr("OIDC_GROUPS_CLAIM", "groups"),
        },
        "DIRECTORY_OIDC_ROLES": _role_map("OIDC", lambda name: envlist(name, [])),
    }
