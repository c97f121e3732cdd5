"""ReentryKit settings: one file, every value read from the environment.

See .env.example for the full list. Development (REENTRYKIT_DEBUG=1) works with
no configuration at all; production fails loudly when a secret is missing.
"""

from __future__ import annotations

import logging
import zoneinfo
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_rate, env_secret, env_str
from reentrykit.core import queues

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("REENTRYKIT_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("REENTRYKIT_DEBUG", False)
# Demo mode: the seeded demo accounts may sign in (and skip two-factor sign-in).
DEMO = env_bool("REENTRYKIT_DEMO", False)
# Anyone may sign a new coalition up on the web (an emailed link proves the address);
# off, coalitions are created on the command line only.
SIGNUP = env_bool("REENTRYKIT_SIGNUP", True)
# HTTPS-only cookies, HSTS and redirects; on by default outside development.
HTTPS = env_bool("REENTRYKIT_HTTPS", not DEBUG)

SECRET_KEY = env_secret(
    "REENTRYKIT_SECRET_KEY", dev_file=VAR_DIR / "secret_key" if DEBUG else None, nbytes=50
)
# The master key from which per-coalition keys (pseudonyms, store encryption) derive:
# whoever copies a store and guesses it reads the store, so a short one is refused.
MASTER_KEY = env_secret(
    "REENTRYKIT_MASTER_KEY", dev_file=VAR_DIR / "master_key" if DEBUG else None, min_length=32
)
DATA_DIR = Path(env_str("REENTRYKIT_DATA_DIR", str(VAR_DIR / "data")))
# Largest partner extract accepted in one file (web, CLI and API alike).
DATA_MAX_UPLOAD_BYTES = env_int("REENTRYKIT_DATA_MAX_UPLOAD_MB", 1024, minimum=1) * 1024 * 1024
# Uploads are person-level extracts: one too large to stay in memory while its request
# arrives goes to disk sealed, never as plain text.
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "reentrykit.data.sealed.SealingUploadHandler",
]
# An uploaded file nobody imported (its column mapping never confirmed) is deleted
# after this many hours.
DATA_UPLOAD_RETENTION_HOURS = env_int("REENTRYKIT_DATA_UPLOAD_RETENTION_HOURS", 24, minimum=1)
# Requests per API token: "N/s", "N/m", "N/h" or "N/d".
API_RATE_LIMIT = env_rate("REENTRYKIT_API_RATE_LIMIT", "120/m")
# Threads DuckDB may use for imports, linkage and measures (0 = all cores).
DATA_THREADS = env_int("REENTRYKIT_DATA_THREADS", 0, minimum=0)
# People in the synthetic county the demo seed gives each demo coalition (0: none).
DEMO_SYNTH_PEOPLE = env_int("REENTRYKIT_DEMO_SYNTH_PEOPLE", 600, minimum=0)

ALLOWED_HOSTS = env_list("REENTRYKIT_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("REENTRYKIT_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("REENTRYKIT_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "axes",
    "csp",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves the API docs' scripts from static files (no CDN, CSP-safe)
    "reentrykit.core",
    "reentrykit.accounts",
    "reentrykit.coalitions",
    "reentrykit.network",
    "reentrykit.assessment",
    "reentrykit.data",
    "reentrykit.metrics",
    "reentrykit.library",
    "reentrykit.resources",
    "reentrykit.planning",
    "reentrykit.support",
    "reentrykit.public",
    "reentrykit.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "reentrykit.api.middleware.JsonApiErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "reentrykit.accounts.middleware.TwoFactorRequiredMiddleware",
    "reentrykit.accounts.middleware.PrivatePagesMiddleware",
    "reentrykit.core.audit.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "reentrykit.core.context_processors.reentrykit",
            ],
        },
    }
]

try:
    DATABASES = {
        "default": dj_database_url.parse(
            env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'reentrykit.sqlite3'}"),
            conn_max_age=env_int("REENTRYKIT_DB_CONN_MAX_AGE", 0, minimum=0),
        )
    }
except ValueError as exc:  # an unknown scheme, a malformed address
    raise ImproperlyConfigured(
        f"DATABASE_URL must be a database address such as sqlite:///path or "
        f"postgres://user:password@host:5432/name ({type(exc).__name__}: {exc})"
    ) from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker use the file at the same time.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "reentrykit.accounts.backends.EmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Lockout after repeated failed sign-ins (django-axes).
AXES_FAILURE_LIMIT = env_int("REENTRYKIT_LOGIN_FAILURE_LIMIT", 5, minimum=1)
# Failed sign-ins from one address in an hour, whatever accounts they name, before it
# must wait: the lockout above counts each account and address pair, so without this
# one address could try a few common passwords against every account.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("REENTRYKIT_LOGIN_ADDRESS_FAILURE_LIMIT", 30, minimum=1)
AXES_COOLOFF_TIME = env_int("REENTRYKIT_LOGIN_COOLOFF_MINUTES", 30, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
# One lockout per address whatever its capitalization.
AXES_USERNAME_CALLABLE = "reentrykit.accounts.backends.axes_username"
AXES_CLIENT_IP_CALLABLE = "reentrykit.accounts.backends.client_ip"
# The page says how long to wait in words (axes' own template context has an ISO 8601 duration).
AXES_LOCKOUT_CALLABLE = "reentrykit.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = HTTPS and env_bool("REENTRYKIT_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind one reverse proxy, which sets X-Forwarded-Proto and appends the client's
# address to X-Forwarded-For (the sign-in lockout counts by that address).
BEHIND_PROXY = env_bool("REENTRYKIT_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline scripts anywhere: every script is a static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Development prints emails; a server sends them (password links, invitations and
# sign-in notices must not end up in its logs).
EMAIL_BACKEND = env_str(
    "REENTRYKIT_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("REENTRYKIT_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("REENTRYKIT_EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("REENTRYKIT_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("REENTRYKIT_EMAIL_HOST_PASSWORD", "")
# Port 465 speaks TLS from the first byte (implicit TLS); other ports start in plain
# text and switch (STARTTLS). SMTP can use one or the other, not both.
EMAIL_USE_SSL = env_bool("REENTRYKIT_EMAIL_USE_SSL", EMAIL_PORT == 465)
EMAIL_USE_TLS = env_bool("REENTRYKIT_EMAIL_USE_TLS", not EMAIL_USE_SSL)
if EMAIL_USE_SSL and EMAIL_USE_TLS:
    raise ImproperlyConfigured(
        "REENTRYKIT_EMAIL_USE_TLS (STARTTLS) and REENTRYKIT_EMAIL_USE_SSL (implicit TLS, "
        "port 465) cannot both be on: turn one off"
    )
DEFAULT_FROM_EMAIL = env_str("REENTRYKIT_EMAIL_FROM", "ReentryKit <no-reply@localhost>")

# Daily work the task worker schedules itself (reentrykit.core.periodic): the hour, in
# TIME_ZONE, it runs at, and whether the plan's reminders are part of it.
DAILY_HOUR = env_int("REENTRYKIT_DAILY_HOUR", 7, minimum=0, maximum=23)
PLAN_REMINDERS = env_bool("REENTRYKIT_PLAN_REMINDERS", True)

TASKS = {
    "default": {
        "BACKEND": env_str("REENTRYKIT_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": list(queues.QUEUES),
    }
}

LANGUAGE_CODE = "en-us"
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env_str("REENTRYKIT_TIME_ZONE", "America/Chicago")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (ValueError, zoneinfo.ZoneInfoNotFoundError):
    raise ImproperlyConfigured(
        f"REENTRYKIT_TIME_ZONE must be a time zone such as America/Chicago, got {TIME_ZONE!r}"
    ) from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

LOG_LEVEL = env_str("REENTRYKIT_LOG_LEVEL", "INFO").strip().upper()
if LOG_LEVEL not in logging.getLevelNamesMapping():
    raise ImproperlyConfigured(
        f"REENTRYKIT_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {LOG_LEVEL!r}"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # PDF rendering logs every step and font subset at INFO: noise in a server's log.
    "loggers": {name: {"level": "WARNING"} for name in ("axes", "weasyprint", "fontTools")},
}
