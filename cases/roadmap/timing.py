"""Plain sentences about time at the top of the case page: delay is the article's first risk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from cases import display
from cases.models import Case, Opinion
from cases.models.items import RecordItem
from cases.models.letters import RecordRequest
from cases.models.opinion import ApprovalStatus

from .steps import (
    RECORD_FOLLOW_UP_DAYS,
    REFERRAL_FOLLOW_UP_DAYS,
    START_BY_CLOSE_DAYS,
    date_text,
    plural,
)


@dataclass(frozen=True)
class Warning:
    """A plain sentence about time, shown at the top of the case page."""

    message: str
    url_name: str = ""
    link_text: str = ""


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def timing_warnings(
    case: Case,
    opinion: Opinion,
    records: Sequence[RecordItem],
    today: dt.date,
    letters: Sequence[RecordRequest] = (),
) -> list[Warning]:
    out: list[Warning] = []
    start_by = case.treatment_start_by
    appointment_day = None
    if opinion.appointment_at:
        appointment_day = timezone.localtime(opinion.appointment_at).date()
    if start_by and appointment_day and appointment_day > start_by:
        out.append(
            Warning(
                f"{_capital(display.whose(case))} appointment on {date_text(appointment_day)} "
                "is after the date treatment "
                f"would start ({date_text(start_by)}). Ask the first doctor whether treatment can "
                "safely wait, or ask the specialist's office for an earlier date.",
                "step_appointment",
                "Change the appointment",
            )
        )
    if start_by and not appointment_day and (start_by - today).days <= START_BY_CLOSE_DAYS:
        days = (start_by - today).days
        if days < 0:
            when = f"was due to start on {date_text(start_by)}"
        elif days == 0:
            when = "would start today"
        else:
            when = f"would start by {date_text(start_by)}, in {plural(days, 'day')}"
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
                f"{plural(len(late), 'record was', 'records were')} requested more than "
                f"{RECORD_FOLLOW_UP_DAYS} days ago and not received yet ({names}). "
                "Call to check on them.",
                "records",
                "See the records",
            )
        )
    out.extend(letter_warnings(records, letters, today))
    requested = opinion.referral_requested_on
    if (
        opinion.referral_status == ApprovalStatus.REQUESTED
        and requested
        and not opinion.referral_decided_on
        and (today - requested).days > REFERRAL_FOLLOW_UP_DAYS
    ):
        out.append(
            Warning(
                f"The referral was requested on {date_text(requested)}, more than two weeks ago, "
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
                f"Prior authorization was requested on {date_text(asked)}, more than two weeks "
                "ago, and there is no decision yet. Call your insurer to ask about it.",
                "step_insurance",
                "See insurance and referral",
            )
        )
    return out


def letter_warnings(
    records: Sequence[RecordItem], letters: Sequence[RecordRequest], today: dt.date
) -> list[Warning]:
    """Each records request still waiting for its records: days left, or what to do."""
    from cases.services.letters import running_clocks

    out = []
    for source in running_clocks(records, letters, today):
        clock = source.clock
        assert clock is not None  # running_clocks keeps the places with one
        if clock.overdue:
            message = (
                f"The records request to {source.name} was due by {date_text(clock.deadline)} "
                f"and is {clock.summary}. Call the records office. Unless they gave you a "
                "written notice of one 30-day extension, you can complain to the HHS Office "
                "for Civil Rights."
            )
        else:
            message = (
                f"The records request to {source.name} was sent on {date_text(clock.sent_on)}: "
                f"{clock.summary}, the answer is due by {date_text(clock.deadline)}."
            )
        out.append(Warning(message, "records", "See the records and letters"))
    return out
