"""The daily reminders: what falls due today on every case, and one email per person.

Each rule below is one query over all cases, and the people to remind are one more,
so the job costs the same number of queries for ten cases or ten thousand
(bench/reminders.py). A reminder is sent once per person and occurrence: what was sent
is recorded in ``SentReminder`` in the same transaction as the emails, so the job is
safe to run twice. Windows are a few days wide so that a day the job did not run is
caught up on the next.

Minimum necessary: an email names the patient by first name and says what to do, with
links made of ids. It never carries the diagnosis, treatment, medicines, insurer,
record names, specialist or place (tests/test_reminders.py plants a canary in each).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from cases.models import SentReminder
from cases.models.preferences import AccountLanguage

from .emails import compose, first_name, membership_from_token, unsubscribe_token
from .recipients import already_sent, recipients
from .rules import RULES, WRITE_BATCH, Due, due_on

__all__ = [
    "compose",
    "due_on",
    "first_name",
    "membership_from_token",
    "recipients",
    "send_reminders",
    "unsubscribe_token",
]

# The job -------------------------------------------------------------------------------


@dataclass
class Report:
    emails: int = 0
    reminders: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"emails": self.emails, "reminders": self.reminders}


def _plan(today: dt.date) -> tuple[list[EmailMultiAlternatives], list[SentReminder]]:
    by_case: dict[uuid.UUID, list[Due]] = defaultdict(list)
    active = []
    for rule in RULES:
        dues = due_on(today, [rule])
        if dues:
            active.append(rule)
        for due in dues:
            by_case[due.case_id].append(due)
    if not by_case:
        return [], []
    sent = already_sent(today)
    messages, records = [], []
    people = recipients(today, active)
    # Each email in its reader's language: every recipient's, in one query.
    spoken = AccountLanguage.of_users({r.user_id for r in people})
    for recipient in people:
        fresh = [
            due
            for due in by_case.get(recipient.case_id, [])
            if (recipient.user_id, due.case_id, due.kind, due.subject_id, due.due_on) not in sent
        ]
        if not fresh:
            continue
        with translation.override(spoken.get(recipient.user_id, "en")):
            messages.append(compose(recipient, fresh))
        records += [
            SentReminder(
                user_id=recipient.user_id,
                case_id=due.case_id,
                kind=due.kind,
                subject_id=due.subject_id,
                due_on=due.due_on,
                sent_on=today,
            )
            for due in fresh
        ]
    return messages, records


def send_reminders(today: dt.date | None = None) -> Report:
    """Send the reminders due ``today`` (a local date) that nobody has been sent yet."""
    today = today or timezone.localdate()
    for attempt in range(2):
        # Worked out outside the transaction: on SQLite a write transaction blocks
        # everyone else's saves, so it only holds the inserts.
        messages, records = _plan(today)
        if not messages:
            break
        try:
            with transaction.atomic():
                SentReminder.objects.bulk_create(records, batch_size=WRITE_BATCH)
                get_connection().send_messages(messages)
        except IntegrityError:
            # Another run (cron beside the worker) recorded some of these meanwhile:
            # work it out again, and send only what is still unsent.
            if attempt:
                raise
            continue
        break
    report = Report(emails=len(messages))
    for record in records:
        report.reminders[record.kind] = report.reminders.get(record.kind, 0) + 1
    return report
