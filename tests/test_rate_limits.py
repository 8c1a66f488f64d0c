"""Rate limits on sign-in, password reset, invitations and PDF downloads.

All are counted in the shared cache (tests/test_cross_process.py shows them holding
across server processes); these tests pin the numbers, the words and the arithmetic.
"""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from cases import ratelimit
from cases.models import Invitation, Role
from secondopinion import settings as production
from tests.factories import add_member, make_case, make_user
from tests.test_accounts import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def account_limits(settings):
    """The production limits of allauth (the test settings turn them off elsewhere)."""
    settings.ACCOUNT_RATE_LIMITS = production.ACCOUNT_RATE_LIMITS


@pytest.fixture
def clock(monkeypatch):
    """Time for the rate limiter, moved by hand."""

    class Clock:
        now = time.time()

        def advance(self, seconds: float) -> None:
            self.now += seconds

    c = Clock()
    monkeypatch.setattr(ratelimit, "_now", lambda: c.now)
    return c


# Sign-in and password reset (allauth, configured in settings) --------------------------


def test_the_sixth_wrong_password_in_5_minutes_is_refused_even_if_right(
    client, owner, account_limits
):
    for _ in range(5):
        response = sign_in(client, password="wrong-password")
        assert "The email address or password is not right" in response.content.decode()
    refused = sign_in(client)  # the right password, too late
    html = refused.content.decode()
    assert refused.status_code == 200
    assert "too many attempts to sign in to this account" in html
    assert "Wait 5 minutes" in html
    assert "_auth_user_id" not in client.session


def test_the_limit_counts_per_account_so_others_on_the_network_still_sign_in(
    client, owner, caregiver, account_limits
):
    for _ in range(5):
        sign_in(client, password="wrong-password")
    response = sign_in(Client(), email="bob@example.org")
    assert response.status_code == 302


def test_ten_wrong_passwords_a_minute_from_one_network_stop_further_tries(db, account_limits):
    for n in range(10):
        make_user(f"person{n}@example.org")
        sign_in(Client(), email=f"person{n}@example.org", password="wrong-password")
    make_user("eleventh@example.org")
    html = sign_in(Client(), email="eleventh@example.org", password="wrong").content.decode()
    assert "too many attempts" in html


def test_password_reset_emails_are_limited_per_address(client, owner, account_limits):
    for _ in range(5):
        assert (
            client.post(reverse("account_reset_password"), {"email": owner.email}).status_code
            == 302
        )
    refused = client.post(reverse("account_reset_password"), {"email": owner.email})
    assert refused.status_code == 429
    assert len(mail.outbox) == 5
    html = refused.content.decode()
    assert "Please wait" in html and "<h1" in html and 'href="/accounts/login/"' in html


def test_the_production_settings_limit_sign_in_and_reset():
    limits = production.ACCOUNT_RATE_LIMITS
    assert limits["login_failed"] == "10/m/ip,5/5m/key"
    assert "5/h/key" in limits["reset_password"]
    assert production.RATE_LIMITS["invitation_user"] == (10, 3600)
    assert production.RATE_LIMITS["invitation_case"] == (10, 3600)
    assert production.RATE_LIMITS["download_user"] == (30, 600)


# Invitations ---------------------------------------------------------------------------


def _invite(client: Client, case, n: int):
    return client.post(
        reverse("case_invite", args=[case.pk]), {"email": f"guest{n}@example.org", "role": "viewer"}
    )


def test_an_owner_can_send_10_invitations_an_hour_then_gets_a_plain_429(owner_client, case):
    for n in range(10):
        assert _invite(owner_client, case, n).status_code == 302
    refused = _invite(owner_client, case, 10)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    html = refused.content.decode()
    assert "You have sent a lot of invitations" in html
    assert "Nothing has been sent this time" in html
    assert "Please wait" in html
    assert len(mail.outbox) == 10
    assert Invitation.objects.filter(case=case).count() == 10


def test_sending_again_counts_towards_the_same_limit(owner_client, case):
    invitation = Invitation.objects.create(case=case, email="dora@example.org", role=Role.VIEWER)
    url = reverse("invitation_resend", args=[case.pk, invitation.pk])
    for _ in range(10):
        assert owner_client.post(url).status_code == 302
    nonce = Invitation.objects.get(pk=invitation.pk).nonce
    refused = owner_client.post(url)
    assert refused.status_code == 429
    assert Invitation.objects.get(pk=invitation.pk).nonce == nonce  # the link still works
    assert len(mail.outbox) == 10


def test_sending_again_with_htmx_is_refused_in_place(owner_client, case):
    invitation = Invitation.objects.create(case=case, email="dora@example.org", role=Role.VIEWER)
    url = reverse("invitation_resend", args=[case.pk, invitation.pk])
    for _ in range(10):
        owner_client.post(url, headers={"HX-Request": "true"})
    refused = owner_client.post(url, headers={"HX-Request": "true"})
    assert refused.status_code == 429
    assert refused["HX-Retarget"] == "#main" and refused["HX-Reselect"] == "#main"
    assert refused["HX-Reswap"] == "outerHTML"


def test_the_limit_holds_per_person_across_their_cases(owner, owner_client):
    first, second = make_case(owner), make_case(owner, patient_name="John Lopez")
    for n in range(10):
        _invite(owner_client, first, n)
    assert _invite(owner_client, second, 0).status_code == 429


def test_the_limit_holds_per_case_across_its_owners(owner, owner_client, case):
    co_owner = make_user("carla@example.org")
    add_member(case, co_owner, Role.OWNER)
    for n in range(10):
        _invite(owner_client, case, n)
    other = Client()
    other.force_login(co_owner)
    assert _invite(other, case, 99).status_code == 429


def test_a_refusal_by_the_case_limit_does_not_use_up_the_persons(owner, owner_client, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "invitation_user": (3, 3600),
        "invitation_case": (1, 3600),
    }
    cases = [make_case(owner, patient_name=f"Patient {n}") for n in range(4)]
    assert _invite(owner_client, cases[0], 0).status_code == 302
    for n in range(5):
        assert _invite(owner_client, cases[0], n + 1).status_code == 429
    # The five refusals gave back the person's uses: 2 of their 3 are left.
    assert _invite(owner_client, cases[1], 0).status_code == 302
    assert _invite(owner_client, cases[2], 0).status_code == 302
    assert _invite(owner_client, cases[3], 0).status_code == 429


def test_a_form_with_errors_uses_nothing(owner_client, case, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitation_user": (1, 3600)}
    for _ in range(3):
        bad = owner_client.post(reverse("case_invite", args=[case.pk]), {"email": "x"})
        assert bad.status_code == 200
    assert _invite(owner_client, case, 0).status_code == 302


# Downloads -----------------------------------------------------------------------------


def test_pdf_downloads_are_limited_per_person_packet_and_summary_together(
    owner_client, caregiver_client, case, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "download_user": (2, 600)}
    packet = reverse("packet_download", args=[case.pk])
    summary = reverse("decision_summary", args=[case.pk])
    assert owner_client.get(packet).status_code == 200
    assert owner_client.get(summary).status_code == 200
    refused = owner_client.get(packet)
    assert refused.status_code == 429
    assert "You have downloaded a lot of documents" in refused.content.decode()
    assert "read the packet on screen" in refused.content.decode()
    assert refused["Content-Type"].startswith("text/html")
    assert owner_client.get(summary).status_code == 429
    # The preview is not a PDF: still open. Another person is counted on their own.
    assert owner_client.get(reverse("packet_preview", args=[case.pk])).status_code == 200
    assert caregiver_client.get(packet).status_code == 200


def test_a_refused_download_is_checked_after_access(stranger_client, case, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "download_user": (0, 600)}
    assert stranger_client.get(reverse("packet_download", args=[case.pk])).status_code == 404


# The counting itself -------------------------------------------------------------------


def test_the_window_slides_instead_of_resetting_on_the_hour(rf, db, clock, settings):
    settings.RATE_LIMITS = {"test": (10, 3600)}
    clock.now = (clock.now // 3600 + 1) * 3600 - 10  # ten seconds before a window starts
    for _ in range(10):
        assert ratelimit._count("test", "k")[0]
    assert not ratelimit._count("test", "k")[0]
    clock.advance(20)  # a new clock window: the last hour's 10 still count
    assert not ratelimit._count("test", "k")[0]
    clock.advance(1800)  # half of them have slid out
    allowed = sum(ratelimit._count("test", "k")[0] for _ in range(10))
    assert allowed == 5


def test_refused_tries_are_not_counted(db, clock, settings):
    settings.RATE_LIMITS = {"test": (3, 60)}
    for _ in range(3):
        ratelimit._count("test", "k")
    for _ in range(50):
        assert not ratelimit._count("test", "k")[0]
    clock.advance(120)
    assert ratelimit._count("test", "k")[0]


@pytest.mark.parametrize(
    ("limit", "period", "offset", "before", "allowed_now"),
    [
        (10, 3600, 10, 0, 10),
        (10, 3600, 3000, 0, 10),
        (10, 3600, 100, 7, 3),
        (10, 3600, 1800, 10, 5),
        (30, 600, 599, 0, 30),
        (30, 600, 1, 25, 5),
        (1, 60, 30, 0, 1),
    ],
)
def test_after_the_wait_it_names_the_next_try_is_allowed(
    db, clock, settings, limit, period, offset, before, allowed_now
):
    """``before`` uses half a period back, then at ``offset`` into the next window as
    many as are allowed; then the wait the refusal names is enough, and not too long."""
    settings.RATE_LIMITS = {"test": (limit, period)}
    start = (clock.now // period + 1) * period
    clock.now = start - period / 2
    for _ in range(before):
        ratelimit._count("test", "k")
    clock.now = start + offset
    burst = 0
    while ratelimit._count("test", "k")[0]:
        burst += 1
    assert burst == allowed_now
    allowed, wait = ratelimit._count("test", "k")
    assert not allowed and wait > 0
    clock.advance(wait - 2)
    assert not ratelimit._count("test", "k")[0]
    clock.advance(2)
    assert ratelimit._count("test", "k")[0]


def test_the_count_lives_in_the_shared_cache(db, clock, settings):
    settings.RATE_LIMITS = {"test": (5, 60)}
    ratelimit._count("test", "k")
    ratelimit._count("test", "k")
    assert cache.get(f"so:rl:test:k:{int(clock.now // 60)}") == 2


def test_allauths_limits_answer_with_the_apps_page_without_a_made_up_wait(
    client, owner, account_limits
):
    for _ in range(5):
        client.post(reverse("account_reset_password"), {"email": owner.email})
    refused = client.post(reverse("account_reset_password"), {"email": owner.email})
    assert refused.status_code == 429
    assert "Retry-After" not in refused
    html = refused.content.decode()
    assert "<title>Please wait a few minutes – Second Opinion</title>" in html
    assert "Some limits last up to an hour" in html
    assert 'class="skip-link"' in html  # the app's layout, not allauth's bare page
