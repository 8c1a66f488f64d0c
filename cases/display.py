"""One way to show the things every screen shows: a person, a time of day, a stage's colour.

Templates reach these through the ``display`` template library
(``cases/templatetags/display.py``); Python code (sections, the roadmap, the packet, the
activity feed) calls them directly, so a page and the PDF never disagree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import formats, timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from cases.models.opinion import Stage

# GOV.UK style: "10:30am", "9am", "midday", "midnight".
MIDDAY = gettext_lazy("midday")
MIDNIGHT = gettext_lazy("midnight")

TAG_CLASSES: dict[str, str] = {
    Stage.SEEKING: "tag--grey",
    Stage.BOOKED: "tag--blue",
    Stage.RECEIVED: "tag--yellow",
    Stage.DECIDED: "tag--green",
    # The roadmap's step statuses (cases.roadmap.steps.Status), by value.
    "Not started": "tag--grey",
    "In progress": "tag--blue",
    "Done": "tag--green",
    "Skipped by choice": "tag--grey",
}


def whose(case: Any) -> str:
    """ "your" in one's own case; the patient's name in a caregiver's ("John Lopez’s")."""
    if case.relationship == "self":
        return _("your")
    # Translators: a possessive before a noun ("John Lopez’s records"); Spanish can use "su".
    # xgettext:no-python-format
    return _("%(name)s’s") % {"name": case.patient_name}


def they_need(case: Any) -> str:
    """ "you need" in one's own case, "John Lopez needs" in a caregiver's."""
    if case.relationship == "self":
        return _("you need")
    return _("%(name)s needs") % {"name": case.patient_name}


# The relationship is written from the owner's side ("My parent"); anyone else on the
# case reads it neutrally, from the patient's side.
KEPT_BY = {
    "self": gettext_lazy("Kept by the patient"),
    "spouse": gettext_lazy("Kept by their spouse or partner"),
    "parent": gettext_lazy("Kept by their child"),
    "child": gettext_lazy("Kept by their parent"),
    "other": gettext_lazy("Kept by someone else for them"),
}


def relationship_for(case: Any) -> str:
    """Who the case is for, as the person looking at it should read it."""
    membership = getattr(case, "membership", None)
    if membership is None or membership.is_owner:
        return str(case.get_relationship_display())
    return str(KEPT_BY.get(case.relationship, ""))


def person_name(user: Any) -> str:
    """How a person is named to the others on a case: their name, else their email."""
    if user is None:
        return _("Someone")
    return (user.get_full_name() or "").strip() or user.email or user.get_username()


def time_of_day(value: dt.datetime | dt.time) -> str:
    """The time in the person's zone the GOV.UK way: "10:30am", "9am", "midday"."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.time()
    if not _in_english():
        # The locale's own way (secondopinion/formats): "10:30 a.m." in Spanish.
        return formats.time_format(value, "TIME_FORMAT")
    if value.minute == 0 and value.hour in (0, 12):
        return str(MIDNIGHT if value.hour == 0 else MIDDAY)
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def date_text(value: dt.date, *, weekday: bool = False) -> str:
    """ "27 March 2026" (or "Friday 27 March 2026"), in the order the person's language uses."""
    if weekday:
        return date_format(value, pgettext("date format", "l j F Y"))
    return date_format(value, pgettext("date format", "j F Y"))


def date_and_time(value: dt.datetime, *, weekday: bool = False) -> str:
    """ "Monday 14 May 2026 at 10:30am" (or without the weekday)."""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    day = date_text(local, weekday=weekday)
    return _("%(day)s at %(time)s") % {"day": day, "time": time_of_day(local)}


def _in_english() -> bool:
    return (translation.get_language() or "en").split("-")[0] == "en"


def tag_class(value: Any) -> str:
    """The colour of a status tag, the same for a stage or a step on every screen."""
    return TAG_CLASSES.get(getattr(value, "value", value), "tag--grey")
