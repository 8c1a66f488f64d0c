"""System checks for settings that would quietly weaken a protection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.checks import Error, Tags, Warning


@checks.register(Tags.security)
def mfa_keys_are_valid(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[Error]:
    from cryptography.fernet import Fernet

    from cases.mfa import configured_keys

    for key in configured_keys():
        try:
            Fernet(key.encode())
        except ValueError:
            return [
                Error(
                    "MFA_ENCRYPTION_KEYS holds a value that is not a Fernet key.",
                    hint="Make one with: python -c 'from cryptography.fernet import Fernet; "
                    "print(Fernet.generate_key().decode())'",
                    id="accounts.E001",
                )
            ]
    return []


@checks.register(Tags.security, deploy=True)
def accounts_deploy(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[Warning]:
    from cases.mfa import configured_keys

    found = []
    if not configured_keys():
        found.append(
            Warning(
                "MFA_ENCRYPTION_KEYS is not set: two-factor secrets are encrypted with a key "
                "derived from SECRET_KEY, so anyone with both the database and the secret key "
                "can read them.",
                hint="Set MFA_ENCRYPTION_KEYS to a Fernet key of its own, then run "
                "`manage.py reencrypt_mfa_secrets`.",
                id="accounts.W001",
            )
        )
    if settings.ACCOUNT_EMAIL_VERIFICATION != "mandatory":
        found.append(
            Warning(
                "ACCOUNT_EMAIL_VERIFICATION is not 'mandatory': sign-up can tell a visitor "
                "that an address already has an account, and anyone can sign up with an "
                "address that is not theirs.",
                id="accounts.W002",
            )
        )
    return found


def shared_cache(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Rate limits and the one-time use of two-factor codes are kept in the default cache.

    A per-process cache counts separately in every worker (so each one allows its own
    share of wrong passwords) and lets a code be used once per worker.
    """
    if settings.DEBUG:
        return []
    cache = caches["default"]
    if not isinstance(cache, LocMemCache | DummyCache):
        return []
    return [
        checks.Error(
            f"The default cache ({type(cache).__name__}) is not shared between processes, "
            "so sign-in rate limits and two-factor code replay protection would not hold.",
            hint="Leave CACHE_URL unset to use the database cache, or set it to redis://...",
            id="secondopinion.E001",
        )
    ]


def register() -> None:
    checks.register(shared_cache, checks.Tags.caches)
