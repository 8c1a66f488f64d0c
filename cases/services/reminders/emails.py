"""One reminder email to one member about one case.

Minimum necessary: an email names the patient by first name and says what to do, with
links made of ids. It never carries the diagnosis, treatment, medicines, insurer,
record names, specialist or place (tests/test_reminders.py plants a canary in each).
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.display import date_text, time_of_day
from cases.models import (
    Membership,
)
from cases.models.letters import EXTENSION_DAYS

from .recipients import Recipient
from .rules import ORDER, Due, K, _days

UNSUBSCRIBE_SALT = "cases.reminders.unsubscribe"

# The email -----------------------------------------------------------------------------


def first_name(patient_name: str) -> str:
    words = patient_name.split()
    return words[0] if words else _("the patient")


def _whose(recipient: Recipient) -> str:
    """ "your" for the patient keeping their own case, else "John's"."""
    if recipient.own_case:
        return _("your")
    # Translators: a possessive before a noun ("John's appointment"); Spanish can use "su".
    # xgettext:no-python-format
    return _("%(name)s's") % {"name": first_name(recipient.patient)}


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
    return date_text(day, weekday=True)


def _in_days(days: int) -> str:
    return (
        _("tomorrow")
        if days == 1
        else ngettext("in %(count)d day", "in %(count)d days", days) % {"count": days}
    )


def _ago(days: int) -> str:
    return ngettext("%(count)d day ago", "%(count)d days ago", days) % {"count": days}


@dataclass
class Item:
    """One reminder as the email says it."""

    headline: str
    lines: list[str]
    link: str
    link_text: str


def _appointment_item(due: Due, whose: str) -> Item:
    at, days = due.facts["at"], due.facts["days"]
    when = _("today") if days == 0 else _in_days(days)
    lines = [
        _("It is on %(day)s at %(time)s.") % {"day": _date(at.date()), "time": time_of_day(at)}
    ]
    if due.facts["missing"]:
        lines.append(
            _("Still missing from “What to bring”: %(missing)s.")
            % {"missing": "; ".join(_(label) for label in due.facts["missing"])}
        )
    else:
        lines.append(_("Everything on the “What to bring” list is ready."))
    lines.append(_("Bring a notebook and pen, or someone to take notes."))
    return Item(
        _cap(_("%(whose)s appointment is %(when)s") % {"whose": whose, "when": when}),
        lines,
        _url("step_appointment", due.case_id),
        _("See the appointment and what to bring"),
    )


def _start_by_item(due: Due, whose: str) -> Item:
    days = due.facts["days"]
    when = _("today") if days == 0 else _in_days(days)
    return Item(
        _("Book %(whose)s appointment: the start date is %(when)s")
        % {"whose": whose, "when": when},
        [
            _(
                "The first doctor planned to start on %(day)s, and no appointment "
                "for the second opinion is booked yet."
            )
            % {"day": _date(due.due_on)},
            _("Ask the first doctor how long it is safe to wait, and book %(whose)s appointment.")
            % {"whose": whose},
        ],
        _url("step_appointment", due.case_id),
        _("Book the appointment"),
    )


def _authority_item(due: Due, recipient: Recipient, first: str) -> Item:
    days = due.facts["days"]
    own = due.facts["holder_id"] == recipient.user_id
    holder = _("you") if own else due.facts["holder"]
    if days > 0:
        headline = _("Renew the authority on file to act for %(name)s") % {"name": first}
        status = _("ends %(when)s, on %(day)s") % {"when": _in_days(days), "day": _date(due.due_on)}
    elif days == 0:
        headline = _("The authority on file to act for %(name)s ends today") % {"name": first}
        status = _("ends today, %(day)s") % {"day": _date(due.due_on)}
    else:
        headline = _("The authority on file to act for %(name)s has ended") % {"name": first}
        status = _("ended on %(day)s") % {"day": _date(due.due_on)}
    return Item(
        headline,
        [
            # Two sentences, not a possessive word: Spanish says "su autorización" for one
            # and "la autorización de Ana" for the other.
            (
                _("Your authority on file (%(authority)s) %(status)s.")
                if own
                else _("%(name)s's authority on file (%(authority)s) %(status)s.")
            )
            % {
                "name": due.facts["holder"],
                "authority": _lower_first(str(due.facts["authority"])),
                "status": status,
            },
            _(
                "Without it, hospitals and insurers may stop talking to %(holder)s or sending "
                "records. Renew it, then change the date on the case."
            )
            % {"holder": holder},
        ],
        _url("case_members", due.case_id),
        _("See the people with access"),
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
        return ngettext("%(count)d record", "%(count)d records", count) % {"count": count}

    if len(by_day) == 1:
        lines = [
            ngettext(
                "It was asked for on %(day)s, %(ago)s.",
                "They were asked for on %(day)s, %(ago)s.",
                n,
            )
            % {"day": _date(dues[0].due_on), "ago": _ago(dues[0].facts["days"])}
        ]
    else:
        lines = [
            _cap(
                _("%(records)s asked for on %(day)s, %(ago)s.")
                % {
                    "records": records(len(same)),
                    "day": _date(day),
                    "ago": _ago(same[0].facts["days"]),
                }
            )
            for day, same in sorted(by_day.items())
        ]
    return Item(
        _cap(_("%(whose)s records: %(count)d not received yet") % {"whose": whose, "count": n}),
        [
            *lines,
            _("Call the place that holds it to check it is on the way.")
            if n == 1
            else _("Call the places that hold them to check they are on the way."),
        ],
        _url("records", dues[0].case_id),
        _("See the records"),
    )


def _approval_item(due: Due, what: str, whose: str) -> Item:
    words = {"whose": whose, "what": what, "day": _date(due.due_on), "ago": _ago(due.facts["days"])}
    return Item(
        _("Call about %(whose)s %(what)s") % words,
        [
            _("The %(what)s was requested on %(day)s, %(ago)s, and there is no decision yet.")
            % words,
            _("Call to ask where it stands, and note the call on the case."),
        ],
        _url("step_insurance", due.case_id),
        _("See the %(what)s") % words,
    )


def _letter_item(due: Due, whose: str) -> Item:
    """Before or after a request letter's 30 days. The place is not named: where
    someone is treated is health information (the records page names it)."""
    words = {
        "whose": whose,
        "Whose": _cap(whose),
        "sent_on": _date(due.facts["sent_on"]),
        "due": _date(due.due_on),
        "extended": _date(due.due_on + _days(EXTENSION_DAYS)),
    }
    sent = _("A letter asking for %(whose)s records was sent on %(sent_on)s.") % words
    left = due.facts["days_left"]
    if left >= 0:
        words["when"] = _("today") if left == 0 else _in_days(left)
        return Item(
            _("%(Whose)s records: the answer to a request letter is due %(when)s") % words,
            [
                sent
                + " "
                + _(
                    "The place has until %(due)s to send the copies, and some have not arrived yet."
                )
                % words,
                _(
                    "If nothing comes by then, call their records office and ask when they "
                    "will send them."
                ),
            ],
            _url("records", due.case_id),
            _("See the records and letters"),
        )
    return Item(
        _("%(Whose)s records: the 30 days to answer a request letter are up") % words,
        [
            sent
            + " "
            + _("The answer was due on %(due)s, and some records have not arrived.") % words,
            _(
                "Call the records office and ask when they will send the copies. They may "
                "take up to 30 more days, to %(extended)s, only if they told you in writing "
                "within the first 30 days."
            )
            % words,
            _(
                "If there was no such notice, you can complain to the HHS Office for Civil "
                "Rights. The records page says how."
            ),
        ],
        _url("records", due.case_id),
        _("See the records and what to do"),
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
            items.append(_approval_item(due, _("referral"), whose))
        elif due.kind == K.PRIOR_AUTH_PENDING:
            items.append(_approval_item(due, _("prior authorization"), whose))
        elif due.kind in (K.LETTER_DUE_SOON, K.LETTER_OVERDUE):
            items.append(_letter_item(due, whose))
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
        subject = _("%(count)d things to do for %(whose)s second opinion") % {
            "count": len(items),
            "whose": whose,
        }
    unsubscribe = settings.SITE_URL + _unsubscribe_pattern().replace(
        "TOKEN", unsubscribe_token(recipient.case_id, recipient.user_id), 1
    )
    context = {
        "subject": subject,
        "greeting": recipient.greeting,
        # The templates choose their sentence on this flag, not on the words of ``whose``:
        # "your" is "su" in Spanish, and so is a caregiver's "Maria's".
        "own_case": recipient.own_case,
        "patient": first_name(recipient.patient),
        "items": items,
        "case_url": _url("case_detail", recipient.case_id),
        "settings_url": _url("case_reminders", recipient.case_id),
        "unsubscribe_url": unsubscribe,
    }
    message = EmailMultiAlternatives(
        subject=_("Second Opinion: %(subject)s") % {"subject": subject},
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
