"""Production settings: `check --deploy` is clean, no secret stops the app, SQLite is tuned."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
# Settings read from the environment only: drop what the test run or a developer set.
_OURS = {
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "CACHE_URL",
    "EMAIL_URL",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECRET_KEY_FALLBACKS",
    "SESSION_IDLE_TIMEOUT",
    "SESSION_ABSOLUTE_TIMEOUT",
    "ACCOUNT_EMAIL_VERIFICATION",
    "MFA_ENCRYPTION_KEYS",
    # Set for the browser tests' in-process live server; never in a deployment.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run_manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in _OURS}
    base.update(
        {
            "DJANGO_SETTINGS_MODULE": "secondopinion.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        }
    )
    base.update(env)
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env() -> dict[str, str]:
    return {
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "secondopinion.example.org",
        "MFA_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    env = production_env()
    result = run_manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "?: (security" not in output
    assert "no issues" in output


def test_check_deploy_asks_for_mfa_keys_of_their_own_and_mandatory_verification(tmp_path):
    env = {**production_env(), "ACCOUNT_EMAIL_VERIFICATION": "optional"}
    del env["MFA_ENCRYPTION_KEYS"]
    result = run_manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **env)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "accounts.W001" in output and "MFA_ENCRYPTION_KEYS is not set" in output
    assert "accounts.W002" in output


def test_check_refuses_an_mfa_key_that_is_not_a_fernet_key(tmp_path):
    env = {**production_env(), "MFA_ENCRYPTION_KEYS": "not-a-key"}
    result = run_manage(tmp_path, "check", **env)
    assert result.returncode != 0
    assert "accounts.E001" in result.stdout + result.stderr


def test_app_refuses_to_start_with_session_limits_that_make_no_sense(tmp_path):
    for idle, absolute in (("30", "43200"), ("1800", "600")):
        env = {
            **production_env(),
            "SESSION_IDLE_TIMEOUT": idle,
            "SESSION_ABSOLUTE_TIMEOUT": absolute,
        }
        result = run_manage(tmp_path, "check", **env)
        assert result.returncode != 0
        assert "SESSION_IDLE_TIMEOUT must be at least 60 seconds" in result.stderr


def test_app_refuses_to_start_without_a_real_secret_key(tmp_path):
    for secret in ("", "too-short", "django-insecure-development-only-never-in-production"):
        env = {**production_env(), "SECRET_KEY": secret}
        result = run_manage(tmp_path, "check", **env)
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert "SECRET_KEY must be set" in result.stderr


def test_sqlite_runs_in_wal_mode_with_immediate_transactions_and_a_busy_timeout(tmp_path):
    script = (
        "import json; from django.db import connection\n"
        "c = connection.cursor()\n"
        "mode = c.execute('PRAGMA journal_mode').fetchone()[0]\n"
        "busy = c.execute('PRAGMA busy_timeout').fetchone()[0]\n"
        "opts = connection.settings_dict['OPTIONS']\n"
        "print(json.dumps({'mode': mode, 'busy': busy, 'tx': opts['transaction_mode']}))\n"
    )
    result = run_manage(tmp_path, "shell", "-c", script, **production_env())
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found == {"mode": "wal", "busy": 20000, "tx": "IMMEDIATE"}


def test_a_per_process_cache_stops_the_app_in_production(tmp_path):
    env = {**production_env(), "CACHE_URL": "locmemcache://"}
    result = run_manage(tmp_path, "check", **env)
    assert result.returncode != 0
    assert "secondopinion.E001" in result.stderr
    assert "not shared between processes" in result.stderr


def test_a_plain_migrate_creates_the_shared_cache_table(tmp_path):
    result = run_manage(tmp_path, "migrate", "--noinput", **production_env())
    assert result.returncode == 0, result.stderr
    script = (
        "from django.core.cache import caches; cache = caches['default']\n"
        "cache.add('so:probe', 0, 60); print(type(cache).__name__, cache.incr('so:probe'))\n"
    )
    result = run_manage(tmp_path, "shell", "-c", script, **production_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["DatabaseCache", "1"]
