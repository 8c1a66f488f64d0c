"""Encrypt the two-factor secrets already stored in plain text (see cases/mfa.py).

allauth kept each authenticator app's TOTP secret and the recovery-code seed as they
are; from now on its MFA adapter encrypts them with MFA_ENCRYPTION_KEYS. This converts
the rows written before, so that every stored secret can be read by the new adapter.
Undoing it (migrating back) writes them in plain text again, for the old code.
"""

from django.db import migrations


def encrypt_secrets(apps, schema_editor):
    from cases import mfa

    mfa.reencrypt(apps.get_model("mfa", "Authenticator"))


def decrypt_secrets(apps, schema_editor):
    from cases import mfa

    mfa.decrypt_all(apps.get_model("mfa", "Authenticator"))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_activity_feed_index"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets, elidable=True)]
