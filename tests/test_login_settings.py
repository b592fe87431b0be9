"""Company-login settings from the environment (orgduties/login_env.py)."""

import json

import ldap
import pytest
from django.core.exceptions import ImproperlyConfigured

from orgduties.login_env import ldap_settings, oidc_settings
from tests.test_settings_env import PRODUCTION, start

AD = {
    "LDAP_SERVER_URI": "ldaps://dc1.corp.example.com",
    "LDAP_USER_BASE": "OU=Staff,DC=corp,DC=example,DC=com",
    "LDAP_USER_FILTER": "(sAMAccountName=%(user)s)",
    "LDAP_GROUP_TYPE": "nested_active_directory",
    "LDAP_ROLE_HR_EDITORS": "CN=OrgDuties HR,OU=Groups,DC=corp,DC=example,DC=com;"
    "CN=HR Leads,OU=Groups,DC=corp,DC=example,DC=com",
}
OIDC = {
    "OIDC_RP_CLIENT_ID": "orgduties",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://sso.example.com/auth",
    "OIDC_OP_TOKEN_ENDPOINT": "https://sso.example.com/token",
    "OIDC_OP_USER_ENDPOINT": "https://sso.example.com/me",
    "OIDC_OP_JWKS_ENDPOINT": "https://sso.example.com/jwks",
}


@pytest.fixture
def env(monkeypatch):
    def set_env(values):
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_env


def test_both_are_off_until_configured():
    assert ldap_settings(debug=False) == {"DIRECTORY_LDAP_ENABLED": False}
    assert oidc_settings(debug=False) == {"DIRECTORY_OIDC_ENABLED": False}


def test_an_active_directory_configuration(env):
    env(AD)

    config = ldap_settings(debug=False)

    assert config["AUTH_LDAP_USER_SEARCH"].filterstr == "(sAMAccountName=%(user)s)"
    assert type(config["AUTH_LDAP_GROUP_TYPE"]).__name__ == "NestedActiveDirectoryGroupType"
    # DNs hold commas: a list of them is split on ";" and compared in lower case.
    assert config["DIRECTORY_LDAP_ROLES"]["HR editors"] == [
        "cn=orgduties hr,ou=groups,dc=corp,dc=example,dc=com",
        "cn=hr leads,ou=groups,dc=corp,dc=example,dc=com",
    ]
    options = config["AUTH_LDAP_CONNECTION_OPTIONS"]
    assert options[ldap.OPT_NETWORK_TIMEOUT] == 5 and options[ldap.OPT_TIMEOUT] == 5
    assert options[ldap.OPT_X_TLS_REQUIRE_CERT] == ldap.OPT_X_TLS_DEMAND
    assert list(options)[-1] == ldap.OPT_X_TLS_NEWCTX  # after every TLS option
    assert config["DIRECTORY_SYNC_MAX_DEACTIVATE_PERCENT"] == 10


@pytest.mark.parametrize(
    "values, variable",
    [
        ({"LDAP_SERVER_URI": "dc1.corp.example.com"}, "LDAP_SERVER_URI"),
        ({"LDAP_SERVER_URI": "ldap://dc1", "LDAP_USER_BASE": "dc=x"}, "LDAP_START_TLS"),
        ({"LDAP_SERVER_URI": "ldaps://dc1"}, "LDAP_USER_BASE"),
        ({**AD, "LDAP_USER_FILTER": "(uid=%s)"}, "LDAP_USER_FILTER"),
        ({**AD, "LDAP_GROUP_TYPE": "ad"}, "LDAP_GROUP_TYPE"),
        ({**AD, "LDAP_TIMEOUT": "0"}, "LDAP_TIMEOUT"),
        ({**AD, "LDAP_SYNC_MAX_DEACTIVATE_PERCENT": "150"}, "LDAP_SYNC_MAX_DEACTIVATE_PERCENT"),
    ],
)
def test_a_bad_ldap_setting_is_refused_naming_it(env, values, variable):
    env(values)

    with pytest.raises(ImproperlyConfigured, match=variable):
        ldap_settings(debug=False)


def test_plain_ldap_is_allowed_with_start_tls_or_when_asked(env):
    env({"LDAP_SERVER_URI": "ldap://dc1", "LDAP_USER_BASE": "dc=x", "LDAP_START_TLS": "1"})
    assert ldap_settings(debug=False)["AUTH_LDAP_START_TLS"] is True
    env({"LDAP_START_TLS": "0", "LDAP_ALLOW_PLAIN": "1"})
    assert ldap_settings(debug=False)["AUTH_LDAP_START_TLS"] is False


@pytest.mark.parametrize(
    "values, variable",
    [
        ({**OIDC, "OIDC_OP_TOKEN_ENDPOINT": ""}, "OIDC_OP_TOKEN_ENDPOINT"),
        ({**OIDC, "OIDC_OP_JWKS_ENDPOINT": "http://sso/jwks"}, "OIDC_OP_JWKS_ENDPOINT"),
        ({**OIDC, "OIDC_RP_SIGN_ALGO": "none"}, "OIDC_RP_SIGN_ALGO"),
    ],
)
def test_a_bad_oidc_setting_is_refused_naming_it(env, values, variable):
    env(values)

    with pytest.raises(ImproperlyConfigured, match=variable):
        oidc_settings(debug=False)


def test_oidc_roles_are_comma_separated_claim_values(env):
    env({**OIDC, "OIDC_ROLE_REVIEWERS": "jd-reviewers, quality"})

    config = oidc_settings(debug=False)

    assert config["DIRECTORY_OIDC_ROLES"]["Reviewers"] == ["jd-reviewers", "quality"]
    assert config["OIDC_USE_PKCE"] is True


SHOW_BACKENDS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps(s.AUTHENTICATION_BACKENDS))
"""


def test_production_start_up_puts_the_company_logins_after_the_local_accounts():
    process = start(**PRODUCTION, **AD, **OIDC, code=SHOW_BACKENDS)

    assert process.returncode == 0, process.stderr
    assert json.loads(process.stdout) == [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
        "directory.backends.DirectoryBackend",
        "directory.backends.CompanySSOBackend",
    ]
