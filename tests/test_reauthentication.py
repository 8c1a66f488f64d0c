"""Confirm it is you before deleting a case, handing it over or changing two-factor sign-in."""

from __future__ import annotations

import time
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.test import Client
from django.urls import reverse

from cases.models import Case, Membership, Role
from tests.factories import PASSWORD, reauthenticate, sign_in, totp_now, turn_on_totp

pytestmark = pytest.mark.django_db

REAUTH = reverse("account_reauthenticate")
MFA_REAUTH = reverse("mfa_reauthenticate")


def delete_url(case) -> str:
    return reverse("case_delete", args=[case.pk])


def transfer_url(case, user) -> str:
    member = Membership.objects.get(case=case, user=user)
    return reverse("member_transfer", args=[case.pk, member.pk])


def asked_to_confirm(response, method: str = REAUTH) -> str:
    """The person is sent to confirm it is them; returns where they will come back to."""
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == method, response["Location"]
    return parse_qs(location.query)["next"][0]


def test_the_window_is_five_minutes():
    assert settings.ACCOUNT_REAUTHENTICATION_TIMEOUT == 300


class TestDeletingACase:
    def test_it_asks_for_the_password_first_then_shows_the_question(self, owner_client, case):
        back_to = asked_to_confirm(owner_client.get(delete_url(case)))
        assert back_to == delete_url(case)
        page = owner_client.get(f"{REAUTH}?next={back_to}").content.decode()
        assert "<h1>Confirm it is you</h1>" in page
        assert "before deleting a case" in page
        response = owner_client.post(REAUTH, {"password": PASSWORD, "next": back_to})
        assert response["Location"] == delete_url(case)
        page = owner_client.get(delete_url(case)).content.decode()
        assert "Are you sure you want to delete this case?" in page
        assert owner_client.post(delete_url(case))["Location"] == reverse("dashboard")
        assert not Case.objects.filter(pk=case.pk).exists()

    def test_a_post_without_a_recent_password_is_carried_out_once_it_is_given(
        self, owner_client, case
    ):
        back_to = asked_to_confirm(owner_client.post(delete_url(case)))
        assert Case.objects.filter(pk=case.pk).exists()
        response = owner_client.post(f"{REAUTH}?next={back_to}", {"password": PASSWORD})
        assert response["Location"] == reverse("dashboard")
        assert not Case.objects.filter(pk=case.pk).exists()
        assert "has been deleted" in owner_client.get(reverse("dashboard")).content.decode()

    def test_a_wrong_password_deletes_nothing(self, owner_client, case):
        back_to = asked_to_confirm(owner_client.post(delete_url(case)))
        response = owner_client.post(f"{REAUTH}?next={back_to}", {"password": "not-mine"})
        assert response.status_code == 200
        assert 'href="#id_password"' in response.content.decode()
        assert Case.objects.filter(pk=case.pk).exists()

    def test_the_password_counts_for_five_minutes_only(self, owner_client, case):
        reauthenticate(owner_client)
        assert owner_client.get(delete_url(case)).status_code == 200
        later = time.time() + 301
        with mock.patch("allauth.account.internal.flows.reauthentication.time.time") as clock:
            clock.return_value = later
            asked_to_confirm(owner_client.post(delete_url(case)))
        assert Case.objects.filter(pk=case.pk).exists()

    def test_signing_in_is_not_confirming(self, owner, case):
        """A session someone else found open still has to give the password."""
        client = Client()
        sign_in(client, owner.email)
        asked_to_confirm(client.post(delete_url(case)))
        assert Case.objects.filter(pk=case.pk).exists()


class TestHandingOverACase:
    def test_it_asks_for_the_password_then_comes_back_to_the_question(
        self, owner_client, case, caregiver
    ):
        back_to = asked_to_confirm(owner_client.get(transfer_url(case, caregiver)))
        response = owner_client.post(REAUTH, {"password": PASSWORD, "next": back_to})
        assert response["Location"] == transfer_url(case, caregiver)
        page = owner_client.get(response["Location"]).content.decode()
        assert "the owner of this case?" in page
        owner_client.post(transfer_url(case, caregiver))
        assert Membership.objects.get(case=case, user=caregiver).role == Role.OWNER

    def test_a_post_without_a_recent_password_is_carried_out_once_it_is_given(
        self, owner, owner_client, case, caregiver
    ):
        back_to = asked_to_confirm(owner_client.post(transfer_url(case, caregiver)))
        assert Membership.objects.get(case=case, user=owner).role == Role.OWNER
        response = owner_client.post(f"{REAUTH}?next={back_to}", {"password": PASSWORD})
        assert response["Location"] == reverse("case_members", args=[case.pk])
        assert Membership.objects.get(case=case, user=caregiver).role == Role.OWNER
        assert Membership.objects.get(case=case, user=owner).role == Role.EDITOR


class TestWithTwoFactorSignIn:
    def test_a_code_not_the_password_confirms_it_is_you(self, owner, case):
        secret = turn_on_totp(owner)
        client = Client()
        sign_in(client, owner.email, secret=secret)
        back_to = asked_to_confirm(client.get(delete_url(case)), method=MFA_REAUTH)
        # The password page is not offered: it sends the person on to the code.
        response = client.post(f"{REAUTH}?next={back_to}", {"password": PASSWORD})
        assert urlsplit(response["Location"]).path == MFA_REAUTH
        assert Case.objects.filter(pk=case.pk).exists()
        page = client.get(f"{MFA_REAUTH}?next={back_to}").content.decode()
        assert "Code from your authenticator app" in page
        # The code from the sign-in a moment ago may not be used again: the next one.
        with mock.patch("time.time", return_value=time.time() + 30):
            code = totp_now(secret)
            response = client.post(f"{MFA_REAUTH}?next={back_to}", {"code": code})
        assert response["Location"] == delete_url(case)
        client.post(delete_url(case))
        assert not Case.objects.filter(pk=case.pk).exists()

    def test_a_recovery_code_also_confirms_it_is_you(self, owner, case):
        secret = turn_on_totp(owner)
        client = Client()
        sign_in(client, owner.email, secret=secret)
        codes = Authenticator.objects.get(user=owner, type="recovery_codes").wrap()
        back_to = asked_to_confirm(client.post(delete_url(case)), method=MFA_REAUTH)
        response = client.post(
            f"{MFA_REAUTH}?next={back_to}", {"code": codes.get_unused_codes()[0]}
        )
        assert response["Location"] == reverse("dashboard")
        assert not Case.objects.filter(pk=case.pk).exists()


@pytest.mark.parametrize(
    "name",
    [
        "mfa_activate_totp",
        "mfa_deactivate_totp",
        "mfa_generate_recovery_codes",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
    ],
)
def test_changing_or_reading_two_factor_sign_in_asks_again(owner, name):
    if name != "mfa_activate_totp":
        secret = turn_on_totp(owner)
        client = Client()
        sign_in(client, owner.email, secret=secret)
        method = MFA_REAUTH
    else:
        client = Client()
        sign_in(client, owner.email)
        method = REAUTH
    response = client.get(reverse(name))
    assert asked_to_confirm(response, method=method) == reverse(name)
