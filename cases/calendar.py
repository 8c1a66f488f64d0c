"""The appointment as an iCalendar file for the person's own calendar.

Calendars are synced to phones and shared with family and employers, so the event
says where and when, with the office's phone, and nothing about the diagnosis, the
treatment or the specialty.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from cases.models import Opinion
from cases.models.opinion import AppointmentMode

APPOINTMENT_LENGTH = dt.timedelta(hours=1)


def appointment_ics(opinion: Opinion) -> bytes:
    start = opinion.appointment_at
    assert start is not None, "only a booked appointment goes in a calendar"

    cal = Calendar()
    cal.add("prodid", "-//Second Opinion//Appointment//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")

    event = Event()
    # Stable per opinion, so downloading again updates the event instead of adding one.
    event.add("uid", f"opinion-{opinion.pk}-appointment@second-opinion")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", start)
    event.add("dtend", start + APPOINTMENT_LENGTH)
    event.add("summary", _("%(ordinal)s opinion appointment") % {"ordinal": opinion.ordinal})
    if opinion.appointment_mode == AppointmentMode.VIDEO:
        event.add("location", _("Video call"))
    else:
        place = [opinion.specialist_institution, opinion.specialist_address]
        location = ", ".join(" ".join(p.split()) for p in place if p.strip())
        if location:
            event.add("location", location)
    lines = []
    if opinion.specialist_phone:
        lines.append(_("Office phone: %(phone)s") % {"phone": opinion.specialist_phone})
    lines.append(
        _(
            "Bring: your records, images on disc or USB, your medication list, the treatment "
            "plan from the first provider, your questions and a notebook."
        )
    )
    event.add("description", "\n".join(lines))

    reminder = Alarm()
    reminder.add("action", "DISPLAY")
    reminder.add(
        "description",
        _("%(ordinal)s opinion appointment tomorrow") % {"ordinal": opinion.ordinal},
    )
    reminder.add("trigger", dt.timedelta(days=-1))
    event.add_component(reminder)

    cal.add_component(event)
    return cal.to_ical()
