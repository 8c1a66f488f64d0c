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
import functools
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from cases.display import time_of_day
from cases.models import (
    AuthorityKind,
    Case,
    Medication,
    Membership,
    Opinion,
    Question,
    RecordItem,
    ReminderKind,
    SentReminder,
)
from cases.models.case import Relationship
from cases.models.items import RecordStatus
from cases.models.opinion import ApprovalStatus
from cases.models.preferences import AccountLanguage
from cases.models.sharing import wanting_reminders
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
# Every occurrence hangs on a date in this range around today (see _already_sent).
LOOK_BACK = dt.timedelta(days=max(RECORD_LATEST_DAYS, APPROVAL_LATEST_DAYS))
LOOK_AHEAD = dt.timedelta(days=max(AUTHORITY_WARN_DAYS, START_BY_CLOSE_DAYS, 3))

UNSUBSCRIBE_SALT = "cases.reminders.unsubscribe"
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
    return Q(**{f"{path}result": "", f"{path}decision": ""}) & ~Exists(later)


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
        days = (row["authority_expires"] - today).days
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
        dues.append(Due(row["case_id"], kind, row["id"], row["authority_expires"], facts))
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


RULES = [
    Rule(_appointments, "case_id", _appointment_dues),
    Rule(_start_by, "pk", _start_by_dues),
    Rule(_authority, "case_id", _authority_dues),
    Rule(_records, "opinion__case_id", _record_dues),
    Rule(_referrals, "case_id", _approval_dues(K.REFERRAL_PENDING, "referral_requested_on")),
    Rule(_prior_auths, "case_id", _approval_dues(K.PRIOR_AUTH_PENDING, "prior_auth_requested_on")),
]


def due_on(today: dt.date, rules: Iterable[Rule] = RULES) -> list[Due]:
    """Everything due today on every case, whoever it goes to."""
    return [due for rule in rules for due in rule.occurrences(rule.query(today), today)]


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


def _already_sent(today: dt.date) -> set[tuple]:
    return set(
        SentReminder.objects.filter(due_on__range=(today - LOOK_BACK, today + LOOK_AHEAD))
        .order_by()
        .values_list("user_id", "case_id", "kind", "subject_id", "due_on")
    )


# The email -----------------------------------------------------------------------------


def first_name(patient_name: str) -> str:
    words = patient_name.split()
    return words[0] if words else "the patient"


def _whose(recipient: Recipient) -> str:
    """ "your" for the patient keeping their own case, else "John's"."""
    return "your" if recipient.own_case else f"{first_name(recipient.patient)}'s"


def _cap(text: str) -> str:
    """Capitalise the first letter only: "McAllister's" keeps its capital A."""
    return text[:1].upper() + text[1:]


_ANY_CASE = uuid.UUID(int=0)


@functools.cache
def _path_pattern(name: str) -> str:
    # reverse() costs more than the rest of an email: ask once per URL name.
    return reverse(name, kwargs={"case_id": _ANY_CASE})


def _url(name: str, case_id: uuid.UUID) -> str:
    return settings.SITE_URL + _path_pattern(name).replace(str(_ANY_CASE), str(case_id), 1)


def _date(day: dt.date) -> str:
    return f"{day:%A %-d %B %Y}"


def _in_days(days: int) -> str:
    return "tomorrow" if days == 1 else f"in {days} days"


def _ago(days: int) -> str:
    return f"{days} days ago"


@dataclass
class Item:
    """One reminder as the email says it."""

    headline: str
    lines: list[str]
    link: str
    link_text: str


def _appointment_item(due: Due, whose: str) -> Item:
    at, days = due.facts["at"], due.facts["days"]
    when = "today" if days == 0 else _in_days(days)
    lines = [f"It is on {_date(at.date())} at {time_of_day(at)}."]
    if due.facts["missing"]:
        lines.append("Still missing from “What to bring”: " + "; ".join(due.facts["missing"]) + ".")
    else:
        lines.append("Everything on the “What to bring” list is ready.")
    lines.append("Bring a notebook and pen, or someone to take notes.")
    return Item(
        f"{_cap(whose)} appointment is {when}",
        lines,
        _url("step_appointment", due.case_id),
        "See the appointment and what to bring",
    )


def _start_by_item(due: Due, whose: str) -> Item:
    days = due.facts["days"]
    when = "today" if days == 0 else _in_days(days)
    return Item(
        f"Book {whose} appointment: the start date is {when}",
        [
            f"The first doctor planned to start on {_date(due.due_on)}, and no appointment "
            "for the second opinion is booked yet.",
            f"Ask the first doctor how long it is safe to wait, and book {whose} appointment.",
        ],
        _url("step_appointment", due.case_id),
        "Book the appointment",
    )


def _authority_item(due: Due, recipient: Recipient, first: str) -> Item:
    days = due.facts["days"]
    own = due.facts["holder_id"] == recipient.user_id
    holder = "you" if own else due.facts["holder"]
    whose = "Your" if own else f"{due.facts['holder']}'s"
    if days > 0:
        headline = f"Renew the authority on file to act for {first}"
        status = f"ends {_in_days(days)}, on {_date(due.due_on)}"
    elif days == 0:
        headline = f"The authority on file to act for {first} ends today"
        status = f"ends today, {_date(due.due_on)}"
    else:
        headline = f"The authority on file to act for {first} has ended"
        status = f"ended on {_date(due.due_on)}"
    return Item(
        headline,
        [
            f"{whose} authority on file ({_lower_first(due.facts['authority'])}) {status}.",
            f"Without it, hospitals and insurers may stop talking to {holder} or sending "
            "records. Renew it, then change the date on the case.",
        ],
        _url("case_members", due.case_id),
        "See the people with access",
    )


def _lower_first(label: str) -> str:
    """ "Health care proxy" reads "health care proxy" mid-sentence; "HIPAA" stays."""
    return label[0].lower() + label[1:] if label[1:2].islower() else label


def _records_item(dues: list[Due], whose: str) -> Item:
    n = len(dues)
    by_day: dict[dt.date, list[Due]] = defaultdict(list)
    for due in dues:
        by_day[due.due_on].append(due)

    def records(count: int) -> str:
        return f"{count} record" if count == 1 else f"{count} records"

    if len(by_day) == 1:
        lines = [
            f"{'It was' if n == 1 else 'They were'} asked for on {_date(dues[0].due_on)}, "
            f"{_ago(dues[0].facts['days'])}."
        ]
    else:
        lines = [
            f"{_cap(records(len(same)))} asked for on {_date(day)}, {_ago(same[0].facts['days'])}."
            for day, same in sorted(by_day.items())
        ]
    them = "it" if n == 1 else "them"
    return Item(
        f"{_cap(whose)} records: {n} not received yet",
        [
            *lines,
            f"Call the place that holds {them} to check {them} is on the way."
            if n == 1
            else "Call the places that hold them to check they are on the way.",
        ],
        _url("records", dues[0].case_id),
        "See the records",
    )


def _approval_item(due: Due, what: str, whose: str) -> Item:
    return Item(
        f"Call about {whose} {what}",
        [
            f"The {what} was requested on {_date(due.due_on)}, {_ago(due.facts['days'])}, "
            "and there is no decision yet.",
            "Call to ask where it stands, and note the call on the case.",
        ],
        _url("step_insurance", due.case_id),
        f"See the {what}",
    )


def items_for(recipient: Recipient, dues: Iterable[Due]) -> list[Item]:
    """The reminders of one email, most pressing first; late records make one item."""
    whose, first = _whose(recipient), first_name(recipient.patient)
    items: list[Item | None] = []
    records: list[Due] = []
    for due in sorted(dues, key=lambda d: (ORDER[d.kind], d.due_on, d.subject_id)):
        if due.kind in (K.APPOINTMENT_SOON, K.APPOINTMENT_NEXT_DAY):
            items.append(_appointment_item(due, whose))
        elif due.kind == K.START_BY_NO_APPOINTMENT:
            items.append(_start_by_item(due, whose))
        elif due.kind in (K.AUTHORITY_EXPIRED, K.AUTHORITY_7_DAYS, K.AUTHORITY_30_DAYS):
            items.append(_authority_item(due, recipient, first))
        elif due.kind == K.RECORD_OVERDUE:
            if not records:
                items.append(None)  # the place of the records' item
            records.append(due)
        elif due.kind == K.REFERRAL_PENDING:
            items.append(_approval_item(due, "referral", whose))
        elif due.kind == K.PRIOR_AUTH_PENDING:
            items.append(_approval_item(due, "prior authorization", whose))
    return [item or _records_item(records, whose) for item in items]


def unsubscribe_token(case_id: uuid.UUID, user_id: int) -> str:
    """Signed ids only; it never expires, as a mailbox keeps old reminders."""
    return signing.dumps({"c": str(case_id), "u": user_id}, salt=UNSUBSCRIBE_SALT)


def membership_from_token(token: str) -> Membership | None:
    """The membership an unsubscribe link stands for, or None if the link is bad or the
    person no longer belongs to the case."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        case_id, user_id = uuid.UUID(data["c"]), int(data["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return (
        Membership.objects.select_related("case", "user")
        .filter(case_id=case_id, user_id=user_id)
        .first()
    )


@functools.cache
def _unsubscribe_pattern() -> str:
    return reverse("reminders_unsubscribe", kwargs={"token": "TOKEN"})


def compose(recipient: Recipient, dues: Iterable[Due]) -> EmailMultiAlternatives:
    """One email to one member about one case: plain text and accessible HTML, with
    one-click unsubscribe (RFC 8058)."""
    items = items_for(recipient, dues)
    whose = _whose(recipient)
    if len(items) == 1:
        subject = items[0].headline
    else:
        subject = f"{len(items)} things to do for {whose} second opinion"
    unsubscribe = settings.SITE_URL + _unsubscribe_pattern().replace(
        "TOKEN", unsubscribe_token(recipient.case_id, recipient.user_id), 1
    )
    context = {
        "subject": subject,
        "greeting": recipient.greeting,
        "whose": whose,
        "items": items,
        "case_url": _url("case_detail", recipient.case_id),
        "settings_url": _url("case_reminders", recipient.case_id),
        "unsubscribe_url": unsubscribe,
    }
    message = EmailMultiAlternatives(
        subject=f"Second Opinion: {subject}",
        body=render_to_string("emails/reminders.txt", context),
        to=[recipient.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # Tells vacation responders not to answer (RFC 3834).
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(render_to_string("emails/reminders.html", context), "text/html")
    return message


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
    sent = _already_sent(today)
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
