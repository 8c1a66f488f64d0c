"""Whom to remind of what the rules find due, and what they have been sent already."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from cases.models import Membership, SentReminder
from cases.models.case import Relationship
from cases.models.sharing import wanting_reminders

from .rules import LOOK_AHEAD, LOOK_BACK, RULES, Rule


@dataclass(frozen=True, slots=True)
class Recipient:
    """A member to remind about a case, as the one query fetches them."""

    user_id: int
    case_id: uuid.UUID
    email: str
    greeting: str  # the member's first name
    patient: str  # the patient's name: only its first word is ever written
    own_case: bool  # the patient, keeping their own case


def recipients(today: dt.date, rules: Iterable[Rule] = RULES) -> list[Recipient]:
    """Members who want reminders, of the cases with something due today under
    ``rules`` (one query)."""
    # Uncorrelated IN subqueries: the database works each rule out once (a hashed
    # subplan), where an EXISTS per rule would run again for every membership.
    something_due = Q(pk__in=[])
    for rule in rules:
        something_due |= Q(case_id__in=rule.query(today).values(rule.case_path))
    rows = (
        Membership.objects.filter(wanting_reminders(), something_due, user__is_active=True)
        .exclude(user__email="")
        .order_by()
        .values_list(
            "user_id",
            "case_id",
            "user__email",
            "user__first_name",
            "case__patient_name",
            "case__relationship",
            "case__created_by_id",
        )
    )
    return [
        Recipient(user, case, email, greeting, patient, kind == Relationship.SELF and by == user)
        for user, case, email, greeting, patient, kind, by in rows
    ]


def already_sent(today: dt.date) -> set[tuple]:
    """(user, case, kind, subject, due date) of the reminders sent for the occurrences
    the rules can find today."""
    return set(
        SentReminder.objects.filter(due_on__range=(today - LOOK_BACK, today + LOOK_AHEAD))
        .order_by()
        .values_list("user_id", "case_id", "kind", "subject_id", "due_on")
    )
