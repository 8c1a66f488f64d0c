"""The largest case the limits allow: every text field full, every list at its limit.

Shared by bench/bounds.py (which times its packet and decision summary) and
tests/test_bounds.py (which checks that it builds and renders). The text is realistic
prose, words and spaces, so the PDF lays it out as it would a person's notes.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from cases import limits
from cases.models import (
    Attachment,
    Case,
    FileKind,
    FollowUpAction,
    InsuranceCall,
    Medication,
    Membership,
    Opinion,
    Question,
    RecordItem,
    RecordRequest,
    Role,
)
from cases.models.items import RecordFormat, RecordStatus
from tests.factories import make_case, make_user

PROSE = (
    "The specialist said the scan shows a small area that needs a closer look before any "
    "decision. She explained the risks of waiting and of acting now, and asked us to bring "
    "the earlier reports, the list of medicines and the letters from the first hospital. "
    "We should call the office on Monday to confirm the date and ask about parking. "
)


def text(length: int, seed: int = 0) -> str:
    """Exactly ``length`` characters of prose (a different start for each seed)."""
    start = (seed * 37) % len(PROSE)
    source = itertools.cycle(PROSE[start:] + PROSE[:start])
    return "".join(itertools.islice(source, length)).strip().ljust(length, ".")


def _full(model: type[models.Model], seed: int = 0, **values: Any) -> dict[str, Any]:
    """Every free-text field of ``model`` at its maximum, unless given in ``values``."""
    for field in model._meta.concrete_fields:
        if field.name in values or field.choices or not field.max_length:
            continue
        if isinstance(field, models.CharField | models.TextField) and field.editable:
            values[field.name] = text(field.max_length, seed)
    return values


def make_largest_case(owner=None) -> Case:
    """Build it; returns the case with ``membership`` set for the owner, as get_case does."""
    owner = owner or make_user("largest@example.org")
    today = timezone.localdate()
    case = make_case(
        owner,
        **_full(
            Case,
            relationship="parent",
            patient_dob=dt.date(1948, 2, 3),
            diagnosed_on=today - dt.timedelta(days=40),
            treatment_kind="surgery",
            treatment_urgency="weeks",
            treatment_start_by=today + dt.timedelta(days=30),
            reasons=["uncertain_diagnosis", "major_treatment", "other"],
            inform_choice="told",
            informed_on=today - dt.timedelta(days=20),
        ),
    )
    Medication.objects.bulk_create(
        Medication(case=case, position=i, **_full(Medication, i))
        for i in range(limits.most("medications"))
    )
    # Members with authority on file (the packet lists them); the owner is the first.
    Membership.objects.filter(case=case).update(
        authority_kind="proxy", authority_expires=today + dt.timedelta(days=300)
    )
    for i in range(limits.most("members") - 1):
        Membership.objects.create(
            case=case,
            user=make_user(f"relative{i}@example.org"),
            role=Role.EDITOR if i % 2 else Role.VIEWER,
            authority_kind="hipaa_release",
        )
    case.opinions.all().delete()
    for number in range(2, 2 + limits.most("opinions")):
        _opinion(case, number, today, last=number == 1 + limits.most("opinions"))
    _attachments(case.current_opinion(), owner)
    case.membership = Membership.objects.get(case=case, user=owner)
    return case


def _attachments(opinion: Opinion, owner) -> None:
    """The files limit's worth of attached documents, spread over the records.

    Rows only: the packet lists each document's name and pages and never opens it (the
    bundle that prints them has its own bound, in bytes)."""
    records = list(opinion.records.order_by("position"))
    name_length = Attachment._meta.get_field("name").max_length
    Attachment.objects.bulk_create(
        Attachment(
            record=records[i % len(records)],
            file=f"attachments/largest-{i}.pdf",
            name=text(name_length - 4, i) + ".pdf",
            kind=FileKind.PDF,
            size=1024,
            pages=3,
            added_by=owner,
        )
        for i in range(limits.most("files"))
    )


def _opinion(case: Case, number: int, today: dt.date, *, last: bool) -> Opinion:
    opinion = Opinion.objects.create(
        case=case,
        number=number,
        **_full(
            Opinion,
            number,
            coverage="partly",
            referral_status="approved",
            referral_requested_on=today - dt.timedelta(days=15),
            referral_decided_on=today - dt.timedelta(days=10),
            prior_auth_status="requested",
            prior_auth_requested_on=today - dt.timedelta(days=9),
            in_network="yes",
            estimated_cost=Decimal("1250.50"),
            appointment_at=timezone.now() + dt.timedelta(days=3),
            appointment_mode="in_person",
            records_arrived="yes",
            result="" if last else "disagreement",
            outcome_on=None if last else today - dt.timedelta(days=2),
            outcome_urgency="" if last else "weeks",
            outcome_cost=None if last else Decimal("99999.99"),
            decision="" if last else "third",
            decided_on=None if last else today - dt.timedelta(days=1),
        ),
    )
    statuses = list(RecordStatus)
    RecordItem.objects.bulk_create(
        RecordItem(
            opinion=opinion,
            position=i,
            status=statuses[i % len(statuses)],
            format=RecordFormat.DISC if i % 5 == 0 else RecordFormat.ELECTRONIC,
            requested_on=today - dt.timedelta(days=30 - i % 20),
            received_on=today - dt.timedelta(days=10 - i % 10) if i % 2 else None,
            **_full(RecordItem, i),
        )
        for i in range(limits.most("records"))
    )
    Question.objects.bulk_create(
        Question(opinion=opinion, position=i, **_full(Question, i))
        for i in range(limits.most("questions"))
    )
    InsuranceCall.objects.bulk_create(
        InsuranceCall(
            opinion=opinion, called_on=today - dt.timedelta(days=i), **_full(InsuranceCall, i)
        )
        for i in range(limits.most("calls"))
    )
    FollowUpAction.objects.bulk_create(
        FollowUpAction(
            opinion=opinion, due_on=today + dt.timedelta(days=i), **_full(FollowUpAction, i)
        )
        for i in range(limits.most("actions"))
    )
    RecordRequest.objects.bulk_create(
        RecordRequest(
            opinion=opinion,
            sent_on=today - dt.timedelta(days=i),
            sent_how="mail",
            source=f"{i:02d} " + text(RecordRequest._meta.get_field("source").max_length - 3, i),
        )
        for i in range(limits.most("letters"))
    )
    return opinion
