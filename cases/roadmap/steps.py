"""The four steps of the roadmap: each one's status, summary and next thing to do."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from cases import display
from cases.models import Case, InformChoice, InsuranceCall, Opinion
from cases.models.items import FOLLOW_UP_AFTER_DAYS, RecordItem, RecordStatus
from cases.models.opinion import ApprovalStatus, YesNo

# The article's first risk is delay: these say when a step has stalled.
RECORD_FOLLOW_UP_DAYS = FOLLOW_UP_AFTER_DAYS
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
    def is_open(self) -> bool:
        """Still to do: neither done nor skipped."""
        return self not in (Status.DONE, Status.SKIPPED)

    @property
    def tag_class(self) -> str:
        return display.tag_class(self)


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    url_name: str
    status: Status
    summary: str
    next: str = ""
    optional: bool = False


def date_text(d: dt.date | None) -> str:
    return f"{d:%-d %B %Y}" if d else ""


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


# Step 1 ---------------------------------------------------------------------------


def inform_step(case: Case) -> Step:
    whose = display.whose(case)
    who = case.primary_provider_name or f"{whose} primary provider"
    choice = case.inform_choice
    if choice == InformChoice.TOLD:
        status = Status.DONE
        summary = f"You told {who}" + (
            f" on {date_text(case.informed_on)}." if case.informed_on else "."
        )
        helped = []
        if case.provider_offered_records:
            helped.append(f"offered to forward {whose} records")
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
        next_ = f"Tell {who}, and ask whether they will forward {whose} records."
    elif case.primary_provider_name:
        status = Status.IN_PROGRESS
        summary = f"{whose[:1].upper()}{whose[1:]} primary provider is {who}."
        next_ = "Decide whether to tell them. It is optional."
    else:
        status = Status.NOT_STARTED
        summary = "Optional. Many doctors welcome second opinions and help with records."
        next_ = f"Decide whether you are comfortable telling {whose} primary provider."
    title = f"Inform {whose} primary provider"
    return Step(1, title, "step_inform", status, summary, next_, True)


# Step 2 ---------------------------------------------------------------------------


def _approval_next(case: Case, kind: str, status: str, requested_on: dt.date | None) -> str:
    if not status:
        return f"Ask {display.whose(case)} insurer whether {display.they_need(case)} a {kind}."
    if status == ApprovalStatus.TO_REQUEST:
        return f"Ask for the {kind}."
    if status == ApprovalStatus.REQUESTED:
        since = f" (requested {date_text(requested_on)})" if requested_on else ""
        return f"Wait for the {kind} decision{since}; call if it takes long."
    if status == ApprovalStatus.DENIED:
        return (
            f"The {kind} was denied: ask {display.whose(case)} insurer how to appeal "
            "or who is covered."
        )
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
        parts.append(plural(len(calls), "call") + " noted")
    summary = ". ".join(parts) + "." if parts else "Find out what is covered and what you need."

    insurer = "your insurer" if case.relationship == "self" else "the insurer"
    if not case.insurer:
        next_ = f"Add {display.whose(case)} insurance details, then call {insurer}."
    elif not opinion.coverage:
        next_ = f"Call {insurer} to ask whether a second opinion is covered."
    else:
        next_ = (
            _approval_next(case, "referral", opinion.referral_status, opinion.referral_requested_on)
            or _approval_next(case, "prior authorization", opinion.prior_auth_status, None)
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
        late_text = plural(len(late), "record")
        next_ = f"Call about {late_text} requested over {RECORD_FOLLOW_UP_DAYS} days ago."
    elif needed:
        next_ = f"Request the {plural(len(needed), 'record')} still needed."
    elif waiting:
        next_ = f"Wait for {plural(len(waiting), 'requested record')}."
    elif not total:
        next_ = "Add the records the specialist will need."
    else:
        next_ = ""
    return Step(3, "Request medical records", "records", status, summary, next_)


# Step 4 ---------------------------------------------------------------------------


def appointment_step(opinion: Opinion, case: Case) -> Step:
    whose = display.whose(case)
    where = opinion.specialist_institution or opinion.specialist_name
    if opinion.appointment_at:
        status = Status.DONE
        summary = f"Booked for {when_text(opinion.appointment_at)}" + (
            f" at {where}." if where else "."
        )
        next_ = (
            f"Call the specialist's office to check {whose} records have arrived."
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


def when_text(value: dt.datetime) -> str:
    return display.date_and_time(value)
