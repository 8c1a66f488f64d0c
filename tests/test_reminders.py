"""The daily reminders, run day by day over a case's timeline with a controlled clock.

Rosa's case and the clock are in tests/reminders_support.py; request letters' reminders
in tests/test_reminder_letters.py.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import (
    Membership,
    Opinion,
    RecordItem,
    Role,
    SentReminder,
)
from cases.models.items import RecordStatus
from cases.models.opinion import ApprovalStatus
from cases.services.reminders import send_reminders
from tests.factories import add_member, make_case, make_user
from tests.reminders_support import (
    ALICE,
    BOB,
    CANARY,
    D0,
    SURNAME,
    VERA,
    K,
    at,
    book,
    day,
    rosa_case,
    run,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rosa(owner, caregiver, viewer):
    return rosa_case(owner, caregiver, viewer)


# Alice and Bob are reminded of everything that falls due; Vera, a viewer, of nothing.
EXPECTED = {
    6: {K.START_BY_NO_APPOINTMENT},  # starts on day 20, nothing booked yet
    10: {K.AUTHORITY_30_DAYS, K.RECORD_OVERDUE},  # proxy ends day 40; asked on day -1
    11: {K.APPOINTMENT_SOON},  # booked on day 8 for day 14
    13: {K.APPOINTMENT_NEXT_DAY},
    15: {K.REFERRAL_PENDING},  # requested on day 0
    17: {K.PRIOR_AUTH_PENDING},  # requested on day 2
    33: {K.AUTHORITY_7_DAYS},
    40: {K.AUTHORITY_EXPIRED},
}


def book_on_day_8(case):
    def before(n: int) -> None:
        if n == 8:
            book(case, at(14))

    return before


def test_the_daily_job_over_a_case_timeline_reminds_exactly_who_and_when(rosa):
    seen = run(0, 45, before=book_on_day_8(rosa))
    expected = {n: {ALICE: kinds, BOB: kinds} for n, kinds in EXPECTED.items()}
    assert seen == expected
    # One email per person and day, with every reminder of that day in it.
    day10 = [m for m in mail.outbox if "2 things to do for Rosa's second opinion" in m.subject]
    assert sorted(m.to[0] for m in day10) == [ALICE, BOB]
    # Both late records are one reminder in the email, and two occurrences on record.
    assert SentReminder.objects.filter(kind=K.RECORD_OVERDUE, user__email=ALICE).count() == 2
    assert "Rosa's records: 2 not received yet" in day10[0].body


def test_running_the_job_twice_a_day_sends_nothing_new(rosa):
    days_with_mail = 0
    for n in range(46):
        book_on_day_8(rosa)(n)
        first = send_reminders(today=day(n))
        assert send_reminders(today=day(n)).emails == 0  # cron ran it too
        days_with_mail += first.emails > 0
    assert days_with_mail == len(EXPECTED)
    emails, records = len(mail.outbox), SentReminder.objects.count()
    assert records == 2 * (sum(map(len, EXPECTED.values())) + 1)  # 2 late records
    # The whole timeline once more: nothing is sent twice.
    assert run(0, 45) == {}
    assert (len(mail.outbox), SentReminder.objects.count()) == (emails, records)


APPOINTMENT = {K.APPOINTMENT_SOON, K.APPOINTMENT_NEXT_DAY}


def test_a_rescheduled_appointment_is_reminded_again(rosa):
    book(rosa, at(14))
    run(0, 11)
    book(rosa, at(20, 9, 0))  # moved to day 20: a new occurrence
    seen = run(12, 25)
    appointments = {n: who[ALICE] & APPOINTMENT for n, who in seen.items()}
    assert {n: kinds for n, kinds in appointments.items() if kinds} == {
        17: {K.APPOINTMENT_SOON},
        19: {K.APPOINTMENT_NEXT_DAY},
    }
    (day19,) = [m for m in mail.outbox if m.to == [ALICE] and "tomorrow" in m.subject]
    assert "It is on Sunday 22 March 2026 at 9am." in day19.body


def test_a_day_the_job_did_not_run_is_caught_up_the_next(rosa):
    book(rosa, at(14))
    # Nothing ran on days 10 and 11: day 12 brings the 3-day reminder, now "in 2 days".
    seen = run(12, 12)
    assert seen[12][ALICE] == {K.APPOINTMENT_SOON, K.AUTHORITY_30_DAYS, K.RECORD_OVERDUE}
    (message,) = [m for m in mail.outbox if m.to == [ALICE]]
    assert "Rosa's appointment is in 2 days" in message.body


def test_nothing_is_reminded_once_done(rosa):
    book(rosa, at(14))
    RecordItem.objects.filter(status=RecordStatus.REQUESTED).update(
        status=RecordStatus.RECEIVED, received_on=day(5)
    )
    Opinion.objects.filter(case=rosa).update(
        referral_status=ApprovalStatus.APPROVED,
        referral_decided_on=day(5),
        prior_auth_status=ApprovalStatus.APPROVED,
    )
    Membership.objects.filter(case=rosa, authority_kind="proxy").update(authority_expires=None)
    seen = run(0, 45)
    assert seen == {
        11: {ALICE: {K.APPOINTMENT_SOON}, BOB: {K.APPOINTMENT_SOON}},
        13: {ALICE: {K.APPOINTMENT_NEXT_DAY}, BOB: {K.APPOINTMENT_NEXT_DAY}},
    }


def test_an_opinion_with_its_outcome_in_reminds_of_nothing_but_the_authority(rosa):
    book(rosa, at(14))
    Opinion.objects.filter(case=rosa).update(result="confirmation", outcome_on=day(1))
    seen = run(0, 45)
    assert {n: kinds[ALICE] for n, kinds in seen.items()} == {
        10: {K.AUTHORITY_30_DAYS},
        33: {K.AUTHORITY_7_DAYS},
        40: {K.AUTHORITY_EXPIRED},
    }


def test_unsubscribing_from_an_email_stops_reminders_signed_out(rosa):
    run(0, 6)
    (bobs,) = [m for m in mail.outbox if m.to == [BOB]]
    assert bobs.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(.+)>", bobs.extra_headers["List-Unsubscribe"]).group(1)
    path = url.removeprefix("http://127.0.0.1:8000")
    assert path.startswith("/reminders/stop/")
    # RFC 8058: the mail provider POSTs, signed out, without a CSRF token.
    anonymous = Client(enforce_csrf_checks=True)
    response = anonymous.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert Membership.objects.get(case=rosa, user__email=BOB).reminders is False
    seen = run(7, 45, before=book_on_day_8(rosa))
    assert {n: set(who) for n, who in seen.items()} == {n: {ALICE} for n in EXPECTED if n > 6}


def test_a_viewer_who_turns_reminders_on_gets_them(rosa, viewer_client):
    url = reverse("case_reminders", kwargs={"case_id": rosa.pk})
    assert viewer_client.post(url, {"reminders": "yes"}).status_code == 302
    seen = run(0, 45, before=book_on_day_8(rosa))
    assert seen == {n: {ALICE: kinds, BOB: kinds, VERA: kinds} for n, kinds in EXPECTED.items()}


def test_the_default_follows_the_role_until_the_person_chooses(rosa, owner, caregiver, viewer):
    # Bob becomes a viewer: off by default. Vera turned hers on: on, viewer or not.
    Membership.objects.filter(case=rosa, user=caregiver).update(role=Role.VIEWER)
    Membership.objects.get(case=rosa, user=viewer).choose_reminders(True)
    assert set(run(6, 6)[6]) == {ALICE, VERA}
    # Alice turned hers off: still off as the owner.
    Membership.objects.get(case=rosa, user=owner).choose_reminders(False)
    assert set(run(10, 10)[10]) == {VERA}


def test_no_email_carries_health_details_or_the_surname(rosa):
    run(0, 45, before=book_on_day_8(rosa))
    assert len(mail.outbox) == 2 * len(EXPECTED)
    for message in mail.outbox:
        html = message.alternatives[0][0]
        everything = " ".join(
            [message.subject, message.body, html, *map(str, message.extra_headers.values())]
        )
        assert CANARY.lower() not in everything.lower(), message.subject
        assert SURNAME not in everything
        assert "Rosa" in message.subject


def test_an_email_has_plain_text_and_accessible_html(rosa):
    run(0, 10)
    message = next(m for m in mail.outbox if m.to == [ALICE] and "2 things" in m.subject)
    assert message.subject == "Second Opinion: 2 things to do for Rosa's second opinion"
    assert message.body.startswith("Hello Alice,")
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="en">' in html
    assert "<title>2 things to do for Rosa&#x27;s second opinion</title>" in html
    assert html.count("<h1") == 1 and html.count("<h2") == 2
    # Links say where they go, and carry only ids.
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', html)
    texts = [text for _href, text in links]
    assert "See the records" in texts and "See the people with access" in texts
    assert "Stop these reminders now, without signing in" in texts
    for href, _text in links:
        assert re.fullmatch(r"http://127\.0\.0\.1:8000/[\w/:.-]+/", href), href
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_the_patient_managing_their_own_case_reads_your(owner):
    case = make_case(owner, patient_name="Maria Lopez", relationship="self")
    book(case, at(3))
    send_reminders(today=D0)
    (message,) = mail.outbox
    assert message.subject == "Second Opinion: Your appointment is in 3 days"
    assert "Still missing from “What to bring”:" in message.body


def test_the_appointment_reminder_lists_what_is_still_missing_to_bring(rosa):
    book(rosa, at(3))
    send_reminders(today=D0)
    message = next(m for m in mail.outbox if m.to == [ALICE])
    missing = re.search(r"Still missing from “What to bring”: (.+)\.", message.body).group(1)
    # Records are not all ready and there are no images; medicines and questions exist.
    assert missing.split("; ") == [
        "Medical records and test results",
        "Imaging on disc or USB",
        "Treatment plan from the first provider",
    ]


def test_people_whose_account_is_closed_get_nothing(rosa, caregiver):
    caregiver.is_active = False
    caregiver.save()
    assert set(run(6, 6)[6]) == {ALICE}


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_the_job_costs_the_same_queries_for_one_case_or_many(rosa):
    def queries_on(n: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            send_reminders(today=day(n))
        return len(ctx.captured_queries)

    book(rosa, at(14))
    one = queries_on(11)  # Rosa: the appointment, and the catch-up of day 10
    assert SentReminder.objects.count() == 2 * 4
    for i in range(8):
        other = make_user(f"family{i}@example.org")
        case = make_case(other, patient_name=f"Person {i}", treatment_start_by=day(30))
        add_member(case, make_user(f"helper{i}@example.org"), Role.EDITOR)
        Membership.objects.filter(case=case, user=other).update(
            authority_kind="proxy", authority_expires=day(30 + i)
        )
        record = RecordItem.objects.filter(opinion__case=case).first()
        record.status, record.requested_on = RecordStatus.REQUESTED, day(i - 5)
        record.save()
        book(case, at(12 + i % 3))
    many = queries_on(12)
    assert SentReminder.objects.filter(sent_on=day(12)).count() >= 8 * 2 * 2
    assert many == one
