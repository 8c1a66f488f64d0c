"""Plain sentences about time at the top of the case page: delay is the article's first risk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
                _capital(
                    _(
                        "%(whose)s appointment on %(day)s is after the date treatment would "
                        "start (%(start)s). Ask the first doctor whether treatment can safely "
                        "wait, or ask the specialist's office for an earlier date."
                    )
                    % {
                        "whose": display.whose(case),
                        "day": date_text(appointment_day),
                        "start": date_text(start_by),
                    }
                ),
                "step_appointment",
                _("Change the appointment"),
            )
        )
    if start_by and not appointment_day and (start_by - today).days <= START_BY_CLOSE_DAYS:
        days = (start_by - today).days
        if days < 0:
            message = _(
                "Treatment was due to start on %(date)s, and no appointment is booked yet. "
                "Ask the first doctor how long it is safe to wait."
            ) % {"date": date_text(start_by)}
        elif days == 0:
            message = _(
                "Treatment would start today, and no appointment is booked yet. "
                "Ask the first doctor how long it is safe to wait."
            )
        else:
            message = ngettext(
                "Treatment would start by %(date)s, in %(count)d day, and no appointment is "
                "booked yet. Ask the first doctor how long it is safe to wait.",
                "Treatment would start by %(date)s, in %(count)d days, and no appointment is "
                "booked yet. Ask the first doctor how long it is safe to wait.",
                days,
            ) % {"date": date_text(start_by), "count": days}
        out.append(
            Warning(
                message,
                "step_appointment",
                _("Book the appointment"),
            )
        )
    late = [r for r in records if r.needs_follow_up(today)]
    if late:
        names = ", ".join(r.name for r in late[:3])
        if len(late) > 3:
            names = _("%(names)s and others") % {"names": names}
        out.append(
            Warning(
                ngettext(
                    "%(count)d record was requested more than %(days)d days ago and not "
                    "received yet (%(names)s). Call to check on them.",
                    "%(count)d records were requested more than %(days)d days ago and not "
                    "received yet (%(names)s). Call to check on them.",
                    len(late),
                )
                % {"count": len(late), "days": RECORD_FOLLOW_UP_DAYS, "names": names},
                "records",
                _("See the records"),
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
                _(
                    "The referral was requested on %(date)s, more than two weeks ago, "
                    "and there is no decision yet. Call your insurer to ask about it."
                )
                % {"date": date_text(requested)},
                "step_insurance",
                _("See insurance and referral"),
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
                _(
                    "Prior authorization was requested on %(date)s, more than two weeks "
                    "ago, and there is no decision yet. Call your insurer to ask about it."
                )
                % {"date": date_text(asked)},
                "step_insurance",
                _("See insurance and referral"),
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
            message = _(
                "The records request to %(source)s was due by %(due)s and is %(late)s. "
                "Call the records office. Unless they gave you a written notice of one 30-day "
                "extension, you can complain to the HHS Office for Civil Rights."
            ) % {"source": source.name, "due": date_text(clock.deadline), "late": clock.summary}
        else:
            message = _(
                "The records request to %(source)s was sent on %(sent)s: %(left)s, "
                "the answer is due by %(due)s."
            ) % {
                "source": source.name,
                "sent": date_text(clock.sent_on),
                "left": clock.summary,
                "due": date_text(clock.deadline),
            }
        out.append(Warning(message, "records", _("See the records and letters")))
    return out
