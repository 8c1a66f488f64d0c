"""Sharing a case by email invitation: the signed, single-use, expiring link."""

from __future__ import annotations

import re
import time
from types import SimpleNamespace
from unittest import mock
from urllib.parse import urlencode

import pytest
from allauth.account.models import EmailAddress
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from cases.models import Invitation, Membership, Role
from cases.services import sharing
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/invitations/(\S+)/")


def invite(client: Client, case, email="cousin@example.org", role=Role.VIEWER):
    url = reverse("case_invite", kwargs={"case_id": case.pk})
    return client.post(url, {"email": email, "role": role})


def link_path(message) -> str:
    token = LINK.search(message.body).group(1)
    return reverse("invitation_landing", kwargs={"token": token})


def accept_path(landing: str) -> str:
    return landing + "accept/"


@pytest.fixture
def cousin(db):
    return make_user("cousin@example.org")


@pytest.fixture
def cousin_client(cousin) -> Client:
    c = Client()
    c.force_login(cousin)
    return c


def test_owner_invites_by_email_and_the_mail_holds_no_health_data(owner, owner_client, case):
    owner.first_name, owner.last_name = "Alice", "Lopez"
    owner.save()
    response = invite(owner_client, case)
    assert response.status_code == 302
    invitation = Invitation.objects.get(case=case)
    assert invitation.sent_at is not None
    (message,) = mail.outbox
    assert message.to == ["cousin@example.org"]
    assert message.subject == "Alice Lopez invited you to help with a case on Second Opinion"
    text = message.subject + message.body
    assert case.patient_name not in text and case.condition not in text
    assert not message.alternatives  # plain text only
    # The token holds the id and nonce, signed: nothing about the patient.
    token = LINK.search(message.body).group(1)
    assert signing.loads(token, salt=sharing.INVITATION_SALT) == {
        "i": invitation.pk,
        "n": invitation.nonce,
    }


def test_inviting_someone_already_on_the_case_or_a_bad_address_is_refused(owner_client, case):
    response = invite(owner_client, case, email="vera@example.org")
    assert response.status_code == 200
    assert "This person already has access to the case" in response.content.decode()
    assert "There is a problem" in response.content.decode()
    response = invite(owner_client, case, email="not an email")
    assert "Enter an email address in the right format" in response.content.decode()
    assert not mail.outbox


def test_anonymous_landing_shows_only_the_inviter(owner, owner_client, case):
    invite(owner_client, case)
    landing = link_path(mail.outbox[0])
    response = Client().get(landing)
    page = response.content.decode()
    assert response.status_code == 200
    assert "invited you to help with a case on Second Opinion" in page
    assert case.patient_name not in page and case.condition not in page
    assert "Create an account" in page and "Sign in" in page
    assert "?" + urlencode({"next": landing}) in page


def test_existing_user_accepts_after_signing_in(owner, owner_client, case, cousin, cousin_client):
    invite(owner_client, case, role=Role.EDITOR)
    landing = link_path(mail.outbox[0])
    assert "Accept the invitation" in cousin_client.get(landing).content.decode()
    response = cousin_client.post(accept_path(landing))
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    membership = Membership.objects.get(case=case, user=cousin)
    assert membership.role == Role.EDITOR and membership.invited_by == owner
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == cousin and invitation.accepted_at


def test_new_user_signs_up_through_the_link_with_the_address_prefilled(owner_client, case):
    invite(owner_client, case)
    landing = link_path(mail.outbox[0])
    visitor = Client()
    visitor.get(landing)
    signup = visitor.get(reverse("account_signup") + f"?next={landing}")
    assert 'value="cousin@example.org"' in signup.content.decode()
    response = visitor.post(
        reverse("account_signup") + f"?next={landing}",
        {"email": "cousin@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == landing
    # The link reached that mailbox, so allauth counts the address as verified.
    assert EmailAddress.objects.get(email="cousin@example.org").verified
    visitor.post(accept_path(landing))
    assert Membership.objects.filter(case=case, user__email="cousin@example.org").exists()


def test_a_different_account_is_refused_and_nothing_is_granted(
    owner_client, case, stranger, stranger_client
):
    invite(owner_client, case)
    landing = link_path(mail.outbox[0])
    page = stranger_client.get(landing).content.decode()
    assert "sent to a different email address" in page
    assert "Accept the invitation" not in page
    response = stranger_client.post(accept_path(landing))
    assert response.status_code == 403
    assert "Nothing has been shared with this account" in response.content.decode()
    assert not Membership.objects.filter(case=case, user=stranger).exists()
    assert Invitation.objects.get().is_pending


def test_a_link_works_once(owner_client, case, cousin, cousin_client):
    invite(owner_client, case)
    landing = link_path(mail.outbox[0])
    cousin_client.post(accept_path(landing))
    second = make_user("cousin2@example.org")
    EmailAddress.objects.create(user=second, email="COUSIN@example.org", verified=False)
    other = Client()
    other.force_login(second)
    response = other.post(accept_path(landing))
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert not Membership.objects.filter(user=second).exists()
    # The person who accepted comes back through the old link: straight to the case.
    assert cousin_client.get(landing)["Location"] == case.get_absolute_url()


def test_a_link_expires_after_seven_days(owner_client, case, cousin_client):
    invite(owner_client, case)
    landing = link_path(mail.outbox[0])

    # Only the signature's clock moves on: a week away would also end the session.
    def days_later(days: float):
        clock = SimpleNamespace(time=lambda: time.time() + days * 86400)
        return mock.patch.object(signing, "time", clock)

    with days_later(6.9):
        assert cousin_client.get(landing).status_code == 200
    with days_later(7.1):
        response = cousin_client.get(landing)
        assert response.status_code == 410
        assert "This invitation has expired" in response.content.decode()
        assert cousin_client.post(accept_path(landing)).status_code == 410
    assert Membership.objects.filter(case=case).count() == 3


def test_a_tampered_link_does_not_work(owner_client, case, cousin_client):
    invite(owner_client, case)
    token = LINK.search(mail.outbox[0].body).group(1)
    other = Invitation.objects.create(case=case, email="cousin@example.org")
    forged = signing.dumps({"i": other.pk, "n": other.nonce}, salt="another-salt")
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged, "nonsense"):
        url = reverse("invitation_landing", kwargs={"token": bad})
        response = cousin_client.get(url)
        assert response.status_code == 404, bad
        assert "This invitation link does not work" in response.content.decode()
        assert cousin_client.post(url + "accept/").status_code == 404
    assert not Membership.objects.filter(user__email="cousin@example.org").exists()


def test_a_cancelled_link_does_not_work(owner_client, case, cousin_client):
    invite(owner_client, case)
    landing = link_path(mail.outbox[0])
    invitation = Invitation.objects.get()
    members = owner_client.get(reverse("case_members", kwargs={"case_id": case.pk}))
    # With JavaScript, htmx asks before cancelling (hx-confirm); no script of our own.
    assert 'hx-confirm="Cancel the invitation to cousin@example.org?"' in members.content.decode()
    url = reverse("invitation_cancel", kwargs={"case_id": case.pk, "invitation_id": invitation.pk})
    assert owner_client.post(url).status_code == 302
    response = cousin_client.post(accept_path(landing))
    assert response.status_code == 410
    assert "This invitation was cancelled" in response.content.decode()
    assert not Membership.objects.filter(user__email="cousin@example.org").exists()


def test_resending_kills_the_old_link(owner_client, case, cousin_client):
    invite(owner_client, case)
    old = link_path(mail.outbox[0])
    invitation = Invitation.objects.get()
    url = reverse("invitation_resend", kwargs={"case_id": case.pk, "invitation_id": invitation.pk})
    response = owner_client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "The earlier link no longer works" in response["HX-Trigger"]
    assert 'id="invitations"' in response.content.decode()
    new = link_path(mail.outbox[1])
    assert new != old
    response = cousin_client.get(old)
    assert response.status_code == 410
    assert "has been replaced" in response.content.decode()
    assert cousin_client.post(accept_path(new)).status_code == 302


def test_pending_invitations_are_listed_for_the_owner_only(
    owner_client, viewer_client, caregiver_client, case
):
    invite(owner_client, case)
    members = reverse("case_members", kwargs={"case_id": case.pk})
    assert "cousin@example.org" in owner_client.get(members).content.decode()
    assert "cousin@example.org" not in viewer_client.get(members).content.decode()
    assert invite(caregiver_client, case, email="x@example.org").status_code == 403


def test_the_invite_pages_csrf_token_lets_the_invitation_through(owner, csrf_client, case):
    client = csrf_client(owner)
    page = client.get(reverse("case_invite", kwargs={"case_id": case.pk})).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        reverse("case_invite", kwargs={"case_id": case.pk}),
        {"email": "cousin@example.org", "role": Role.VIEWER, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
