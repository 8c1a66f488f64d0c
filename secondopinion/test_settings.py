"""Settings for the test suite: production settings with test-only secrets and speed-ups."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 48)
os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
os.environ.setdefault("DEBUG", "False")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ACCOUNT_RATE_LIMITS = False

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than Django's default in-memory test database: the live server then
    # gives each request thread its own connection, as gunicorn's workers have, so tests
    # of concurrent saves meet SQLite's real locking (WAL, IMMEDIATE transactions).
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"secondopinion-test-{os.getpid()}.sqlite3")
    }
