"""The environment every setting is read from: variables, else the project's .env file."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

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
