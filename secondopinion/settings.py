"""Settings for Second Opinion, read from the environment (see .env.example)."""

from typing import Any

from django.core.exceptions import ImproperlyConfigured

# Whole groups of settings, one concern a module: signing in (allauth, two-factor sign-in
# and their rate limits), and security headers, the CSP and sessions.
from .config.accounts import *  # noqa: F403
from .config.backends import attachments_storage, caches, database
from .config.env import BASE_DIR, env
from .config.logs import logging_config
from .config.security import *  # noqa: F403

DEBUG = env("DEBUG")

_DEV_SECRET = "django-insecure-development-only-never-in-production"
SECRET_KEY = env("SECRET_KEY", default=_DEV_SECRET if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    # Refuse to start: sessions, password-reset and invitation links are signed with it.
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value when DEBUG is off "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )

# Earlier secret keys, still accepted for signatures (and MFA keys derived from them)
# while a rotation settles. Comma separated.
SECRET_KEY_FALLBACKS = env("SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "cases.apps.SecureAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "template_partials",
    "csp",
    "auditlog",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_tasks",
    "django_tasks_db",
    "cases",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files carry the header too.
    "cases.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before common: the language comes from the language cookie (set by
    # the switch and at sign-in from the account's choice), else the browser's
    # Accept-Language. URLs carry no language prefix.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cases.sessions.SessionTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's and auditlog's middleware, doing the same work for less.
    "cases.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "cases.middleware.AuditActorMiddleware",
    "cases.middleware.NoStoreMiddleware",
    "cases.middleware.SecurityLogMiddleware",
]

ROOT_URLCONF = "secondopinion.urls"
WSGI_APPLICATION = "secondopinion.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cases.sessions.session_timeout",
            ],
        },
    }
]

DATABASES = {
    "default": database(
        env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env.int("CONN_MAX_AGE", default=60),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHES = caches(env("CACHE_URL", default=""))
# Rendered parts of case pages, kept per process under the case's version
# (cases/fragments.py): nothing to share, nothing written anywhere.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pages",
    "TIMEOUT": 600,
    "OPTIONS": {"MAX_ENTRIES": 2_000},
}

# The app's own rate limits (cases/ratelimit.py): (how many, per how many seconds).
RATE_LIMITS = {
    "invitation_user": (10, 60 * 60),  # invitations and resends sent by one person
    "invitation_case": (10, 60 * 60),  # ... and for one case, whoever sends them
    "download_user": (30, 10 * 60),  # packet and decision summary PDFs per person
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Every email (invitations, allauth's password resets and verifications, reminders) is
# written to an outbox table inside the request and sent by the task worker, so a slow
# or failing mail server never slows or fails a person's request. The worker hands it
# to the backend EMAIL_URL names, and retries failures with backoff.
EMAIL_DELIVERY_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_BACKEND = "cases.background.mail.QueuedEmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Second Opinion <no-reply@localhost>")
# Where the site is served, for links in emails sent by the worker (no request there).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Background tasks (django-tasks, the backport of Django 6's django.tasks). Embedded by
# default: tasks are rows in this database and `manage.py worker` runs them. With
# TASK_BACKEND=rq they go to Redis (django-tasks-rq) for workers on several machines.
if env("TASK_BACKEND") == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": env("RQ_URL", default="redis://127.0.0.1:6379/0")}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif env("TASK_BACKEND") == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    raise ImproperlyConfigured("TASK_BACKEND must be 'database' or 'rq'.")
# The local hour from which the worker runs the day's reminders (TIME_ZONE).
REMINDERS_HOUR = env("REMINDERS_HOUR")

LANGUAGE_CODE = "en-us"
# English and Spanish (issue 15). The catalogue is locale/es/LC_MESSAGES/django.po; the
# build compiles it (make install). Django's and allauth's own strings come from their
# catalogues.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers in the active language's formats, with US conventions for Spanish
# (secondopinion/formats/es): the people this serves live in the United States, where
# Spanish speakers write $1,234.56 and 12/31/2026 like everyone around them.
FORMAT_MODULE_PATH = ["secondopinion.formats"]
# The switch's cookie: a year, same-site, readable only by the server.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Documents attached to records: a private folder, or an S3 bucket (config/backends.py).
# See .env.example.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private_media")
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
    "attachments": attachments_storage(env, PRIVATE_MEDIA_ROOT),
}
MB = 1024 * 1024
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_MB", default=25) * MB
CASE_ATTACHMENTS_MAX_BYTES = env.int("CASE_ATTACHMENTS_MAX_MB", default=500) * MB
# The packet with records joins at most this many attached pages.
BUNDLE_MAX_PAGES = env.int("BUNDLE_MAX_PAGES", default=2000)
# Per-case list limits (cases/limits.py: records, medications, questions...): a dict
# that changes some of them, e.g. {"records": 60}. Raising one makes the largest case
# slower to print: run bench/bounds.py with --limit first.
CASE_LIMITS: dict[str, int] = {}

# Every deployment is served over HTTPS only: redirects, HSTS, Secure cookies.
if not DEBUG:
    from .config.https import *  # noqa: F403

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = True

# People own their data (docs/DATA.md). The activity trail holds the values people
# typed, health data included: entries older than this many days are removed by
# `manage.py purge_activity` (0 keeps them for ever).
ACTIVITY_RETENTION_DAYS = env.int("ACTIVITY_RETENTION_DAYS", default=730)
if ACTIVITY_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("ACTIVITY_RETENTION_DAYS must be 0 (keep for ever) or more.")
# The largest ZIP "Import a case" accepts, in megabytes.
CASE_IMPORT_MAX_MB = env.int("CASE_IMPORT_MAX_MB", default=50)
# An account export renders PDFs for this many seconds, then adds the remaining cases
# as case.json only, so the download always finishes.
ACCOUNT_EXPORT_PDF_SECONDS = env.int("ACCOUNT_EXPORT_PDF_SECONDS", default=20)
# Packets and decision summaries are made by the task worker (cases/services/documents.py):
# each PDF in a child process killed after PDF_RENDER_TIMEOUT seconds; the PDF is cached
# for PDF_CACHE_SECONDS under a hash of what it shows (so any change makes a new one),
# and a failure for PDF_FAILED_SECONDS, so repeated clicks do not start it again at once.
# The cache holds health data like the database does: keep its expiry short.
PDF_RENDER_TIMEOUT = env.int("PDF_RENDER_TIMEOUT", default=20)
PDF_CACHE_SECONDS = env.int("PDF_CACHE_SECONDS", default=60 * 60)
PDF_FAILED_SECONDS = env.int("PDF_FAILED_SECONDS", default=5 * 60)

# The security log: sign-ins, failures, refused case requests, invitations, rate limits,
# one JSON object a line (cases/security.py). Never health data: ids, events and paths.
SECURITY_LOG_FILE = env("SECURITY_LOG_FILE")
LOGGING = logging_config(SECURITY_LOG_FILE, debug=DEBUG)

FORM_RENDERER = "cases.forms.renderer.FormRenderer"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
