"""The four steps of the roadmap: each one's status, summary and next thing to do."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

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
    # The values stay English (they key the tag colours); the label is translated.
    NOT_STARTED = gettext_noop("Not started")
    IN_PROGRESS = gettext_noop("In progress")
    DONE = gettext_noop("Done")
    SKIPPED = gettext_noop("Skipped by choice")

    @property
    def label(self) -> str:
        return _(self.value)

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
    return display.date_text(d) if d else ""


# Step 1 ---------------------------------------------------------------------------


def inform_step(case: Case) -> Step:
    whose = display.whose(case)
    who = case.primary_provider_name or _("%(whose)s primary provider") % {"whose": whose}
    choice = case.inform_choice
    if choice == InformChoice.TOLD:
        status = Status.DONE
        if case.informed_on:
            summary = _("You told %(who)s on %(date)s.") % {
                "who": who,
                "date": date_text(case.informed_on),
            }
        else:
            summary = _("You told %(who)s.") % {"who": who}
        offered, suggested = case.provider_offered_records, case.provider_suggested_specialist
        if offered and suggested:
            summary += " " + _(
                "They offered to forward %(whose)s records and suggested a specialist."
            ) % {"whose": whose}
        elif offered:
            summary += " " + _("They offered to forward %(whose)s records.") % {"whose": whose}
        elif suggested:
            summary += " " + _("They suggested a specialist.")
        next_ = ""
    elif choice == InformChoice.PREFER_NOT:
        status = Status.SKIPPED
        summary = _("You chose not to tell them. That is fine: this step is optional.")
        next_ = ""
    elif choice == InformChoice.WILL_TELL:
        status = Status.IN_PROGRESS
        summary = _("You plan to tell %(who)s.") % {"who": who}
        next_ = _("Tell %(who)s, and ask whether they will forward %(whose)s records.") % {
            "who": who,
            "whose": whose,
        }
    elif case.primary_provider_name:
        status = Status.IN_PROGRESS
        summary = _("%(whose)s primary provider is %(who)s.") % {"whose": whose, "who": who}
        summary = summary[:1].upper() + summary[1:]
        next_ = _("Decide whether to tell them. It is optional.")
    else:
        status = Status.NOT_STARTED
        summary = _("Optional. Many doctors welcome second opinions and help with records.")
        next_ = _("Decide whether you are comfortable telling %(whose)s primary provider.") % {
            "whose": whose
        }
    title = _("Inform %(whose)s primary provider") % {"whose": whose}
    return Step(1, title, "step_inform", status, summary, next_, True)


# Step 2 ---------------------------------------------------------------------------


def _approval_next(case: Case, kind: str, status: str, requested_on: dt.date | None) -> str:
    """``kind`` is "referral" or "prior authorization" (translated before it comes here)."""
    words = {"kind": kind, "whose": display.whose(case), "they_need": display.they_need(case)}
    if not status:
        return _("Ask %(whose)s insurer whether %(they_need)s a %(kind)s.") % words
    if status == ApprovalStatus.TO_REQUEST:
        return _("Ask for the %(kind)s.") % words
    if status == ApprovalStatus.REQUESTED:
        if requested_on:
            return _(
                "Wait for the %(kind)s decision (requested %(date)s); call if it takes long."
            ) % {**words, "date": date_text(requested_on)}
        return _("Wait for the %(kind)s decision; call if it takes long.") % words
    if status == ApprovalStatus.DENIED:
        return (
            _("The %(kind)s was denied: ask %(whose)s insurer how to appeal or who is covered.")
            % words
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
        parts.append(
            _("Referral: %(status)s") % {"status": opinion.get_referral_status_display().lower()}
        )
    if opinion.prior_auth_status:
        parts.append(
            _("Prior authorization: %(status)s")
            % {"status": opinion.get_prior_auth_status_display().lower()}
        )
    if calls:
        parts.append(
            ngettext("%(count)d call noted", "%(count)d calls noted", len(calls))
            % {"count": len(calls)}
        )
    summary = (
        ". ".join(str(p) for p in parts) + "."
        if parts
        else _("Find out what is covered and what you need.")
    )

    mine = case.relationship == "self"
    if not case.insurer:
        if mine:
            next_ = _("Add your insurance details, then call your insurer.")
        else:
            next_ = _("Add %(whose)s insurance details, then call the insurer.") % {
                "whose": display.whose(case)
            }
    elif not opinion.coverage:
        if mine:
            next_ = _("Call your insurer to ask whether a second opinion is covered.")
        else:
            next_ = _("Call the insurer to ask whether a second opinion is covered.")
    else:
        next_ = (
            _approval_next(
                case, _("referral"), opinion.referral_status, opinion.referral_requested_on
            )
            or _approval_next(case, _("prior authorization"), opinion.prior_auth_status, None)
            or (_("Check whether the specialist is in network.") if not opinion.in_network else "")
        )
    return Step(2, _("Check insurance and referral"), "step_insurance", status, summary, next_)


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
    if total:
        summary = ngettext(
            "%(ready)d of %(count)d record ready.", "%(ready)d of %(count)d records ready.", total
        ) % {"ready": len(ready), "count": total}
    else:
        summary = _("No records on the list yet.")
    if late:
        next_ = ngettext(
            "Call about %(count)d record requested over %(days)d days ago.",
            "Call about %(count)d records requested over %(days)d days ago.",
            len(late),
        ) % {"count": len(late), "days": RECORD_FOLLOW_UP_DAYS}
    elif needed:
        next_ = ngettext(
            "Request the %(count)d record still needed.",
            "Request the %(count)d records still needed.",
            len(needed),
        ) % {"count": len(needed)}
    elif waiting:
        next_ = ngettext(
            "Wait for %(count)d requested record.",
            "Wait for %(count)d requested records.",
            len(waiting),
        ) % {"count": len(waiting)}
    elif not total:
        next_ = _("Add the records the specialist will need.")
    else:
        next_ = ""
    return Step(3, _("Request medical records"), "records", status, summary, next_)


# Step 4 ---------------------------------------------------------------------------


def appointment_step(opinion: Opinion, case: Case) -> Step:
    whose = display.whose(case)
    where = opinion.specialist_institution or opinion.specialist_name
    if opinion.appointment_at:
        status = Status.DONE
        when = when_text(opinion.appointment_at)
        if where:
            summary = _("Booked for %(when)s at %(where)s.") % {"when": when, "where": where}
        else:
            summary = _("Booked for %(when)s.") % {"when": when}
        next_ = (
            _("Call the specialist's office to check %(whose)s records have arrived.")
            % {"whose": whose}
            if opinion.records_arrived != YesNo.YES
            else ""
        )
    elif opinion.specialist_name or opinion.specialist_institution:
        status = Status.IN_PROGRESS
        summary = _("Specialist: %(where)s.") % {"where": where}
        next_ = _(
            "Book the appointment. Say it is for a second opinion: it often gets a longer slot."
        )
    else:
        status = Status.NOT_STARTED
        summary = _("Choose a specialist in the field, ideally not a close colleague of the first.")
        next_ = _("Find a specialist and book the appointment.")
    return Step(4, _("Schedule the appointment"), "step_appointment", status, summary, next_)


def when_text(value: dt.datetime) -> str:
    return display.date_and_time(value)
