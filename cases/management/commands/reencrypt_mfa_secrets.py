"""Re-encrypt every two-factor secret with the first of MFA_ENCRYPTION_KEYS.

Run after putting a new key first in MFA_ENCRYPTION_KEYS (old keys still listed after
it); once it has finished, the old keys can be removed. Safe to run at any time and
more than once: secrets still in plain text are encrypted too.
"""

from typing import Any

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandError

from cases import mfa


class Command(BaseCommand):
    help = "Re-encrypt the stored two-factor secrets with the first of MFA_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = mfa.reencrypt(Authenticator)
        except mfa.MFAKeyError as exc:
            raise CommandError(str(exc)) from exc
        source = "MFA_ENCRYPTION_KEYS" if mfa.configured_keys() else "the key from SECRET_KEY"
        self.stdout.write(f"Re-encrypted {count} two-factor secret(s) with the first of {source}.")
