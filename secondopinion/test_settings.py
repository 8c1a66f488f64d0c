"""Settings for the test suite: production settings with test-only secrets and speed-ups."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 48)
os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
os.environ.setdefault("DEBUG", "False")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Mail goes through the outbox as in production (tests/conftest.py puts the queue back
# in front of Django's test outbox); tasks run at once in the test process. Tests that
# start a real worker (tests/test_worker.py) use WORKER_TASKS: the database queue, or
# RQ with TASK_BACKEND=rq, as settings configure it.
EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# mypy counts no name bound by the * import as defined once this module rebinds it.
WORKER_TASKS = TASKS  # type: ignore[used-before-def]  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: a worker process started by a test sees the same data, and the
    # live server gives each request thread its own connection, as gunicorn's workers
    # have, so tests of concurrent saves meet SQLite's real locking (WAL, IMMEDIATE).
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"secondopinion-test-{os.getpid()}.sqlite3")
    }
ACCOUNT_RATE_LIMITS = False
