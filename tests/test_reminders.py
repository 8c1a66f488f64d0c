"""The daily reminders, run day by day over a case's timeline with a controlled clock.

Alice owns Rosa's case, Bob (editor) helps and holds a health care proxy, Vera views.
Every free-text field of the case carries a canary that no email may contain.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.db.models import Max
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    InsuranceCall,
    Medication,
    Membership,
    Opinion,
    Question,
    RecordItem,
    ReminderKind,
    Role,
    SentReminder,
)
from cases.models.items import RecordStatus
from cases.models.opinion import ApprovalStatus
from cases.services.reminders import send_reminders
from tests.factories import add_member, make_case, make_user

pytestmark = pytest.mark.django_db

K = ReminderKind
D0 = dt.date(2026, 3, 2)
CANARY = "CANARY"
SURNAME = "Quintanilla"
ALICE, BOB, VERA = "alice@example.org", "bob@example.org", "vera@example.org"


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def at(n: int, hour: int = 10, minute: int = 30) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day(n), dt.time(hour, minute)))


@pytest.fixture
def rosa(owner, caregiver, viewer):
    """Rosa's case as it stands on day 0, with a canary in every free-text field."""
    owner.first_name = "Alice"
    owner.save()
    case = make_case(
        owner,
        patient_name=f"Rosa {SURNAME}",
        relationship="parent",
        condition=f"{CANARY} diagnosis",
        prognosis=f"{CANARY} prognosis",
        diagnosed_by_name=f"Dr {CANARY}",
        diagnosed_by_facility=f"{CANARY} Hospital",
        treatment_kind="surgery",
        treatment_description=f"{CANARY} treatment",
        treatment_start_by=day(20),
        notes=f"{CANARY} notes",
        insurer=f"{CANARY} Health",
        insurance_plan=f"{CANARY} plan",
        member_id="CANARY-123456",
    )
    add_member(case, caregiver, Role.EDITOR)
    add_member(case, viewer, Role.VIEWER)
    Membership.objects.filter(case=case, user=caregiver).update(
        authority_kind="proxy", authority_expires=day(40)
    )
    opinion = case.current_opinion()
    opinion.key_question = f"{CANARY} question"
    opinion.referral_status = ApprovalStatus.REQUESTED
    opinion.referral_requested_on = D0
    opinion.referral_reference = f"{CANARY}-REF"
    opinion.prior_auth_status = ApprovalStatus.REQUESTED
    opinion.prior_auth_requested_on = day(2)
    opinion.prior_auth_reference = f"{CANARY}-PA"
    opinion.specialist_name = f"Dr {CANARY} Specialist"
    opinion.specialist_specialty = f"{CANARY} oncology"
    opinion.specialist_institution = f"{CANARY} Cancer Center"
    opinion.specialist_address = f"1 {CANARY} Street"
    opinion.estimated_cost = Decimal("40")
    opinion.save()
    records = list(opinion.records.all())
    for record in records:
        record.name = f"{CANARY} {record.name}"
        record.source = f"{CANARY} lab"
    # Two records asked for the day before day 0, one received, the rest still needed.
    for record in records[:2]:
        record.status, record.requested_on = RecordStatus.REQUESTED, day(-1)
    records[2].status, records[2].received_on = RecordStatus.RECEIVED, day(-1)
    RecordItem.objects.bulk_update(records, ["name", "source", "status", "requested_on"])
    RecordItem.objects.bulk_update(records[2:3], ["received_on"])
    Medication.objects.create(case=case, name=f"{CANARY}-mab", dose=f"{CANARY} mg")
    Question.objects.create(opinion=opinion, text=f"{CANARY} what next?")
    InsuranceCall.objects.create(opinion=opinion, called_on=D0, notes=f"{CANARY} call")
    return case


def book(case, when: dt.datetime) -> None:
    Opinion.objects.filter(pk=case.current_opinion().pk).update(appointment_at=when)


def run(first: int, last: int, before=None) -> dict[int, dict[str, set[str]]]:
    """Run the job each day; what each person was newly reminded of, by day, from the
    record of what was sent, checked against the emails actually delivered."""
    seen: dict[int, dict[str, set[str]]] = {}
    for n in range(first, last + 1):
        if before:
            before(n)
        outbox_before = len(mail.outbox)
        last_id = SentReminder.objects.aggregate(last=Max("id"))["last"] or 0
        send_reminders(today=day(n))
        by_person: dict[str, set[str]] = defaultdict(set)
        for sent in SentReminder.objects.filter(id__gt=last_id).select_related("user"):
            assert sent.sent_on == day(n)
            by_person[sent.user.email].add(sent.kind)
        delivered = sorted(m.to[0] for m in mail.outbox[outbox_before:])
        assert delivered == sorted(by_person), (n, delivered, dict(by_person))
        if by_person:
            seen[n] = dict(by_person)
    return seen


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


# Request letters: the provider's 30 days ---------------------------------------------


def send_letter(case, sent_on: dt.date, source: str = f"{CANARY} lab"):
    from cases.services.letters import mark_sent, start_letter

    letter = start_letter(case.current_opinion(), source)
    return mark_sent(letter, sent_on, "mail")


def letter_kinds(seen: dict[int, dict[str, set[str]]]) -> dict[int, set[str]]:
    letters = {K.LETTER_DUE_SOON, K.LETTER_OVERDUE}
    out = {}
    for n, people in seen.items():
        for email, kinds in people.items():
            if kinds & letters:
                assert email in (ALICE, BOB), email  # Vera, a viewer, gets none
                out.setdefault(n, set()).update(kinds & letters)
    return out


def test_a_request_letter_is_reminded_before_and_after_its_30_days(rosa):
    send_letter(rosa, D0)  # the deadline is day 30
    seen = run(0, 62)
    assert letter_kinds(seen) == {25: {K.LETTER_DUE_SOON}, 31: {K.LETTER_OVERDUE}}
    assert {ALICE, BOB} == set(seen[25]) & {ALICE, BOB} == set(seen[31]) & {ALICE, BOB}
    assert run(0, 62) == {}  # a second pass over the same days sends nothing new


def test_a_letter_whose_place_sent_everything_is_not_reminded(rosa):
    send_letter(rosa, D0)
    RecordItem.objects.filter(opinion__case=rosa, status=RecordStatus.REQUESTED).update(
        status=RecordStatus.RECEIVED, received_on=day(3)
    )
    RecordItem.objects.filter(opinion__case=rosa, status=RecordStatus.NEEDED).update(
        source="Another place"
    )
    assert letter_kinds(run(20, 40)) == {}


def test_a_missed_day_is_caught_up_and_the_letter_email_names_no_place(rosa):
    send_letter(rosa, D0)
    seen = run(27, 27) | run(33, 33)
    assert letter_kinds(seen) == {27: {K.LETTER_DUE_SOON}, 33: {K.LETTER_OVERDUE}}
    bodies = [m for m in mail.outbox if "request letter" in m.body]
    assert len(bodies) == 4  # Alice and Bob, before and after
    soon, late = bodies[0], bodies[-1]
    assert "the answer to a request letter is due in 3 days" in soon.body
    assert "the 30 days to answer a request letter are up" in late.body
    assert "Office for Civil Rights" in late.body
    for message in bodies:
        text = message.body + message.alternatives[0][0] + message.subject
        assert CANARY not in text and SURNAME not in text
        assert reverse("records", kwargs={"case_id": rosa.pk}) in text


def test_a_letter_in_a_finished_opinion_is_not_reminded(rosa):
    send_letter(rosa, D0)
    Opinion.objects.filter(case=rosa).update(result="confirmation", decision="return")
    assert letter_kinds(run(25, 31)) == {}
