"""Where a case stands on the article's four-step roadmap, worked out from its data.

Plain functions over a case, its current opinion and lists that the view has already
prefetched: nothing here queries the database, so the case page costs the same
number of queries with one record or fifty. ``today`` is a parameter so that tests
can fix it.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from cases.models import Case, InformChoice, InsuranceCall, Medication, Opinion, Question
from cases.models.items import RecordItem, RecordKind, RecordStatus
from cases.models.opinion import ApprovalStatus, YesNo

# The article's first risk is delay: these say when a step has stalled.
RECORD_FOLLOW_UP_DAYS = 10
REFERRAL_FOLLOW_UP_DAYS = 14
START_BY_CLOSE_DAYS = 14

SETTLED = (ApprovalStatus.NOT_NEEDED, ApprovalStatus.APPROVED)


class Status(enum.Enum):
    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    DONE = "Done"
    SKIPPED = "Skipped by choice"

    @property
    def label(self) -> str:
        return self.value

    @property
    def tag_class(self) -> str:
        return {
            Status.NOT_STARTED: "tag--grey",
            Status.IN_PROGRESS: "tag--blue",
            Status.DONE: "tag--green",
            Status.SKIPPED: "tag--grey",
        }[self]


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    url_name: str
    status: Status
    summary: str
    next: str = ""
    optional: bool = False


@dataclass(frozen=True)
class Warning:
    """A plain sentence about time, shown at the top of the case page."""

    message: str
    url_name: str = ""
    link_text: str = ""


@dataclass(frozen=True)
class BringItem:
    label: str
    ready: bool | None  # None: nothing in the data can tell (a notebook)
    detail: str
    url_name: str = ""
    link_text: str = ""


@dataclass
class Roadmap:
    steps: list[Step]
    warnings: list[Warning]
    bring: list[BringItem]
    records_ready: int = 0
    records_total: int = 0


def _date(d: dt.date | None) -> str:
    return f"{d:%-d %B %Y}" if d else ""


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


# Step 1 ---------------------------------------------------------------------------


def inform_step(case: Case) -> Step:
    who = case.primary_provider_name or "your primary provider"
    choice = case.inform_choice
    if choice == InformChoice.TOLD:
        status = Status.DONE
        summary = f"You told {who}" + (
            f" on {_date(case.informed_on)}." if case.informed_on else "."
        )
        helped = []
        if case.provider_offered_records:
            helped.append("offered to forward your records")
        if case.provider_suggested_specialist:
            helped.append("suggested a specialist")
        if helped:
            summary += " They " + " and ".join(helped) + "."
        next_ = ""
    elif choice == InformChoice.PREFER_NOT:
        status = Status.SKIPPED
        summary = "You chose not to tell them. That is fine: this step is optional."
        next_ = ""
    elif choice == InformChoice.WILL_TELL:
        status = Status.IN_PROGRESS
        summary = f"You plan to tell {who}."
        next_ = f"Tell {who}, and ask whether they will forward your records."
    elif case.primary_provider_name:
        status = Status.IN_PROGRESS
        summary = f"Your primary provider is {who}."
        next_ = "Decide whether to tell them. It is optional."
    else:
        status = Status.NOT_STARTED
        summary = "Optional. Many doctors welcome second opinions and help with records."
        next_ = "Decide whether you are comfortable telling your primary provider."
    return Step(1, "Inform your primary provider", "step_inform", status, summary, next_, True)


# Step 2 ---------------------------------------------------------------------------


def _approval_next(kind: str, status: str, requested_on: dt.date | None) -> str:
    if not status:
        return f"Ask your insurer whether you need a {kind}."
    if status == ApprovalStatus.TO_REQUEST:
        return f"Ask for the {kind}."
    if status == ApprovalStatus.REQUESTED:
        since = f" (requested {_date(requested_on)})" if requested_on else ""
        return f"Wait for the {kind} decision{since}; call if it takes long."
    if status == ApprovalStatus.DENIED:
        return f"The {kind} was denied: ask your insurer how to appeal or who is covered."
    return ""


def insurance_step(case: Case, opinion: Opinion, calls: Sequence[InsuranceCall]) -> Step:
    referral_ok = opinion.referral_status in SETTLED
    auth_ok = opinion.prior_auth_status in SETTLED
    started = any(
        [
            case.insurer,
            case.member_id,
            opinion.coverage,
            opinion.referral_status,
            opinion.prior_auth_status,
            opinion.in_network,
            opinion.estimated_cost is not None,
            len(calls),
        ]
    )
    if opinion.coverage and referral_ok and auth_ok:
        status = Status.DONE
    elif started:
        status = Status.IN_PROGRESS
    else:
        status = Status.NOT_STARTED

    parts = []
    if opinion.coverage:
        parts.append(opinion.get_coverage_display())
    if opinion.referral_status:
        parts.append(f"Referral: {opinion.get_referral_status_display().lower()}")
    if opinion.prior_auth_status:
        parts.append(f"Prior authorization: {opinion.get_prior_auth_status_display().lower()}")
    if calls:
        parts.append(_plural(len(calls), "call") + " noted")
    summary = ". ".join(parts) + "." if parts else "Find out what is covered and what you need."

    if not case.insurer:
        next_ = "Add your insurance details, then call your insurer."
    elif not opinion.coverage:
        next_ = "Call your insurer to ask whether a second opinion is covered."
    else:
        next_ = (
            _approval_next("referral", opinion.referral_status, opinion.referral_requested_on)
            or _approval_next("prior authorization", opinion.prior_auth_status, None)
            or ("Check whether the specialist is in network." if not opinion.in_network else "")
        )
    return Step(2, "Check insurance and referral", "step_insurance", status, summary, next_)


# Step 3 ---------------------------------------------------------------------------


def records_step(records: Sequence[RecordItem], today: dt.date) -> Step:
    total = len(records)
    ready = [r for r in records if r.is_ready]
    late = [r for r in records if r.needs_follow_up(today)]
    needed = [r for r in records if r.status == RecordStatus.NEEDED]
    waiting = [r for r in records if r.status == RecordStatus.REQUESTED]
    if total and len(ready) == total:
        status = Status.DONE
    elif total and len(needed) < total:
        status = Status.IN_PROGRESS
    else:
        status = Status.NOT_STARTED
    summary = f"{len(ready)} of {total} records ready." if total else "No records on the list yet."
    if late:
        next_ = f"Call about {_plural(len(late), 'record')} requested over 10 days ago."
    elif needed:
        next_ = f"Request the {_plural(len(needed), 'record')} still needed."
    elif waiting:
        next_ = f"Wait for {_plural(len(waiting), 'requested record')}."
    elif not total:
        next_ = "Add the records the specialist will need."
    else:
        next_ = ""
    return Step(3, "Request medical records", "records", status, summary, next_)


# Step 4 ---------------------------------------------------------------------------


def appointment_step(opinion: Opinion) -> Step:
    where = opinion.specialist_institution or opinion.specialist_name
    if opinion.appointment_at:
        status = Status.DONE
        summary = f"Booked for {_when(opinion.appointment_at)}" + (
            f" at {where}." if where else "."
        )
        next_ = (
            "Call the specialist's office to check your records have arrived."
            if opinion.records_arrived != YesNo.YES
            else ""
        )
    elif opinion.specialist_name or opinion.specialist_institution:
        status = Status.IN_PROGRESS
        summary = f"Specialist: {where}."
        next_ = "Book the appointment. Say it is for a second opinion: it often gets a longer slot."
    else:
        status = Status.NOT_STARTED
        summary = "Choose a specialist in the field, ideally not a close colleague of the first."
        next_ = "Find a specialist and book the appointment."
    return Step(4, "Schedule the appointment", "step_appointment", status, summary, next_)


def _when(value: dt.datetime) -> str:
    local = timezone.localtime(value)
    return f"{local:%-d %B %Y} at {local:%-I:%M %p}".replace("AM", "am").replace("PM", "pm")


# Time ----------------------------------------------------------------------------


def timing_warnings(
    case: Case, opinion: Opinion, records: Sequence[RecordItem], today: dt.date
) -> list[Warning]:
    out: list[Warning] = []
    start_by = case.treatment_start_by
    appointment_day = None
    if opinion.appointment_at:
        appointment_day = timezone.localtime(opinion.appointment_at).date()
    if start_by and appointment_day and appointment_day > start_by:
        out.append(
            Warning(
                f"Your appointment on {_date(appointment_day)} is after the date treatment "
                f"would start ({_date(start_by)}). Ask the first doctor whether treatment can "
                "safely wait, or ask the specialist's office for an earlier date.",
                "step_appointment",
                "Change the appointment",
            )
        )
    if start_by and not appointment_day and (start_by - today).days <= START_BY_CLOSE_DAYS:
        days = (start_by - today).days
        if days < 0:
            when = f"was due to start on {_date(start_by)}"
        elif days == 0:
            when = "would start today"
        else:
            when = f"would start by {_date(start_by)}, in {_plural(days, 'day')}"
        out.append(
            Warning(
                f"Treatment {when}, and no appointment is booked yet. Ask the first doctor "
                "how long it is safe to wait.",
                "step_appointment",
                "Book the appointment",
            )
        )
    late = [r for r in records if r.needs_follow_up(today)]
    if late:
        names = ", ".join(r.name for r in late[:3]) + (" and others" if len(late) > 3 else "")
        out.append(
            Warning(
                f"{_plural(len(late), 'record was', 'records were')} requested more than "
                f"{RECORD_FOLLOW_UP_DAYS} days ago and not received yet ({names}). "
                "Call to check on them.",
                "records",
                "See the records",
            )
        )
    requested = opinion.referral_requested_on
    if (
        opinion.referral_status == ApprovalStatus.REQUESTED
        and requested
        and not opinion.referral_decided_on
        and (today - requested).days > REFERRAL_FOLLOW_UP_DAYS
    ):
        out.append(
            Warning(
                f"The referral was requested on {_date(requested)}, more than two weeks ago, "
                "and there is no decision yet. Call your insurer to ask about it.",
                "step_insurance",
                "See insurance and referral",
            )
        )
    asked = opinion.prior_auth_requested_on
    if (
        opinion.prior_auth_status == ApprovalStatus.REQUESTED
        and asked
        and (today - asked).days > REFERRAL_FOLLOW_UP_DAYS
    ):
        out.append(
            Warning(
                f"Prior authorization was requested on {_date(asked)}, more than two weeks "
                "ago, and there is no decision yet. Call your insurer to ask about it.",
                "step_insurance",
                "See insurance and referral",
            )
        )
    return out


# What to bring -------------------------------------------------------------------

PLAN_KINDS = {RecordKind.TREATMENT_PLAN}
IMAGE_KINDS = {RecordKind.IMAGES}
# The medication list is brought from the medications page, not as a record.
NOT_RECORDS = PLAN_KINDS | IMAGE_KINDS | {RecordKind.MEDICATION_LIST}


def _records_item(label: str, items: Sequence[RecordItem], empty: str) -> BringItem:
    if not items:
        return BringItem(label, False, empty, "records", "Add it to your records list")
    missing = [r.name for r in items if not r.is_ready]
    if not missing:
        return BringItem(label, True, "Ready.")
    ready = len(items) - len(missing)
    return BringItem(
        label,
        False,
        f"{ready} of {len(items)} ready. Still missing: {', '.join(missing)}.",
        "records",
        "See the records",
    )


def what_to_bring(
    records: Sequence[RecordItem],
    medications: Sequence[Medication],
    questions: Sequence[Question],
) -> list[BringItem]:
    """The article's list, each item marked ready or missing from what the case holds."""
    general = [r for r in records if r.kind not in NOT_RECORDS]
    images = [r for r in records if r.kind in IMAGE_KINDS]
    plans = [r for r in records if r.kind in PLAN_KINDS]
    meds = len(medications)
    qs = len(questions)
    return [
        _records_item("Medical records and test results", general, "None on your list yet."),
        _records_item(
            "Imaging on disc or USB", images, "No images on your list. Add them if you had scans."
        ),
        BringItem(
            "List of medications and dosages",
            meds > 0,
            f"{_plural(meds, 'medicine')} listed." if meds else "No medicines listed yet.",
            "medications",
            "See medications" if meds else "Add medications",
        ),
        _records_item(
            "Treatment plan from the first provider", plans, "Not on your records list yet."
        ),
        BringItem(
            "Questions for the doctor",
            qs > 0,
            f"{_plural(qs, 'question')} written down." if qs else "No questions written yet.",
            "questions",
            "See questions" if qs else "Write your questions",
        ),
        BringItem("A notebook and pen for notes", None, "Or bring someone to take notes."),
    ]


def roadmap(
    case: Case,
    opinion: Opinion,
    *,
    records: Sequence[RecordItem],
    medications: Sequence[Medication],
    questions: Sequence[Question],
    calls: Sequence[InsuranceCall],
    today: dt.date | None = None,
) -> Roadmap:
    today = today or timezone.localdate()
    return Roadmap(
        steps=[
            inform_step(case),
            insurance_step(case, opinion, calls),
            records_step(records, today),
            appointment_step(opinion),
        ],
        warnings=timing_warnings(case, opinion, records, today),
        bring=what_to_bring(records, medications, questions),
        records_ready=sum(1 for r in records if r.is_ready),
        records_total=len(records),
    )
