"""Settings for Second Opinion, read from the environment (see .env.example)."""

from pathlib import Path
from typing import Any

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    SECURE_SSL_REDIRECT=(bool, True),
    SECURE_HSTS_SECONDS=(int, 31536000),
    ACCOUNT_EMAIL_VERIFICATION=(str, "mandatory"),
    SECRET_KEY_FALLBACKS=(list, []),
    SESSION_IDLE_TIMEOUT=(int, 30 * 60),
    SESSION_ABSOLUTE_TIMEOUT=(int, 12 * 60 * 60),
    MFA_ENCRYPTION_KEYS=(list, []),
    TRUSTED_PROXY_COUNT=(int, 0),
    SECURITY_LOG_FILE=(str, ""),
    TASK_BACKEND=(str, "database"),
    REMINDERS_HOUR=(int, 7),
)
environ.Env.read_env(BASE_DIR / ".env")

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

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one person saves; IMMEDIATE transactions take the
    # write lock up front, so a patient and a caregiver saving at once queue behind the
    # busy timeout instead of failing with "database is locked".
    # These run once, when a connection opens: connections are kept (below), so a
    # request pays for neither the open nor the PRAGMAs.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
# Each worker (thread) keeps its connection between requests, SQLite's as PostgreSQL's:
# opening one, with its PRAGMAs or its TLS and sign-in, cost as much as a simple page.
# Health checks drop a connection the server closed before a request uses it.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _caches(url: str) -> dict:
    """The shared cache: a table in the app's database unless ``CACHE_URL`` names Redis.

    Rate limits and the one-time use of two-factor codes are kept here, so it must be
    shared by every worker; a system check refuses a per-process cache with DEBUG off.
    """
    if not url:
        return {
            "default": {
                "BACKEND": "secondopinion.cache.DatabaseCache",
                "LOCATION": "secondopinion_cache",
                # Culling drops entries at random once full: keep it far from the number
                # of live rate-limit counters, so flooding cannot wipe someone's count.
                "OPTIONS": {"MAX_ENTRIES": 100_000},
            }
        }
    if url.split(":", 1)[0] in ("redis", "rediss"):
        # Django's own Redis backend (redis-py), not django-redis as django-environ assumes.
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": "secondopinion",
            }
        }
    return {"default": environ.Env.cache_url_config(url)}


CACHES = _caches(env("CACHE_URL", default=""))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Django's and allauth's backends, loading the signed-in person with one plain query on
# every request (cases/auth.py).
AUTHENTICATION_BACKENDS = [
    "cases.auth.ModelBackend",
    "cases.auth.AuthenticationBackend",
]

# django-allauth: email is the login, confirmed before the first sign-in; two-factor
# sign-in is optional per account, but required of staff before the admin opens.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION")
# Sign-up never says an address already has an account: with mandatory verification,
# allauth shows the same "check your email" page and writes to the account's owner.
ACCOUNT_PREVENT_ENUMERATION = True
# Following the link in the browser that signed up signs in (allauth checks it is the
# same sign-up); opened anywhere else, it confirms the address and asks to sign in.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# No "keep me signed in": the session cookie ends with the browser (see sessions below).
ACCOUNT_SESSION_REMEMBER = False
# Deleting a case, handing it over and changing two-factor sign-in ask for the password
# (or, with two-factor sign-in, a code) unless it was given in the last 5 minutes.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 5 * 60
ACCOUNT_ADAPTER = "cases.adapters.AccountAdapter"
MFA_ADAPTER = "cases.mfa.MFAAdapter"
# TOTP secrets are encrypted at rest (cases/mfa.py): Fernet keys, comma separated, the
# first encrypts and all decrypt. Unset: derived from SECRET_KEY (check --deploy warns).
MFA_ENCRYPTION_KEYS = env("MFA_ENCRYPTION_KEYS")
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Rate limits, counted in the shared cache so they hold across workers and machines.
# A wrong password or two-factor code counts against the address typed (5 in 5 minutes,
# the same key for the code step) and against the network it came from (10 a minute).
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/h/ip",
    # Each reset sends an email: a few per address an hour, and per network.
    "reset_password": "20/h/ip,5/h/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# Behind a proxy every request comes from the proxy's address: name how many proxies
# append to X-Forwarded-For, so per-network limits count the real client.
ALLAUTH_TRUSTED_PROXY_COUNT = env("TRUSTED_PROXY_COUNT")
# The app's own limits (cases/ratelimit.py): (how many, per how many seconds).
RATE_LIMITS = {
    "invitation_user": (10, 60 * 60),  # invitations and resends sent by one person
    "invitation_case": (10, 60 * 60),  # ... and for one case, whoever sends them
    "download_user": (30, 10 * 60),  # packet and decision summary PDFs per person
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Second Opinion"
# allauth's forms in plain words, errors at the field (cases/forms/accounts.py).
ACCOUNT_FORMS = {
    "login": "cases.forms.accounts.LoginForm",
    "signup": "cases.forms.accounts.SignupForm",
    "reset_password": "cases.forms.accounts.ResetPasswordForm",
    "reset_password_from_key": "cases.forms.accounts.ResetPasswordKeyForm",
    "change_password": "cases.forms.accounts.ChangePasswordForm",
    "add_email": "cases.forms.accounts.AddEmailForm",
    "reauthenticate": "cases.forms.accounts.ReauthenticateForm",
}
MFA_FORMS = {
    "authenticate": "cases.forms.accounts.AuthenticateForm",
    "reauthenticate": "cases.forms.accounts.MFAReauthenticateForm",
    "activate_totp": "cases.forms.accounts.ActivateTOTPForm",
}
# allauth's email subjects start "Second Opinion: ", in the reader's language
# (cases/adapters.py, in place of ACCOUNT_EMAIL_SUBJECT_PREFIX).
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

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
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Documents attached to records (cases/models/files.py). By default a private folder
# outside static/: nothing serves it but the download view, which checks access. With
# ATTACHMENTS_S3_BUCKET set, S3-compatible object storage (django-storages), so more
# than one machine sees the same files. See .env.example.
MB = 1024 * 1024
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_MB", default=25) * MB
CASE_ATTACHMENTS_MAX_BYTES = env.int("CASE_ATTACHMENTS_MAX_MB", default=500) * MB
# The packet with records joins at most this many attached pages.
BUNDLE_MAX_PAGES = env.int("BUNDLE_MAX_PAGES", default=2000)
# Per-case list limits (cases/limits.py: records, medications, questions...): a dict
# that changes some of them, e.g. {"records": 60}. Raising one makes the largest case
# slower to print: run bench/bounds.py with --limit first.
CASE_LIMITS: dict[str, int] = {}
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private_media")
if env("ATTACHMENTS_S3_BUCKET", default=""):
    STORAGES["attachments"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("ATTACHMENTS_S3_BUCKET"),
            "endpoint_url": env("ATTACHMENTS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env("ATTACHMENTS_S3_REGION", default="") or None,
            "access_key": env("ATTACHMENTS_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("ATTACHMENTS_S3_SECRET_ACCESS_KEY", default="") or None,
            # Private objects, never overwritten; the app streams them after its checks.
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    STORAGES["attachments"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    }

# Security headers. Case pages also send Cache-Control: no-store (cases.middleware).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions end after SESSION_IDLE_TIMEOUT seconds without a request (HIPAA automatic
# logoff) and SESSION_ABSOLUTE_TIMEOUT seconds after signing in (cases/sessions.py). The
# store forgets a session shortly after the idle limit; the cookie ends with the browser.
SESSION_IDLE_TIMEOUT = env("SESSION_IDLE_TIMEOUT")
SESSION_ABSOLUTE_TIMEOUT = env("SESSION_ABSOLUTE_TIMEOUT")
if SESSION_IDLE_TIMEOUT < 60 or SESSION_ABSOLUTE_TIMEOUT < SESSION_IDLE_TIMEOUT:
    raise ImproperlyConfigured(
        "SESSION_IDLE_TIMEOUT must be at least 60 seconds, and SESSION_ABSOLUTE_TIMEOUT "
        "at least as long as SESSION_IDLE_TIMEOUT."
    )
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT + 120
# Django's database sessions, read with one plain query (cases/sessions.py).
SESSION_ENGINE = "cases.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # The __Host- prefix makes browsers refuse these cookies unless they are Secure,
    # for Path=/ and without a Domain: a sibling subdomain cannot plant or overwrite them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

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
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

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
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "secondopinion.jsonlog.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "security": (
            {"class": "logging.handlers.WatchedFileHandler", "filename": SECURITY_LOG_FILE}
            if SECURITY_LOG_FILE
            else {"class": "logging.StreamHandler"}
        )
        | {"formatter": "json"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # Request lines carry only opaque ids, never health data, but keep them out of
        # production logs anyway: the web server logs access already.
        "django.server": {"handlers": ["console"], "level": "INFO" if DEBUG else "WARNING"},
        "secondopinion.security": {
            "handlers": ["security"],
            "level": "INFO",
            "propagate": False,
        },
    },
}

FORM_RENDERER = "cases.forms.renderer.FormRenderer"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
