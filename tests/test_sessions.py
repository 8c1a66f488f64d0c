"""Sessions end: 30 minutes without activity, 12 hours after signing in (cases/sessions.py)."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cases import sessions
from cases.sessions import SEEN_AT, SIGNED_IN_AT
from tests.factories import make_user, sign_in

pytestmark = pytest.mark.django_db

IDLE = 30 * 60
ABSOLUTE = 12 * 60 * 60
LOGIN = reverse("account_login")


def set_clock(client: Client, *, signed_in_ago: float | None = None, seen_ago: float) -> None:
    """Move this session's timestamps into the past, as if time had passed."""
    session = client.session
    at = time.time()
    if signed_in_ago is not None:
        session[SIGNED_IN_AT] = int(at - signed_in_ago)
    session[SEEN_AT] = int(at - seen_ago)
    session.save()


def query(location: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(location).query)


def test_the_limits_are_30_minutes_idle_and_12_hours_in_all():
    assert settings.SESSION_IDLE_TIMEOUT == IDLE
    assert settings.SESSION_ABSOLUTE_TIMEOUT == ABSOLUTE


class TestIdleLimit:
    def test_after_30_minutes_away_the_next_page_is_sign_in_saying_why(self, owner_client, case):
        set_clock(owner_client, seen_ago=IDLE + 1)
        response = owner_client.get(case.get_absolute_url())
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == LOGIN
        assert query(response["Location"]) == {
            "next": [case.get_absolute_url()],
            "signed_out": ["1"],
        }
        page = owner_client.get(response["Location"]).content.decode()
        assert "You were signed out to protect your information" in page
        assert "30 minutes without activity" in page
        assert SESSION_KEY not in owner_client.session
        assert owner_client.get(reverse("dashboard")).status_code == 302

    def test_a_request_within_30_minutes_keeps_the_session_and_counts_as_activity(
        self, owner_client
    ):
        set_clock(owner_client, seen_ago=IDLE - 60)
        assert owner_client.get(reverse("dashboard")).status_code == 200
        assert time.time() - owner_client.session[SEEN_AT] < 5

    def test_requests_within_a_minute_of_the_last_write_leave_the_session_alone(self, owner_client):
        set_clock(owner_client, seen_ago=20)
        before = owner_client.session[SEEN_AT]
        with CaptureQueriesContext(connection) as ctx:
            assert owner_client.get(reverse("dashboard")).status_code == 200
        assert any("django_session" in q["sql"] for q in ctx.captured_queries)
        writes = [
            q["sql"]
            for q in ctx.captured_queries
            if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
        ]
        assert writes == []
        assert owner_client.session[SEEN_AT] == before

    def test_a_form_posted_after_the_limit_saves_nothing_and_returns_to_its_page(
        self, owner_client, case
    ):
        set_clock(owner_client, seen_ago=IDLE + 5)
        page = case.get_absolute_url()
        response = owner_client.post(
            reverse("case_edit", args=[case.pk]),
            {"patient_name": "Changed after sign-out"},
            HTTP_REFERER=f"http://testserver{page}",
        )
        assert query(response["Location"]) == {"next": [page], "signed_out": ["1"]}
        case.refresh_from_db()
        assert case.patient_name == "Maria Lopez"

    def test_an_htmx_request_after_the_limit_moves_the_whole_page_to_sign_in(
        self, owner_client, case
    ):
        set_clock(owner_client, seen_ago=IDLE + 5)
        page = reverse("records", args=[case.pk])
        response = owner_client.get(
            reverse("case_edit", args=[case.pk]),
            HTTP_HX_REQUEST="true",
            HTTP_HX_CURRENT_URL=f"http://testserver{page}",
        )
        assert response.status_code == 204
        assert query(response["HX-Redirect"]) == {"next": [page], "signed_out": ["1"]}

    def test_a_return_address_on_another_site_is_dropped(self, owner_client, case):
        set_clock(owner_client, seen_ago=IDLE + 5)
        response = owner_client.post(
            reverse("case_edit", args=[case.pk]), {}, HTTP_REFERER="https://evil.example/x"
        )
        assert query(response["Location"]) == {"signed_out": ["1"]}

    def test_the_store_itself_forgets_a_session_soon_after_the_idle_limit(self, owner):
        client = Client()
        response = sign_in(client, owner.email)
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        # A browser-session cookie: closing the browser ends it too.
        assert cookie["max-age"] == "" and cookie["expires"] == ""
        assert settings.SESSION_COOKIE_AGE <= IDLE + 120
        assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


class TestAbsoluteLimit:
    def test_twelve_hours_after_signing_in_even_a_busy_session_ends(self, owner_client):
        set_clock(owner_client, signed_in_ago=ABSOLUTE + 1, seen_ago=10)
        response = owner_client.get(reverse("dashboard"))
        assert query(response["Location"]) == {"next": ["/"], "signed_out": ["1"]}

    def test_saves_do_not_push_the_limit_back(self, owner_client, case, monkeypatch):
        set_clock(owner_client, signed_in_ago=ABSOLUTE - 90, seen_ago=IDLE - 60)
        signed_in = owner_client.session[SIGNED_IN_AT]
        form = owner_client.get(reverse("case_edit", args=[case.pk])).context["form"]
        data = {k: v for k, v in form.initial.items() if v is not None}
        data.update(version=form["version"].value(), patient_name="Maria L. Lopez")
        response = owner_client.post(reverse("case_edit", args=[case.pk]), data)
        assert response.status_code == 302 and "signed_out" not in response["Location"]
        case.refresh_from_db()
        assert case.patient_name == "Maria L. Lopez"
        assert owner_client.session[SIGNED_IN_AT] == signed_in
        real = time.time
        monkeypatch.setattr(sessions, "now", lambda: real() + 120)
        response = owner_client.get(reverse("dashboard"))
        assert "signed_out=1" in response["Location"]

    def test_signing_in_starts_the_clock(self, owner):
        client = Client()
        sign_in(client, owner.email)
        assert abs(client.session[SIGNED_IN_AT] - time.time()) < 5
        assert client.session[SEEN_AT] == client.session[SIGNED_IN_AT]

    def test_a_session_without_a_sign_in_time_has_ended(self, owner_client):
        session = owner_client.session
        del session[SIGNED_IN_AT]
        session.save()
        assert "signed_out=1" in owner_client.get(reverse("dashboard"))["Location"]


class TestWhySignedOut:
    def test_signing_out_on_purpose_shows_no_such_message(self, owner_client):
        owner_client.post(reverse("account_logout"))
        response = owner_client.get(reverse("dashboard"))
        assert "signed_out" not in response["Location"]

    def test_a_session_ended_elsewhere_says_why(self, owner_client):
        owner_client.session.delete()
        response = owner_client.get(reverse("dashboard"))
        assert query(response["Location"]) == {"next": ["/"], "signed_out": ["1"]}

    def test_the_sign_in_page_says_nothing_without_the_flag(self, client):
        page = client.get(LOGIN).content.decode()
        assert "You were signed out" not in page

    def test_open_pages_still_open_after_the_limit(self, owner_client):
        set_clock(owner_client, seen_ago=IDLE + 1)
        assert owner_client.get(reverse("account_reset_password")).status_code == 200


class TestWarningSupport:
    def test_signed_in_pages_carry_the_time_left_and_a_dialog_without_inline_script(
        self, owner_client
    ):
        set_clock(owner_client, seen_ago=600)
        html = owner_client.get(reverse("dashboard")).content.decode()
        assert '<dialog id="session-warning"' in html
        assert 'role="alertdialog"' in html
        assert 'data-session-warning="120"' in html
        # The page itself counted as activity: the full 30 minutes are left.
        remaining = int(html.split('data-session-remaining="')[1].split('"')[0])
        assert IDLE - 5 <= remaining <= IDLE
        assert "You will be signed out in" in html and "to protect your information" in html
        assert "Stay signed in" in html
        assert "<script>" not in html and "onclick" not in html

    def test_pages_for_people_not_signed_in_have_no_dialog(self, client):
        assert "session-warning" not in client.get(LOGIN).content.decode()

    def test_asking_the_time_left_is_not_activity(self, owner_client):
        set_clock(owner_client, seen_ago=600)
        seen = owner_client.session[SEEN_AT]
        state = owner_client.get(reverse("session_status")).json()
        assert IDLE - 605 <= state["remaining"] <= IDLE - 600
        assert state["can_extend"] is True
        assert owner_client.session[SEEN_AT] == seen

    def test_asking_after_the_limit_answers_zero_and_ends_the_session(self, owner_client):
        set_clock(owner_client, seen_ago=IDLE + 1)
        response = owner_client.get(reverse("session_status"))
        assert response.status_code == 200
        assert response.json() == {"remaining": 0, "can_extend": False}
        assert SESSION_KEY not in owner_client.session

    def test_stay_signed_in_starts_the_30_minutes_again(self, owner_client):
        set_clock(owner_client, seen_ago=IDLE - 100)
        response = owner_client.post(reverse("session_keep_alive"), HTTP_ACCEPT="application/json")
        assert IDLE - 5 <= response.json()["remaining"] <= IDLE

    def test_stay_signed_in_cannot_pass_the_12_hours(self, owner_client):
        set_clock(owner_client, signed_in_ago=ABSOLUTE - 100, seen_ago=IDLE - 100)
        state = owner_client.post(
            reverse("session_keep_alive"), HTTP_ACCEPT="application/json"
        ).json()
        assert 90 <= state["remaining"] <= 100
        assert state["can_extend"] is False

    def test_stay_signed_in_without_javascript_returns_to_the_page(self, owner_client, case):
        url = reverse("session_keep_alive")
        response = owner_client.post(url, {"next": case.get_absolute_url()})
        assert response["Location"] == case.get_absolute_url()
        response = owner_client.post(url, {"next": "https://evil.example/"})
        assert response["Location"] == reverse("dashboard")

    def test_limits_in_words(self):
        assert sessions.in_words(1800) == "30 minutes"
        assert sessions.in_words(43200) == "12 hours"
        assert sessions.in_words(5400) == "1 hour and 30 minutes"
        assert sessions.in_words(60) == "1 minute"
        with translation.override("es"):
            assert sessions.in_words(43200) == "12 horas"
            assert sessions.in_words(5400) == "1 hora y 30 minutos"


class TestSignedInDevices:
    FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
    IPHONE = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
    )

    def browsers(self, user):
        laptop = Client(HTTP_USER_AGENT=self.FIREFOX)
        phone = Client(HTTP_USER_AGENT=self.IPHONE)
        sign_in(laptop, user.email)
        sign_in(phone, user.email)
        return laptop, phone

    def test_the_account_page_links_to_it(self, owner_client):
        html = owner_client.get(reverse("account_email")).content.decode()
        assert f'href="{reverse("account_sessions")}"' in html

    def test_it_lists_each_browser_with_this_one_marked(self, owner):
        laptop, phone = self.browsers(owner)
        response = laptop.get(reverse("account_sessions"))
        html = response.content.decode()
        assert "<h1>Where you are signed in</h1>" in html
        devices = response.context["devices"]
        assert [(d.device, d.current) for d in devices] == [
            ("Firefox on Windows", True),
            ("Safari on an iPhone", False),
        ]
        assert "This device" in html and "Sign out everywhere else" in html
        assert 'class="site-header"' in html and "css/accounts.css" in html

    def test_sign_out_everywhere_else_ends_the_other_sessions_only(self, owner):
        laptop, phone = self.browsers(owner)
        response = laptop.post(reverse("account_sessions"))
        assert response["Location"] == reverse("account_sessions")
        page = laptop.get(response["Location"])
        assert "You are now signed out everywhere else." in page.content.decode()
        assert "You are signed in only on this device." in page.content.decode()
        assert laptop.get(reverse("dashboard")).status_code == 200
        response = phone.get(reverse("dashboard"))
        assert query(response["Location"]) == {"next": ["/"], "signed_out": ["1"]}

    def test_sessions_past_their_limits_are_not_listed(self, owner):
        from allauth.usersessions.models import UserSession

        laptop, phone = self.browsers(owner)
        set_clock(phone, seen_ago=IDLE + 1)
        devices = laptop.get(reverse("account_sessions")).context["devices"]
        assert [d.device for d in devices] == ["Firefox on Windows"]
        assert UserSession.objects.filter(user=owner).count() == 1

    def test_another_persons_sessions_are_not_listed(self, owner, stranger):
        laptop, _ = self.browsers(owner)
        sign_in(Client(HTTP_USER_AGENT=self.IPHONE), stranger.email)
        assert len(laptop.get(reverse("account_sessions")).context["devices"]) == 2

    def test_a_session_from_before_sign_ins_were_recorded_is_listed(self, owner_client):
        devices = owner_client.get(reverse("account_sessions")).context["devices"]
        assert len(devices) == 1 and devices[0].current

    def test_the_page_reads_all_sessions_at_once(self, owner, django_assert_max_num_queries):
        laptop = Client(HTTP_USER_AGENT=self.FIREFOX)
        sign_in(laptop, owner.email)
        laptop.get(reverse("account_sessions"))
        with CaptureQueriesContext(connection) as one:
            laptop.get(reverse("account_sessions"))
        # Read now: each request resets the connection's query log.
        with_one = len(one.captured_queries)
        assert with_one > 0
        for _ in range(10):
            sign_in(Client(HTTP_USER_AGENT=self.IPHONE), owner.email)
        with django_assert_max_num_queries(with_one):
            response = laptop.get(reverse("account_sessions"))
        assert len(response.context["devices"]) == 11


@pytest.mark.parametrize(
    ("agent", "words"),
    [
        (TestSignedInDevices.FIREFOX, "Firefox on Windows"),
        (TestSignedInDevices.IPHONE, "Safari on an iPhone"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/126.0.0.0 Safari/537.36",
            "Chrome on a Mac",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        ("curl/8.5.0", "An unknown browser"),
        ("", "An unknown browser"),
    ],
)
def test_devices_are_described_in_plain_words(agent, words):
    assert sessions.describe_device(agent) == words


def test_people_signed_in_elsewhere_are_not_affected(owner, caregiver):
    """One person's limit is theirs: another person's session is untouched."""
    alice, bob = Client(), Client()
    sign_in(alice, owner.email)
    sign_in(bob, caregiver.email)
    set_clock(alice, seen_ago=IDLE + 1)
    assert "signed_out" in alice.get(reverse("dashboard"))["Location"]
    assert bob.get(reverse("dashboard")).status_code == 200


def test_make_user_helper_is_verified_so_sign_in_works(db):
    user = make_user("zed@example.org")
    client = Client()
    assert sign_in(client, user.email)["Location"] == reverse("dashboard")
