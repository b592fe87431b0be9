"""Settings for OrgDuties, all read from the environment.

The defaults run on a laptop with no configuration (SQLite file in the project
folder, DEBUG on). With DEBUG off, SECRET_KEY and ALLOWED_HOSTS are required and
the security settings switch to production values.
"""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from orgduties.env import (
    envbool,
    envchoice,
    envdatabase,
    envint,
    envlist,
    envstr,
    envtimezone,
)
from orgduties.login_env import LDAP_BACKEND, OIDC_BACKEND, ldap_settings, oidc_settings

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", True)

SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    # Only ever used on a developer's machine: DEBUG is on.
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
elif not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters when DEBUG is off")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "core.apps.OrgAdminConfig",  # django.contrib.admin, see core/admin_site.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "mptt",
    "nested_admin",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Ours, in layer order: each imports only those above it (tests/test_layers.py).
    "reader",
    "core",
    "jobs",
    "departments",
    "positions",
    "kpis",
    "documents",
    "storage",
    "workbook",
    "intake",
    "directory",
    "orgchart",
    "browse",
    "search",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A database that cannot be reached is a 503 page (see also handler500).
    "core.errors.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into a page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out user is refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    # Local accounts next: the HR superuser never waits for the company directory.
    "django.contrib.auth.backends.ModelBackend",
]

# Company login (README "Company login"): LDAP / Active Directory and OIDC single
# sign-on, each off until its first variable (LDAP_SERVER_URI, OIDC_RP_CLIENT_ID) is set.
globals().update(ldap_settings(DEBUG))
globals().update(oidc_settings(DEBUG))
if DIRECTORY_LDAP_ENABLED:  # noqa: F821 (set just above)
    AUTHENTICATION_BACKENDS.append(LDAP_BACKEND)
if DIRECTORY_OIDC_ENABLED:  # noqa: F821
    AUTHENTICATION_BACKENDS.append(OIDC_BACKEND)

ROOT_URLCONF = "orgduties.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "orgduties.wsgi.application"

DATABASES = {"default": envdatabase("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rendered job descriptions (browse.views.positions), keyed by the content generation
# that database triggers change on every write (storage.generation), so an
# entry is never stale. Each process keeps its own by default; "file" shares
# one folder (CACHE_LOCATION) between the workers of one server.
# The cache: per process (locmem, the default), a shared folder (file), none
# (dummy), or Redis shared by every app server (redis; core.cache keeps pages
# rendering, uncached, while Redis is away).
CACHE_BACKEND = envchoice("CACHE_BACKEND", "locmem", ["locmem", "file", "dummy", "redis"])
_CACHE_LOCATIONS = {"file": "", "redis": "redis://127.0.0.1:6379/0"}
CACHES = {
    "default": {
        "BACKEND": {
            "locmem": "django.core.cache.backends.locmem.LocMemCache",
            "file": "django.core.cache.backends.filebased.FileBasedCache",
            "dummy": "django.core.cache.backends.dummy.DummyCache",
            "redis": "core.cache.ResilientRedisCache",
        }[CACHE_BACKEND],
        "LOCATION": envstr("CACHE_LOCATION", _CACHE_LOCATIONS.get(CACHE_BACKEND, "orgduties")),
        "TIMEOUT": envint("CACHE_TIMEOUT", 3600, minimum=1),
        "KEY_PREFIX": envstr("CACHE_KEY_PREFIX", "orgduties"),
        "OPTIONS": (
            {}
            if CACHE_BACKEND == "redis"
            else {"MAX_ENTRIES": envint("CACHE_MAX_ENTRIES", 2000, minimum=10)}
        ),
    }
}
# With Redis or a folder, each process also keeps the rendered parts it used
# last (storage.fragments), up to this many characters (about 2 bytes each).
FRAGMENT_MEMORY_CHARS = envint("FRAGMENT_MEMORY_CHARS", 20_000_000, minimum=0)
if CACHE_BACKEND == "file" and not CACHES["default"]["LOCATION"]:
    raise ImproperlyConfigured("CACHE_LOCATION (a folder) must be set when CACHE_BACKEND=file")
if CACHE_BACKEND == "redis" and not CACHES["default"]["LOCATION"].startswith(
    ("redis://", "rediss://", "unix://")
):
    raise ImproperlyConfigured(
        "CACHE_LOCATION must be a redis:// URL when CACHE_BACKEND=redis, "
        "e.g. redis://127.0.0.1:6379/0"
    )

# Long work (imports, large exports) runs in a worker (`manage.py worker`, or
# `make worker`), queued in the database through django-tasks: no other
# service, and a job is queued in the same transaction that records it. A
# running job beats every 2 s; one silent for JOB_STALE_SECONDS lost its worker
# and is failed (jobs.runner.reap). Finished jobs and their files are deleted
# after JOB_RETENTION_DAYS.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
JOB_STALE_SECONDS = envint("JOB_STALE_SECONDS", 30, minimum=5)
JOB_RETENTION_DAYS = envint("JOB_RETENTION_DAYS", 14, minimum=1)
# A user with this many jobs queued or running starts no more until one ends.
JOB_MAX_ACTIVE_PER_USER = envint("JOB_MAX_ACTIVE_PER_USER", 5, minimum=1)

# Sessions live in the database; with a cache shared by every app server (Redis)
# they are also read from it, saving a query per request (core/sessions.py: at
# most 5 minutes at a time). Not with a cache of each process's own: a logout
# on one would leave the session alive in the others.
SESSION_ENGINE = (
    "core.sessions" if CACHE_BACKEND == "redis" else "django.contrib.sessions.backends.db"
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGES = [
    ("zh-hans", _("Simplified Chinese")),
    ("zh-hant", _("Traditional Chinese")),
    ("en", _("English")),
]
LANGUAGE_CODE = envchoice("LANGUAGE_CODE", "zh-hans", [code for code, _name in LANGUAGES])
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envtimezone("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    # Uploads (form templates, employees' photos, workbooks waiting for
    # confirmation) are the only files the app writes; with several app servers MEDIA_ROOT must be shared,
    # or MEDIA_STORAGE_BACKEND names another Django storage class.
    "default": {
        "BACKEND": envstr("MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads: a form template or an imported workbook is never this large.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = envint("FILE_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = envint("DATA_UPLOAD_MAX_NUMBER_FIELDS", 20000, minimum=100)
IMPORT_MAX_UPLOAD_BYTES = envint("IMPORT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024, minimum=1024)
# Rows of one flat sheet (an HRIS export, an organogram, a 花名册: workbook/flat_read.py);
# a longer sheet is refused before any row is checked.
FLAT_IMPORT_MAX_ROWS = envint("FLAT_IMPORT_MAX_ROWS", 100_000, minimum=10)
FORM_TEMPLATE_MAX_BYTES = envint("FORM_TEMPLATE_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
# Text read from one duty document (pasted, .txt or the text of a .docx): larger
# documents are refused with a message, so a stray 5 MB file cannot tie up a worker.
DOCUMENT_MAX_BYTES = envint("DOCUMENT_MAX_BYTES", 2 * 1024 * 1024, minimum=1024)
# Employees' photos (core/images.py): an upload larger than this is refused before
# it is decoded, and one of more pixels than this (a decompression bomb) while
# only its header has been read. What is stored is a JPEG of at most 512×512.
PHOTO_MAX_BYTES = envint("PHOTO_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
PHOTO_MAX_PIXELS = envint("PHOTO_MAX_PIXELS", 50_000_000, minimum=512 * 512)

# Job descriptions are reviewed once a year, at the end of this month (seed
# 003: every March); 0 reviews each one a year after its approval.
DOCUMENT_REVIEW_MONTH = envint("DOCUMENT_REVIEW_MONTH", 3, minimum=0)
if DOCUMENT_REVIEW_MONTH > 12:
    raise ImproperlyConfigured(
        f"DOCUMENT_REVIEW_MONTH must be a month 1-12, or 0; got {DOCUMENT_REVIEW_MONTH}"
    )

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "chart"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=60)

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
    if envbool("BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The HSTS preload list is for public sites that commit their whole domain to
# HTTPS in every browser; an intranet host is not submitted there. Set
# SECURE_HSTS_PRELOAD=1 to send the directive anyway.
SILENCED_SYSTEM_CHECKS = [] if envbool("SECURE_HSTS_PRELOAD", False) else ["security.W021"]
# The duty indexes cover extra columns on PostgreSQL (INCLUDE, an index-only scan for the
# KPI and forms lists); SQLite keeps their key columns and ignores the rest, as it should.
SILENCED_SYSTEM_CHECKS.append("models.W040")

# Content-Security-Policy (django-csp): scripts and styles only from our own
# static files, never inline. The one hash is Django admin's change list
# <style> block (shown to staff without bulk actions); tests/test_security.py
# checks it still matches the installed Django.
ADMIN_CHANGE_LIST_STYLE_HASH = "'sha256-blvLUW3UscWqsXGByNOqdBboM+ShWAuugp2mC/wbafU='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, ADMIN_CHANGE_LIST_STYLE_HASH],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Login throttling (django-axes), for the site login and the admin login alike:
# after LOGIN_FAILURE_LIMIT failures for one username from one address, that
# pair is refused for LOGIN_LOCKOUT_MINUTES. Attempts live in the database, so
# every app server sees the same count. A success resets the count.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.security.lockout_response"
# A login that failed only because the company directory was away is not counted.
AXES_WHITELIST_CALLABLE = "directory.backends.failed_during_outage"
AXES_VERBOSE = False
# Lockouts are cleared with `manage.py axes_reset_username USERNAME`, not in the admin
# (HR editors manage the organisation, not login security).
AXES_ENABLE_ADMIN = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}

# django-import-export (one sheet per model in the admin, workbook/resources.py):
# only users who may change a model import or export it; exports hold employees'
# names. core.admin_base.SheetImportExportMixin also asks add rights to import.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "change"
# The resources escape =, +, -, @, tab and CR themselves with a leading apostrophe
# (as the workbook export does); import-export's own escaping would delete a leading "=".
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES = True
# The file waits for the confirm step in MEDIA_ROOT, which every app server shares.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"

# simple-history: keep who changed what, and show the diff in the admin.
SIMPLE_HISTORY_REVERT_DISABLED = False
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# The REST API (/api/, api app): personal tokens only (api.authentication), JSON
# only, cursor-paginated lists. API_RATE_LIMIT is per token, counted in the
# cache above (per process with locmem: each of N workers allows the rate).
API_RATE_LIMIT = envstr("API_RATE_LIMIT", "600/min")
if API_RATE_LIMIT.partition("/")[2][:1] not in ("s", "m", "h", "d") or not (
    API_RATE_LIMIT.partition("/")[0].isdigit()
):
    raise ImproperlyConfigured(
        f"API_RATE_LIMIT must read like 600/min (number/s, min, hour or day); got {API_RATE_LIMIT!r}"
    )
API_PAGE_SIZE = envint("API_PAGE_SIZE", 50, minimum=1)
API_MAX_PAGE_SIZE = envint("API_MAX_PAGE_SIZE", 100, minimum=1)
API_MAX_BODY_BYTES = envint("API_MAX_BODY_BYTES", 64 * 1024, minimum=1024)
API_TREE_MAX_UNITS = envint("API_TREE_MAX_UNITS", 10_000, minimum=10)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ModelRights"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.LimitedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Cursor",
    "DEFAULT_FILTER_BACKENDS": ["api.filters.QueryFilters"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OrgDuties API",
    "DESCRIPTION": "Units, positions, duties, KPIs, forms, employees and job descriptions.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_errors",
    ],
}
