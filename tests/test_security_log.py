"""The security log: each event an operator needs, as JSON lines, and never health data."""

from __future__ import annotations

import json
import logging

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.test import Client
from django.urls import reverse

from cases.models import Case
from secondopinion.jsonlog import JsonFormatter
from tests.factories import PASSWORD, make_case, make_user
from tests.test_accounts import confirm_password, sign_in, totp_now, turn_on_totp

pytestmark = pytest.mark.django_db

LOGGER = "secondopinion.security"
CANARY = "CANARY-glioblastoma-7d1f"


@pytest.fixture
def security_log(caplog):
    """The security events written so far, each as the JSON object its line holds."""
    caplog.set_level(logging.INFO, logger=LOGGER)
    formatter = JsonFormatter()

    def events(name: str | None = None) -> list[dict]:
        found = [json.loads(formatter.format(r)) for r in caplog.records if r.name == LOGGER]
        return [e for e in found if name is None or e["event"] == name]

    return events


def _only(events: list[dict]) -> dict:
    assert len(events) == 1, events
    return events[0]


class TestSignIn:
    def test_a_sign_in_is_logged_with_the_account_network_and_path(
        self, client, owner, security_log
    ):
        sign_in(client)
        entry = _only(security_log("login"))
        assert entry["user"] == owner.pk
        assert entry["path"] == reverse("account_login")
        assert entry["method"] == "POST"
        assert len(entry["ip"]) == 16 and entry["ip"] != "127.0.0.1"
        assert entry["level"] == "INFO" and entry["logger"] == LOGGER and entry["time"]

    def test_a_wrong_password_is_logged_against_the_account_without_the_address(
        self, client, owner, security_log
    ):
        sign_in(client, password="not-the-password")
        entry = _only(security_log("login_failed"))
        assert entry["user"] == owner.pk and entry["level"] == "WARNING"
        assert "alice@example.org" not in json.dumps(entry)
        assert "not-the-password" not in json.dumps(entry)

    def test_a_wrong_address_is_logged_with_no_account(self, client, db, security_log):
        sign_in(client, email="nobody@example.org")
        entry = _only(security_log("login_failed"))
        assert entry["user"] is None
        assert "nobody@example.org" not in json.dumps(entry)

    def test_the_same_network_hashes_the_same_and_another_differently(self, owner, security_log):
        for address in ("203.0.113.5", "203.0.113.5", "198.51.100.7"):
            sign_in(Client(REMOTE_ADDR=address), password="wrong")
        hashes = [e["ip"] for e in security_log("login_failed")]
        assert hashes[0] == hashes[1] != hashes[2]
        assert not any("203.0.113" in h or "198.51" in h for h in hashes)

    def test_signing_out_is_logged(self, client, owner, security_log):
        sign_in(client)
        client.post(reverse("account_logout"))
        assert _only(security_log("logout"))["user"] == owner.pk


class TestAccountChanges:
    def test_a_password_change_is_logged(self, client, owner, security_log):
        sign_in(client)
        client.post(
            reverse("account_change_password"),
            {
                "oldpassword": PASSWORD,
                "password1": "a-new-long-passphrase",
                "password2": "a-new-long-passphrase",
            },
        )
        assert _only(security_log("password_changed"))["user"] == owner.pk

    def test_a_password_reset_is_logged(self, client, owner, security_log):
        client.post(reverse("account_reset_password"), {"email": owner.email})
        link = next(
            line for line in mail.outbox[0].body.splitlines() if "/password/reset/key/" in line
        )
        path = link[link.index("/accounts/") :].strip()
        form_page = client.get(path, follow=True)
        client.post(
            form_page.redirect_chain[-1][0],
            {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"},
        )
        entry = _only(security_log("password_reset"))
        assert entry["user"] == owner.pk

    def test_turning_two_factor_on_and_off_and_new_recovery_codes_are_logged(
        self, client, owner, security_log, django_capture_on_commit_callbacks
    ):
        sign_in(client)
        # allauth sends these signals once the change is committed.
        with django_capture_on_commit_callbacks(execute=True):
            turn_on_totp(client)
        added = security_log("mfa_added")
        assert {e["authenticator"] for e in added} == {"totp", "recovery_codes"}
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("mfa_generate_recovery_codes"))
        assert _only(security_log("mfa_reset"))["authenticator"] == "recovery_codes"
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("mfa_deactivate_totp"))
        removed = security_log("mfa_removed")
        assert {e["authenticator"] for e in removed} == {"totp", "recovery_codes"}
        assert all(e["user"] == owner.pk for e in security_log() if e["event"].startswith("mfa"))

    def test_a_wrong_two_factor_code_is_logged(self, client, owner, security_log):
        sign_in(client)
        secret = turn_on_totp(client)
        client.post(reverse("account_logout"))
        sign_in(client)
        wrong = "000000" if totp_now(secret) != "000000" else "111111"
        client.post(reverse("mfa_authenticate"), {"code": wrong})
        entry = _only(security_log("mfa_failed"))
        assert entry["user"] == owner.pk and entry["authenticator"] == "totp"
        assert entry["reauthentication"] is False
        assert wrong not in json.dumps(entry)


class TestRefusedCaseRequests:
    def test_a_stranger_asking_for_a_case_is_logged_as_404(
        self, stranger_client, stranger, case, security_log
    ):
        assert stranger_client.get(reverse("case_detail", args=[case.pk])).status_code == 404
        entry = _only(security_log("case_refused"))
        assert entry == entry | {
            "status": 404,
            "reason": "not_a_member",
            "case": str(case.pk),
            "user": stranger.pk,
            "path": reverse("case_detail", args=[case.pk]),
        }

    def test_a_viewer_trying_to_edit_is_logged_as_403(
        self, viewer_client, viewer, case, security_log
    ):
        response = viewer_client.post(reverse("case_edit", args=[case.pk]), {})
        assert response.status_code == 403
        entry = _only(security_log("case_refused"))
        assert entry == entry | {
            "status": 403,
            "reason": "role",
            "role": "viewer",
            "need": "edit",
            "user": viewer.pk,
        }

    def test_an_item_of_another_case_is_logged_as_404(
        self, owner_client, owner, case, security_log
    ):
        other = make_case(make_user("other@example.org"))
        record = other.current_opinion().records.create(name="Scans")
        url = reverse("record_remove", args=[case.pk, record.pk])
        assert owner_client.post(url).status_code == 404
        entry = _only(security_log("case_refused"))
        assert entry["reason"] == "not_in_case" and entry["object"] == "recorditem"
        assert entry["case"] == str(case.pk)

    def test_the_query_string_stays_out_of_the_log(self, stranger_client, case, security_log):
        stranger_client.get(reverse("case_detail", args=[case.pk]), {"q": CANARY})
        entry = _only(security_log("case_refused"))
        assert "?" not in entry["path"] and CANARY not in json.dumps(entry)

    def test_allowed_requests_log_nothing(self, owner_client, case, security_log):
        owner_client.get(reverse("case_detail", args=[case.pk]))
        assert security_log("case_refused") == []


class TestInvitationsAndLimits:
    def test_each_invitation_sent_and_sent_again_is_logged(
        self, owner_client, owner, case, security_log
    ):
        owner_client.post(
            reverse("case_invite", args=[case.pk]), {"email": "dora@example.org", "role": "viewer"}
        )
        invitation = case.invitations.get()
        owner_client.post(reverse("invitation_resend", args=[case.pk, invitation.pk]))
        entries = security_log("invitation_sent")
        assert len(entries) == 2
        for entry in entries:
            assert entry == entry | {
                "user": owner.pk,
                "case": str(case.pk),
                "invitation": invitation.pk,
                "role": "viewer",
            }
            assert "dora" not in json.dumps(entry)

    def test_a_rate_limit_reached_is_logged(
        self, owner_client, owner, case, settings, security_log
    ):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "download_user": (1, 600)}
        url = reverse("packet_download", args=[case.pk])
        assert owner_client.get(url).status_code == 200
        assert owner_client.get(url).status_code == 429
        entry = _only(security_log("rate_limited"))
        assert entry == entry | {"limit": "download_user", "user": owner.pk, "path": url}


def test_no_health_data_reaches_any_log(client, caplog, security_log, settings):
    """Every kind of event, around a case full of a planted diagnosis: none of it is logged."""
    caplog.set_level(logging.DEBUG)
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "download_user": (1, 600)}
    owner, stranger, viewer = (
        make_user("alice@example.org"),
        make_user("charlie@example.org"),
        make_user("vera@example.org"),
    )
    case = make_case(
        owner, patient_name=f"Patient {CANARY}", condition=CANARY, prognosis=CANARY, notes=CANARY
    )
    Case.objects.filter(pk=case.pk).update(member_id=CANARY[-12:])
    case.memberships.create(user=viewer, role="viewer")

    sign_in(client, password="wrong")
    sign_in(client)
    client.get(reverse("case_detail", args=[case.pk]))
    client.get(reverse("packet_download", args=[case.pk]))
    client.get(reverse("packet_download", args=[case.pk]))
    client.post(
        reverse("case_invite", args=[case.pk]), {"email": "dora@example.org", "role": "viewer"}
    )
    confirm_password(client)
    client.post(reverse("account_logout"))
    for user, url, method in (
        (stranger, reverse("case_detail", args=[case.pk]), "get"),
        (viewer, reverse("case_edit", args=[case.pk]), "post"),
    ):
        other = Client()
        other.force_login(user)
        getattr(other, method)(url, {"condition": CANARY})

    events = {e["event"] for e in security_log()}
    assert {
        "login_failed",
        "login",
        "rate_limited",
        "invitation_sent",
        "case_refused",
        "logout",
    } <= events
    formatter = JsonFormatter()
    everything = "\n".join(
        [formatter.format(r) for r in caplog.records] + [r.getMessage() for r in caplog.records]
    )
    for secret in (CANARY, CANARY[-12:], "glioblastoma", "alice@example.org", "dora@example.org"):
        assert secret not in everything


@pytest.mark.parametrize(
    ("name", "kwargs", "logged"),
    [
        (
            "account_reset_password_from_key",
            {"uidb36": "1", "key": "c3y1z-0123456789abcdef"},
            "/accounts/password/reset/key/1-<key>/",
        ),
        (
            "invitation_landing",
            {"token": "eyJpIjoxLCJuIjoiYWJjIn0:1u2v3w:sig"},
            "/invitations/<token>/",
        ),
        (
            "account_confirm_email",
            {"key": "MQ:1u2v3w:abcdefghijkl"},
            "/accounts/confirm-email/<key>/",
        ),
    ],
)
def test_secrets_in_paths_stay_out_of_the_log(rf, db, security_log, name, kwargs, logged):
    from cases import security

    request = rf.get(reverse(name, kwargs=kwargs))
    request.user = AnonymousUser()
    security.rate_limited(request, "account")
    entry = _only(security_log("rate_limited"))
    assert entry["path"] == logged
    assert all(v not in json.dumps(entry) for v in kwargs.values() if len(v) >= 8)
