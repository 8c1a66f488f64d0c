"""What falls due today on every case (whom to tell is recipients.py).

Each rule is one query over all cases, and the people to remind are one more, so the
job costs the same number of queries for ten cases or ten thousand (bench/reminders.py).
Windows are a few days wide so that a day the job did not run is caught up on the next.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone, translation

from cases.models import (
    AuthorityKind,
    Case,
    Medication,
    Membership,
    Opinion,
    Question,
    RecordItem,
    RecordRequest,
    ReminderKind,
)
from cases.models.items import RecordStatus
from cases.models.letters import EXTENSION_DAYS, RESPONSE_DAYS, source_key
from cases.models.opinion import ApprovalStatus
from cases.roadmap import (
    RECORD_FOLLOW_UP_DAYS,
    REFERRAL_FOLLOW_UP_DAYS,
    START_BY_CLOSE_DAYS,
    what_to_bring,
)
from cases.services.sharing import AUTHORITY_WARN_DAYS

K = ReminderKind

APPOINTMENT_SOON_DAYS = (2, 3)  # "in 3 days", or 2 if the job missed a day
APPOINTMENT_NEXT_DAY_DAYS = (0, 1)  # "tomorrow", or "today" if it missed one
AUTHORITY_SOON_DAYS = 7
# How late a reminder may still go out after its day, when the job did not run then.
RECORD_LATEST_DAYS = 30
APPROVAL_LATEST_DAYS = 45
AUTHORITY_EXPIRED_LATEST_DAYS = 7
# A request letter's answer is due RESPONSE_DAYS after it was sent: a reminder this many
# days before, and one once the day has passed (until the longest extension ends).
LETTER_SOON_DAYS = 5
LETTER_LATEST_DAYS = EXTENSION_DAYS
# Every occurrence hangs on a date in this range around today (see recipients.already_sent).
LOOK_BACK = dt.timedelta(days=max(RECORD_LATEST_DAYS, APPROVAL_LATEST_DAYS, LETTER_LATEST_DAYS))
LOOK_AHEAD = dt.timedelta(days=max(AUTHORITY_WARN_DAYS, START_BY_CLOSE_DAYS, 3, LETTER_SOON_DAYS))

# Rows per INSERT: one statement of ten thousand emails is slower than twenty.
WRITE_BATCH = 500
ORDER = {kind: i for i, kind in enumerate(ReminderKind)}


@dataclass(frozen=True)
class Due:
    """One occurrence of something due on a case; ``facts`` only feed the wording."""

    case_id: uuid.UUID
    kind: ReminderKind
    subject_id: int
    due_on: dt.date
    facts: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def is_open(path: str = "") -> Q:
    """The opinion at ``path`` is its case's latest, and its outcome is not in yet.

    Correlated on the row itself (an index lookup per row), not ``opinion__in=`` all
    open opinions, which a database may work out again wherever the rule is nested.
    """
    later = Opinion.objects.filter(
        case=OuterRef(f"{path}case"), number__gt=OuterRef(f"{path}number")
    )
    return Q(**{f"{path}result": "", f"{path}decision": ""}) & Q(~Exists(later))


def open_opinions() -> models.QuerySet[Opinion]:
    """Each case's latest opinion, while its outcome is not in yet."""
    return Opinion.objects.filter(is_open()).order_by()


# The rules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A query for today's occurrences, the path from its rows to their case, and how a
    row of it becomes a ``Due``."""

    query: Callable[[dt.date], models.QuerySet]
    case_path: str
    occurrences: Callable[[models.QuerySet, dt.date], list[Due]]


def _appointments(today: dt.date) -> models.QuerySet[Opinion]:
    last = max(APPOINTMENT_SOON_DAYS)
    return open_opinions().filter(
        appointment_at__gte=_midnight(today), appointment_at__lt=_midnight(today + _days(last + 1))
    )


def _missing_to_bring(opinions: models.QuerySet[Opinion]) -> dict[int, list[str]]:
    """For each opinion, the "What to bring" items the case page marks missing.

    Three grouped queries whatever the number of opinions; the page's own rules decide
    (cases.roadmap.what_to_bring), fed with stand-ins that hold only kind and status.
    """
    ids = opinions.values("pk")
    records: dict[int, list[RecordItem]] = defaultdict(list)
    for row in (
        RecordItem.objects.filter(opinion__in=ids)
        .order_by()
        .values("opinion_id", "kind", "status")
        .annotate(n=Count("id"))
    ):
        stand_in = RecordItem(kind=row["kind"], status=row["status"])
        records[row["opinion_id"]].extend([stand_in] * row["n"])
    medications = dict(
        Medication.objects.filter(case__opinions__in=ids)
        .order_by()
        .values("case_id")
        .annotate(n=Count("id", distinct=True))
        .values_list("case_id", "n")
    )
    questions = dict(
        Question.objects.filter(opinion__in=ids)
        .order_by()
        .values("opinion_id")
        .annotate(n=Count("id"))
        .values_list("opinion_id", "n")
    )
    missing = {}
    # The labels as written in the code (translation off): each email translates them into
    # its reader's language (cases/services/reminders/emails.py).
    with translation.override(None):
        for opinion_id, case_id in opinions.values_list("pk", "case_id"):
            items = what_to_bring(
                records[opinion_id],
                range(medications.get(case_id, 0)),
                range(questions.get(opinion_id, 0)),
            )
            missing[opinion_id] = [item.label for item in items if item.ready is False]
    return missing


def _appointment_dues(opinions: models.QuerySet[Opinion], today: dt.date) -> list[Due]:
    rows = list(opinions.values("id", "case_id", "appointment_at"))
    if not rows:
        return []
    missing = _missing_to_bring(opinions)
    dues = []
    for row in rows:
        at = timezone.localtime(row["appointment_at"])
        days = (at.date() - today).days
        kind = K.APPOINTMENT_SOON if days in APPOINTMENT_SOON_DAYS else K.APPOINTMENT_NEXT_DAY
        facts = {"at": at, "days": days, "missing": missing.get(row["id"], [])}
        dues.append(Due(row["case_id"], kind, row["id"], at.date(), facts))
    return dues


def _start_by(today: dt.date) -> models.QuerySet[Case]:
    unbooked = open_opinions().filter(case=OuterRef("pk"), appointment_at=None)
    return Case.objects.filter(
        treatment_start_by__range=(today, today + _days(START_BY_CLOSE_DAYS))
    ).filter(Exists(unbooked))


def _start_by_dues(cases: models.QuerySet[Case], today: dt.date) -> list[Due]:
    return [
        Due(pk, K.START_BY_NO_APPOINTMENT, 0, start_by, {"days": (start_by - today).days})
        for pk, start_by in cases.order_by().values_list("pk", "treatment_start_by")
        if start_by is not None  # always: the range leaves out empty dates
    ]


def _authority(today: dt.date) -> models.QuerySet[Membership]:
    return (
        Membership.objects.exclude(authority_kind="")
        .filter(
            authority_expires__range=(
                today - _days(AUTHORITY_EXPIRED_LATEST_DAYS),
                today + _days(AUTHORITY_WARN_DAYS),
            )
        )
        .order_by()
    )


def _authority_dues(memberships: models.QuerySet[Membership], today: dt.date) -> list[Due]:
    dues = []
    for row in memberships.values(
        "id",
        "case_id",
        "user_id",
        "authority_kind",
        "authority_expires",
        "user__first_name",
        "user__last_name",
        "user__email",
    ):
        expires = row["authority_expires"]
        assert expires is not None  # the range leaves out empty dates
        days = (expires - today).days
        if days <= 0:
            kind = K.AUTHORITY_EXPIRED
        elif days <= AUTHORITY_SOON_DAYS:
            kind = K.AUTHORITY_7_DAYS
        else:
            kind = K.AUTHORITY_30_DAYS
        holder = f"{row['user__first_name']} {row['user__last_name']}".strip()
        facts = {
            "days": days,
            "holder_id": row["user_id"],
            "holder": holder or row["user__email"],
            "authority": AuthorityKind(row["authority_kind"]).label,
        }
        dues.append(Due(row["case_id"], kind, row["id"], expires, facts))
    return dues


def _records(today: dt.date) -> models.QuerySet[RecordItem]:
    return (
        RecordItem.objects.filter(
            status=RecordStatus.REQUESTED,
            requested_on__range=(
                today - _days(RECORD_LATEST_DAYS),
                today - _days(RECORD_FOLLOW_UP_DAYS + 1),
            ),
        )
        .filter(is_open("opinion__"))
        .order_by()
    )


def _record_dues(records: models.QuerySet[RecordItem], today: dt.date) -> list[Due]:
    return [
        Due(case_id, K.RECORD_OVERDUE, pk, requested_on, {"days": (today - requested_on).days})
        for pk, requested_on, case_id in records.values_list(
            "pk", "requested_on", "opinion__case_id"
        )
        if requested_on is not None  # always: the range leaves out empty dates
    ]


def _approval_window(today: dt.date) -> tuple[dt.date, dt.date]:
    return (today - _days(APPROVAL_LATEST_DAYS), today - _days(REFERRAL_FOLLOW_UP_DAYS + 1))


def _referrals(today: dt.date) -> models.QuerySet[Opinion]:
    return open_opinions().filter(
        referral_status=ApprovalStatus.REQUESTED,
        referral_decided_on=None,
        referral_requested_on__range=_approval_window(today),
    )


def _prior_auths(today: dt.date) -> models.QuerySet[Opinion]:
    return open_opinions().filter(
        prior_auth_status=ApprovalStatus.REQUESTED,
        prior_auth_requested_on__range=_approval_window(today),
    )


def _approval_dues(kind: ReminderKind, date_field: str) -> Callable:
    def dues(opinions: models.QuerySet[Opinion], today: dt.date) -> list[Due]:
        return [
            Due(case_id, kind, pk, requested_on, {"days": (today - requested_on).days})
            for pk, case_id, requested_on in opinions.values_list("pk", "case_id", date_field)
        ]

    return dues


def _letters_sent(first: int, last: int) -> Callable[[dt.date], models.QuerySet]:
    """Letters sent between ``first`` and ``last`` days before today, in open opinions."""

    def query(today: dt.date) -> models.QuerySet[RecordRequest]:
        return (
            RecordRequest.objects.filter(sent_on__range=(today - _days(last), today - _days(first)))
            .filter(is_open("opinion__"))
            .order_by()
        )

    return query


def _letter_dues(kind: ReminderKind) -> Callable:
    def dues(letters: models.QuerySet[RecordRequest], today: dt.date) -> list[Due]:
        """Letters whose place still owes records: a reminder about a place that has
        sent everything would only worry people (two queries, whatever the number)."""
        fields = ("pk", "opinion_id", "opinion__case_id", "source", "sent_on")
        rows = list(letters.values_list(*fields))
        if not rows:
            return []
        owing = {
            (opinion_id, source_key(source))
            for opinion_id, source in RecordItem.objects.filter(
                opinion__in={row[1] for row in rows}
            )
            .exclude(status__in=(RecordStatus.RECEIVED, RecordStatus.SENT))
            .order_by()
            .values_list("opinion_id", "source")
        }
        out = []
        for pk, opinion_id, case_id, source, sent_on in rows:
            if (opinion_id, source_key(source)) not in owing:
                continue
            deadline = sent_on + _days(RESPONSE_DAYS)
            facts = {"sent_on": sent_on, "days_left": (deadline - today).days}
            out.append(Due(case_id, kind, pk, deadline, facts))
        return out

    return dues


RULES = [
    Rule(_appointments, "case_id", _appointment_dues),
    Rule(_start_by, "pk", _start_by_dues),
    Rule(_authority, "case_id", _authority_dues),
    Rule(_records, "opinion__case_id", _record_dues),
    Rule(_referrals, "case_id", _approval_dues(K.REFERRAL_PENDING, "referral_requested_on")),
    Rule(_prior_auths, "case_id", _approval_dues(K.PRIOR_AUTH_PENDING, "prior_auth_requested_on")),
    Rule(
        _letters_sent(RESPONSE_DAYS - LETTER_SOON_DAYS, RESPONSE_DAYS - 1),
        "opinion__case_id",
        _letter_dues(K.LETTER_DUE_SOON),
    ),
    Rule(
        _letters_sent(RESPONSE_DAYS + 1, RESPONSE_DAYS + LETTER_LATEST_DAYS),
        "opinion__case_id",
        _letter_dues(K.LETTER_OVERDUE),
    ),
]


def due_on(today: dt.date, rules: Iterable[Rule] = RULES) -> list[Due]:
    """Everything due today on every case, whoever it goes to."""
    return [due for rule in rules for due in rule.occurrences(rule.query(today), today)]
