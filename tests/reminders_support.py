"""Rosa's case and a controlled clock, for the daily reminders' tests.

Alice owns Rosa's case, Bob (editor) helps and holds a health care proxy, Vera views.
Every free-text field of the case carries a canary that no email may contain.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core import mail
from django.db.models import Max
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
from tests.factories import add_member, make_case

K = ReminderKind
D0 = dt.date(2026, 3, 2)
CANARY = "CANARY"
SURNAME = "Quintanilla"
ALICE, BOB, VERA = "alice@example.org", "bob@example.org", "vera@example.org"


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def at(n: int, hour: int = 10, minute: int = 30) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day(n), dt.time(hour, minute)))


def rosa_case(owner, caregiver, viewer):
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
