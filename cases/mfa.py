"""Two-factor secrets encrypted at rest, with keys that can be rotated.

allauth stores each authenticator app's TOTP secret and the seed of the recovery codes
in the database; whoever reads a copy of the database could otherwise make valid codes.
Its MFA adapter passes every such value through ``encrypt``/``decrypt``: here they use
Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``) over a list of keys.

``MFA_ENCRYPTION_KEYS`` (comma separated Fernet keys): the first encrypts, every one
decrypts. To rotate, put a new key first and keep the old ones after it, run
``manage.py reencrypt_mfa_secrets``, then drop the old keys. Unset, the keys are
derived from ``SECRET_KEY`` and ``SECRET_KEY_FALLBACKS`` (so rotating the secret key
the Django way, old one in the fallbacks, keeps codes working until re-encryption);
``check --deploy`` asks for a separate key, so that the secret key alone does not
unlock a stolen database.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac

_DERIVATION_SALT = "cases.mfa.encryption-key"
# What allauth stores unencrypted: a TOTP secret is base32, a recovery seed is hex.
# A Fernet token is URL-safe base64 starting "gAAAAA", which matches neither.
_PLAIN = re.compile(r"[A-Z2-7]+=*|[0-9a-f]+")


class MFAKeyError(RuntimeError):
    """A stored secret that none of the configured keys can open."""


def derive_key(secret: str) -> bytes:
    digest = salted_hmac(_DERIVATION_SALT, "", secret=secret, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest)


def configured_keys() -> list[str]:
    return [k.strip() for k in getattr(settings, "MFA_ENCRYPTION_KEYS", []) if k.strip()]


def keys() -> tuple[bytes, ...]:
    configured = configured_keys()
    if configured:
        return tuple(k.encode() for k in configured)
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return tuple(derive_key(s) for s in secrets)


@lru_cache(maxsize=8)
def _fernet(key_list: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k) for k in key_list])


def fernet() -> MultiFernet:
    return _fernet(keys())


def is_plain(value: str) -> bool:
    return bool(_PLAIN.fullmatch(value))


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise MFAKeyError(
            "A two-factor secret cannot be decrypted with MFA_ENCRYPTION_KEYS: was a key "
            "removed before `manage.py reencrypt_mfa_secrets` ran?"
        ) from None


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt(encrypted_text)


# Re-encryption -----------------------------------------------------------------------

# Fields of Authenticator.data that hold secrets, by authenticator type.
SECRET_FIELDS = {"totp": ("secret",), "recovery_codes": ("seed",)}
SECRET_LISTS = {"recovery_codes": ("migrated_codes",)}


def _rotated(value: str, box: MultiFernet) -> str:
    if is_plain(value):
        return box.encrypt(value.encode()).decode()
    try:
        return box.rotate(value.encode()).decode()
    except InvalidToken:
        raise MFAKeyError(
            "A two-factor secret cannot be decrypted with any of MFA_ENCRYPTION_KEYS: "
            "add back the key it was encrypted with."
        ) from None


def _opened(value: str, box: MultiFernet) -> str:
    if is_plain(value):
        return value
    return box.decrypt(value.encode()).decode()


def transform_data(
    kind: str, data: dict[str, Any], convert: Callable[[str], str]
) -> dict[str, Any]:
    """A copy of an authenticator's data with every secret passed through ``convert``."""
    data = dict(data)
    for field in SECRET_FIELDS.get(kind, ()):
        if isinstance(data.get(field), str):
            data[field] = convert(data[field])
    for field in SECRET_LISTS.get(kind, ()):
        if isinstance(data.get(field), list):
            data[field] = [convert(v) for v in data[field]]
    return data


def reencrypt(model: Any, box: MultiFernet | None = None) -> int:
    """Encrypt every secret with the first key (plain ones too); returns how many rows.

    Each row is re-read under a row lock: a recovery code used meanwhile must stay used.
    ``model`` is allauth's Authenticator, or its historical model in a migration.
    """
    box = box or fernet()
    changed = 0
    for pk in _pks(model):
        with transaction.atomic():
            row = model.objects.select_for_update().filter(pk=pk).first()
            if row is None:
                continue
            data = transform_data(row.type, row.data, lambda v: _rotated(v, box))
            if data != row.data:
                model.objects.filter(pk=pk).update(data=data)
                changed += 1
    return changed


def decrypt_all(model: Any, box: MultiFernet | None = None) -> int:
    """Back to plain text: only for undoing the migration that first encrypted them."""
    box = box or fernet()
    changed = 0
    for pk in _pks(model):
        with transaction.atomic():
            row = model.objects.select_for_update().filter(pk=pk).first()
            if row is None:
                continue
            data = transform_data(row.type, row.data, lambda v: _opened(v, box))
            if data != row.data:
                model.objects.filter(pk=pk).update(data=data)
                changed += 1
    return changed


def _pks(model: Any) -> Iterable[int]:
    rows = model.objects.filter(type__in=list(SECRET_FIELDS)).order_by("pk")
    return list(rows.values_list("pk", flat=True))
