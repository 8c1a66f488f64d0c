"""Accounts: sign-up reveals nobody, addresses are confirmed, staff need two-factor sign-in
for the admin, and two-factor secrets are encrypted at rest with keys that rotate."""

from __future__ import annotations

import importlib
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from cryptography.fernet import Fernet
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from cases import mfa
from tests.factories import PASSWORD, make_staff, make_user, sign_in, totp_now, turn_on_totp

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-unusual-passphrase"


def sign_up(client: Client, email: str):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


class TestSignUpRevealsNobody:
    def test_an_address_in_use_gets_the_same_answer_as_a_new_one(self, owner):
        new = sign_up(Client(), "newcomer@example.org")
        taken = sign_up(Client(), "alice@example.org")
        assert taken.status_code == new.status_code == 302
        assert taken["Location"] == new["Location"] == reverse("account_email_verification_sent")
        page = Client().get(taken["Location"]).content.decode()
        assert "If you already have an account with this address" in page

    def test_the_form_never_says_an_address_is_taken(self, owner):
        # Not even when another field has a problem and the form comes back.
        response = Client().post(
            reverse("account_signup"),
            {"email": "ALICE@example.org", "password1": NEW_PASSWORD, "password2": "other"},
        )
        html = response.content.decode()
        assert response.status_code == 200 and 'id="id_password2_error"' in html
        assert 'id="id_email_error"' not in html
        assert "already registered" not in html and "already in use" not in html

    def test_the_owner_of_the_address_is_told_by_email_and_nothing_changes(self, owner):
        sign_up(Client(), "Alice@Example.org")
        assert get_user_model().objects.filter(email__iexact="alice@example.org").count() == 1
        (message,) = mail.outbox
        assert message.to == ["alice@example.org"]
        assert message.subject == "Second Opinion: Someone tried to sign up with your email address"
        assert "you already have an account" in message.body
        assert "/accounts/password/reset/" in message.body
        owner.refresh_from_db()
        assert owner.check_password(PASSWORD)

    def test_an_unconfirmed_account_cannot_sign_in(self, db):
        sign_up(Client(), "newcomer@example.org")
        client = Client()
        response = sign_in(client, "newcomer@example.org", NEW_PASSWORD)
        assert response["Location"] == reverse("account_email_verification_sent")
        assert client.get(reverse("dashboard")).status_code == 302
        assert not EmailAddress.objects.get(email="newcomer@example.org").verified


def test_an_administrator_made_on_the_command_line_confirms_the_address_first(db):
    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    client = Client()
    response = sign_in(client, "root@example.org")
    assert response["Location"] == reverse("account_email_verification_sent")
    assert mail.outbox[0].to == ["root@example.org"]
    assert client.get("/admin/").status_code == 302


class TestInvitationSignUp:
    def test_the_invitation_link_confirms_the_address_so_no_email_is_needed(
        self, owner_client, case
    ):
        owner_client.post(
            reverse("case_invite", args=[case.pk]),
            {"email": "cousin@example.org", "role": "viewer"},
        )
        (invitation,) = mail.outbox
        landing = re.search(r"https?://[^/\s]+(/invitations/\S+/)", invitation.body).group(1)
        visitor = Client()
        visitor.get(landing)
        response = visitor.post(
            reverse("account_signup") + f"?next={landing}",
            {"email": "cousin@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
        assert response["Location"] == landing
        assert len(mail.outbox) == 1  # no confirmation email
        assert EmailAddress.objects.get(email="cousin@example.org").verified
        assert "Accept the invitation" in visitor.get(landing).content.decode()

    def test_only_the_invited_address_counts_as_confirmed(self, owner_client, case):
        """Typing another address: the link proves the invited one only (allauth keeps it
        as the main address); the typed one waits for its own confirmation."""
        owner_client.post(
            reverse("case_invite", args=[case.pk]),
            {"email": "cousin@example.org", "role": "viewer"},
        )
        landing = re.search(r"(/invitations/\S+/)", mail.outbox[0].body).group(1)
        visitor = Client()
        visitor.get(landing)
        sign_up(visitor, "someone-else@example.org")
        addresses = {a.email: a.verified for a in EmailAddress.objects.filter(user__isnull=False)}
        assert addresses["cousin@example.org"] is True
        assert addresses["someone-else@example.org"] is False


def test_demo_people_are_confirmed(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    addresses = EmailAddress.objects.filter(email__in=["demo@example.org", "emma@example.org"])
    assert addresses.count() == 2 and all(a.verified for a in addresses)


class TestAdminNeedsTwoFactor:
    def test_staff_without_it_are_sent_to_turn_it_on(self, db):
        staff = make_staff(with_totp=False)
        client = Client()
        sign_in(client, staff.email)
        response = client.get("/admin/")
        assert response["Location"] == reverse("mfa_index")
        page = client.get(response["Location"]).content.decode()
        assert "Turn on two-factor sign-in before you open the admin" in page
        assert client.get("/admin/cases/case/").status_code == 302

    def test_staff_who_turned_it_on_after_signing_in_give_a_code_first(self, db):
        staff = make_staff(with_totp=False)
        client = Client()
        sign_in(client, staff.email)
        secret = turn_on_totp(staff)
        response = client.get("/admin/cases/case/")
        location = urlsplit(response["Location"])
        assert location.path == reverse("mfa_reauthenticate")
        assert parse_qs(location.query) == {"next": ["/admin/cases/case/"]}
        response = client.post(response["Location"], {"code": totp_now(secret)})
        assert response["Location"] == "/admin/cases/case/"
        assert client.get("/admin/cases/case/").status_code == 200

    def test_staff_who_signed_in_with_a_code_go_straight_in(self, db):
        staff = make_staff()
        client = Client()
        sign_in(client, staff.email, secret=staff.totp_secret)
        assert client.get("/admin/").status_code == 200

    def test_people_who_are_not_staff_are_still_refused(self, owner):
        secret = turn_on_totp(owner)
        client = Client()
        sign_in(client, owner.email, secret=secret)
        assert client.get("/admin/login/").status_code == 403
        assert client.get("/admin/").status_code == 302


def stored_data(pk: int) -> str:
    """The row as the database holds it, read past the ORM."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE id = %s", [pk])
        (data,) = cursor.fetchone()
    return data if isinstance(data, str) else json.dumps(data)


KEY_A, KEY_B, KEY_C = (Fernet.generate_key().decode() for _ in range(3))


class TestSecretsAtRest:
    def test_the_database_holds_no_plain_secret(self, owner):
        secret = turn_on_totp(owner)
        totp = Authenticator.objects.get(user=owner, type="totp")
        codes = Authenticator.objects.get(user=owner, type="recovery_codes")
        seed = RecoveryCodes(codes).instance.data["seed"]
        raw = stored_data(totp.pk)
        assert secret not in raw
        assert totp.data["secret"].startswith("gAAAAA")
        assert mfa.decrypt(totp.data["secret"]) == secret
        assert seed.startswith("gAAAAA") and not mfa.is_plain(seed)
        assert mfa.decrypt(seed) not in stored_data(codes.pk)
        # And the encrypted secret still signs people in.
        client = Client()
        assert sign_in(client, owner.email, secret=secret)["Location"] == reverse("dashboard")

    def test_rotation_new_key_first_then_reencrypt_then_drop_the_old(self, owner, settings):
        settings.MFA_ENCRYPTION_KEYS = [KEY_A]
        secret = turn_on_totp(owner)
        totp = Authenticator.objects.get(user=owner, type="totp")
        under_a = totp.data["secret"]
        Fernet(KEY_A.encode()).decrypt(under_a.encode())

        settings.MFA_ENCRYPTION_KEYS = [KEY_B, KEY_A]
        assert mfa.decrypt(under_a) == secret  # old secrets still open
        out = []
        call_command("reencrypt_mfa_secrets", stdout=type("W", (), {"write": out.append})())
        assert "Re-encrypted 2 two-factor secret(s)" in "".join(out)
        totp.refresh_from_db()
        assert Fernet(KEY_B.encode()).decrypt(totp.data["secret"].encode()).decode() == secret

        settings.MFA_ENCRYPTION_KEYS = [KEY_B]
        client = Client()
        assert sign_in(client, owner.email, secret=secret)["Location"] == reverse("dashboard")

    def test_reencrypting_without_the_old_key_stops_with_a_clear_message(self, owner, settings):
        settings.MFA_ENCRYPTION_KEYS = [KEY_A]
        turn_on_totp(owner)
        before = Authenticator.objects.get(user=owner, type="totp").data
        settings.MFA_ENCRYPTION_KEYS = [KEY_C]
        with pytest.raises(CommandError, match="add back the key"):
            call_command("reencrypt_mfa_secrets")
        assert Authenticator.objects.get(user=owner, type="totp").data == before

    def test_a_used_recovery_code_stays_used_after_reencryption(self, owner, settings):
        settings.MFA_ENCRYPTION_KEYS = [KEY_A]
        turn_on_totp(owner)
        codes = Authenticator.objects.get(user=owner, type="recovery_codes").wrap()
        first = codes.get_unused_codes()[0]
        assert codes.validate_code(first)
        settings.MFA_ENCRYPTION_KEYS = [KEY_B, KEY_A]
        call_command("reencrypt_mfa_secrets")
        codes = Authenticator.objects.get(user=owner, type="recovery_codes").wrap()
        assert first not in codes.get_unused_codes()
        assert len(codes.get_unused_codes()) == 9

    def test_without_keys_of_its_own_the_key_comes_from_secret_key_and_its_fallbacks(
        self, owner, settings
    ):
        settings.MFA_ENCRYPTION_KEYS = []
        secret = turn_on_totp(owner)
        stored = Authenticator.objects.get(user=owner, type="totp").data["secret"]
        old_secret_key = settings.SECRET_KEY
        settings.SECRET_KEY = "a-new-secret-key-" + "y" * 50
        settings.SECRET_KEY_FALLBACKS = [old_secret_key]
        assert mfa.decrypt(stored) == secret
        call_command("reencrypt_mfa_secrets")
        settings.SECRET_KEY_FALLBACKS = []
        stored = Authenticator.objects.get(user=owner, type="totp").data["secret"]
        assert mfa.decrypt(stored) == secret

    def test_the_migration_encrypts_plain_secrets_and_undoing_it_restores_them(self, owner):
        secret = turn_on_totp(owner)
        totp = Authenticator.objects.get(user=owner, type="totp")
        codes = Authenticator.objects.get(user=owner, type="recovery_codes")
        seed = mfa.decrypt(codes.data["seed"])
        # As allauth stored them before this app encrypted anything.
        Authenticator.objects.filter(pk=totp.pk).update(data={"secret": secret})
        Authenticator.objects.filter(pk=codes.pk).update(data={"seed": seed, "used_mask": 1})
        migration = importlib.import_module("cases.migrations.0003_sessions_accounts")
        migration.encrypt_secrets(apps, None)
        assert secret not in stored_data(totp.pk) and seed not in stored_data(codes.pk)
        totp.refresh_from_db()
        codes.refresh_from_db()
        assert mfa.decrypt(totp.data["secret"]) == secret
        assert mfa.decrypt(codes.data["seed"]) == seed and codes.data["used_mask"] == 1
        migration.decrypt_secrets(apps, None)
        totp.refresh_from_db()
        assert totp.data == {"secret": secret}


def test_the_sign_in_form_has_no_keep_me_signed_in_box(client):
    html = client.get(reverse("account_login")).content.decode()
    assert 'name="remember"' not in html


def test_make_user_is_confirmed(db):
    assert EmailAddress.objects.get(user=make_user("y@example.org")).verified
