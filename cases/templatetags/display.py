"""Template filters for what every screen shows the same way (see cases/display.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.translation import gettext as _

from cases import display

register = template.Library()


@register.filter
def person_name(user: Any) -> str:
    return display.person_name(user)


@register.filter
def time_of_day(value: dt.datetime | dt.time | None) -> str:
    return display.time_of_day(value) if value else ""


@register.filter
def date_and_time(value: dt.datetime | None, style: str = "") -> str:
    return display.date_and_time(value, weekday=style == "weekday") if value else ""


@register.filter
def long_date(value: dt.date | None, style: str = "") -> str:
    """ "14 May 2026" in English, "14 de mayo de 2026" in Spanish (cases.display.date_text)."""
    return display.date_text(value, weekday=style == "weekday") if value else ""


@register.filter
def status_tag(value: Any) -> str:
    return display.tag_class(value)


@register.filter
def relationship_for(case: Any) -> str:
    return display.relationship_for(case)


@register.filter
def whose(case: Any) -> str:
    """ "your", or "John Lopez’s" in a caregiver's case (see cases.display.whose)."""
    return display.whose(case)


@register.filter
def clip(value: Any, limit: int) -> str:
    """At most ``limit`` characters, cut at a word, with "… (more in the app)" after it.

    For the packet's table cells: a long entry is read in full in the app, and a few
    hundred of them at full length would make the PDF slow to print (bench/bounds.py).
    """
    text = str(value or "")
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return f"{cut.rstrip(' ,;:.')}… {_('(more in the app)')}"
