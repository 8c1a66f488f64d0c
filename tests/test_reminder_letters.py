"""Reminders of a request letter's 30 days: before the answer is due, and once it is late.

Rosa's case (tests/reminders_support.py), with letters sent on a controlled clock.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from cases.models import Opinion, RecordItem
from cases.models.items import RecordStatus
from tests.reminders_support import ALICE, BOB, CANARY, D0, SURNAME, K, day, rosa_case, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def rosa(owner, caregiver, viewer):
    return rosa_case(owner, caregiver, viewer)


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
