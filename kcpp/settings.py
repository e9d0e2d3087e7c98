"""Settings for the Kirklees Communities Partnership portal.

Everything that differs between a laptop, CI and production is read from the environment
(see `.env.example`). One naming rule: a variable that sets one of these settings is called
`DJANGO_` and the setting's name (`DJANGO_API_ANON_RATE` sets `API_ANON_RATE`); the addresses of
the services the portal uses are `DATABASE_URL` and `CACHE_URL`, as twelve-factor tools name them.
Defaults are safe: debug is off unless asked for, and without debug the portal refuses to start
with no secret key or no allowed hosts. A checkout's `.env` is read only when asked for
(`DJANGO_ENV_FILE=.env`, which `manage.py` sets on a checkout that has one): the WSGI server that
serves the portal never reads it, and `make serve` turns it off for its commands too.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A developer's own overrides (never committed, see .gitignore), read only when asked for.
if os.environ.get("DJANGO_ENV_FILE"):
    environ.Env.read_env(BASE_DIR / os.environ["DJANGO_ENV_FILE"], overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string in the environment "
            "(see .env.example), or set DJANGO_DEBUG=true on a development machine."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - debug only

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set. Set it to the host names the portal answers to, comma-separated "
        "(see the README's Deploy section)."
    )
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "csp",
    "corsheaders",
    "django_permissions_policy",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    # Officers load reported values from CSV or Excel in the admin (measures/admin_import.py).
    "import_export",
    "axes",
    # Who may do what: each job's permissions, per record where an officer leads it (kcpp/rules.py).
    "rules.apps.AutodiscoverRulesConfig",
    "core",
    "priorities",
    "measures",
    "governance",
    # The project package itself, for the commands that span the apps (loading the plan, accounts).
    "kcpp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Before anything that may answer early, so the open data's answers all carry the CORS header.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages, API lists, CSVs and feeds from the shared cache while nothing has changed (core/cache.py);
    # before compression, so a hit is served as stored, already compressed.
    "core.cache.PublicPageCacheMiddleware",
    # Pages, JSON and CSV compressed for clients that accept gzip (static files come precompressed from
    # WhiteNoise, above); Django pads the compressed body against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    # An ETag on every page, so a client that has it gets 304 Not Modified instead of the page again.
    "django.middleware.http.ConditionalGetMiddleware",
    # Null bytes and other control characters in an address: 400 before any view sees them.
    "core.errors.RejectMalformedRequestsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Records which officer made each change in the history tables.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Officers' sign-in: locked after repeated failures (last, as django-axes asks).
    "axes.middleware.AxesMiddleware",
]

# Password guessing: after AXES_FAILURE_LIMIT failed sign-ins for one account, or from one address,
# that account or address is locked for the cool-off time. The attempts are kept in the database, so
# every instance sees them; an administrator unlocks early in the admin (Access attempts) or with
# `manage.py axes_reset_username NAME`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Permissions come from kcpp/rules.py (jobs, and the records an officer leads), superusers' from Django.
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Fields of a record only some jobs may change, whoever else may change the rest: {model: {field: permission}},
# with "*" for every other field. The admin shows them read-only to the others.
ADMIN_FIELD_PERMISSIONS = {
    "priorities.planedition": {"status": "priorities.publish_planedition", "*": "priorities.edit_planedition"},
    "priorities.action": {"progress": "priorities.report_action", "*": "priorities.edit_action"},
}
AXES_FAILURE_LIMIT = env.int("DJANGO_AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("DJANGO_AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# The client's own address behind the proxies (DJANGO_NUM_PROXIES), as the API's throttling sees it.
AXES_CLIENT_IP_CALLABLE = "core.api_defaults.client_address"

ROOT_URLCONF = "kcpp.urls"

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
                "kcpp.context_processors.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "kcpp.wsgi.application"

# SQLite in the checkout needs no set-up; production and CI set DATABASE_URL to PostgreSQL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "core.redis_cache.RedisCache"  # the same, without a new client per call
# Public pages from that cache, invalidated by any change (core/cache.py). Off only to compare timings.
PAGE_CACHE = env.bool("DJANGO_PAGE_CACHE", default=True)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Our own static files, and what the front-end build makes from npm packages (never committed).
STATICFILES_DIRS = [BASE_DIR / "static_build"]
# In development, serve static files straight from the apps, without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Officer documents attached to meetings: keep uploads to ordinary committee papers.
DOCUMENT_MAX_BYTES = env.int("DJANGO_DOCUMENT_MAX_MB", default=20) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Audit trail, not an undo button: reverting from the admin would bypass review.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Importing values (django-import-export): only officers who may add reported values (kcpp/rules.py; each row
# is checked against the measures they lead too), all or nothing in one transaction, and the file held between
# the preview and the confirmation in the shared cache, which every instance reads (Redis in production; a
# laptop's single process keeps it in its own memory). Anything exported is made safe for spreadsheets.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    # A year, for this host and its subdomains, and eligible for browsers' preload lists: the portal
    # is only ever served over HTTPS. A deployment that cannot promise that for its subdomains turns
    # the last two off (check --deploy will then warn).
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Powerful browser features the portal never uses are switched off for it and anything it frames.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    ]
}

# A strict Content-Security-Policy: scripts, styles and images from this site only, nothing inline. With no
# per-request nonce, a page is the same bytes for every reader, so it can be cached and answer 304.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "manifest-src": [SELF],
    }
}

# The open data API: read-only for everyone, JSON only (the browsable API too while debugging).
API_ANON_RATE = env.str("DJANGO_API_ANON_RATE", default="300/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api_defaults.Pagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["core.api_defaults.AnonymousThrottle"],
    "EXCEPTION_HANDLER": "core.api_defaults.handle_exception",
    # Behind a proxy, the client's address for throttling is the one the proxy saw, not a spoofable header.
    "NUM_PROXIES": env.int("DJANGO_NUM_PROXIES", default=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kirklees Communities Partnership open data API",
    "DESCRIPTION": "The Kirklees Communities Partnership Plan, its key performance measures and the boards and "
    "meetings that govern it, read-only. Only published content is served: no draft plans and no provisional "
    "figures. CSV downloads of the same figures are on the [open data page](/data/).",
    "VERSION": "1.0.0",
    "LICENSE": {
        "name": "Open Government Licence v3.0",
        "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    },
    "SERVE_INCLUDE_SCHEMA": False,
    # Nothing needs signing in to read, so the docs offer no "Authorize" button and no padlocks.
    "AUTHENTICATION_WHITELIST": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"tryItOutEnabled": True, "displayRequestDuration": True, "defaultModelsExpandDepth": 0},
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PublicationStatusEnum": "priorities.models.PublicationStatus",
        "ActionStatusEnum": "priorities.models.Action.Status",
        "ActionFlagEnum": "priorities.models.Action.Flag",
    },
}

# Open data is for any web page to read: the API and the CSV downloads allow every origin, for reading
# only and without cookies (so an officer's session never travels with a request from another site).
CORS_URLS_REGEX = r"^/(api/v1/.*|api/schema/|measures/(.+/)?values\.csv|measures/status\.csv|plans/actions\.csv)$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False

# E-mail (officers' reminders, `manage.py sendreminders`): printed to the console unless EMAIL_URL names a
# server, e.g. smtp+tls://user:password@smtp.example.org:587. PORTAL_BASE_URL makes the links absolute.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)  # django-environ's way: EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, …
DEFAULT_FROM_EMAIL = env.str(
    "DJANGO_DEFAULT_FROM_EMAIL", default="Kirklees Communities Partnership <noreply@localhost>"
)
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# What the public pages say about the service.
PORTAL = {
    "service_name": "Kirklees Communities Partnership",
    "phase": "Beta",
    "contact_email": "Safer@Kirklees.gov.uk",
    "contact_phone": "01484 221000",
    "council_page": "https://www.kirklees.gov.uk/beta/community-safety-partners/kirklees-community-safety-partnership.aspx",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}
