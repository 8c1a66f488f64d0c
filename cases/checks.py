"""System checks for account settings that would quietly weaken sign-in."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security)
def mfa_keys_are_valid(app_configs, **kwargs) -> list[Error]:
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


@register(Tags.security, deploy=True)
def accounts_deploy(app_configs, **kwargs) -> list[Warning]:
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
