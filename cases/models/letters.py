"""Right-of-access request letters (HIPAA, 45 CFR 164.524) and the clock they start.

One letter per place the records come from (the checklist's "where it comes from").
Marking it sent starts the provider's 30-day clock: day 0 is the day it was sent, and
the answer is due 30 days later. One extension of up to 30 more days is allowed only
if the provider says so in writing within the first 30 days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cases.limits import DEFAULTS

from . import fields as size
from .fields import LimitedCharField
from .opinion import Opinion
from .querysets import OpinionItemQuerySet

RESPONSE_DAYS = 30
EXTENSION_DAYS = 30
# The checklist is bounded; so are the letters written from it.
MAX_LETTERS = DEFAULTS["letters"]


class SentHow(models.TextChoices):
    MAIL = "mail", _("By post")
    FAX = "fax", _("By fax")
    PORTAL = "portal", _("Through the patient portal")
    EMAIL = "email", _("By email")
    IN_PERSON = "in_person", _("In person")


@dataclass(frozen=True)
class Clock:
    """Where a sent letter stands on a given day."""

    sent_on: dt.date
    today: dt.date

    @property
    def deadline(self) -> dt.date:
        return self.sent_on + dt.timedelta(days=RESPONSE_DAYS)

    @property
    def extended_deadline(self) -> dt.date:
        return self.deadline + dt.timedelta(days=EXTENSION_DAYS)

    @property
    def day(self) -> int:
        return (self.today - self.sent_on).days

    @property
    def days_left(self) -> int:
        return (self.deadline - self.today).days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def summary(self) -> str:
        """Days left in a few words: "18 days left", "due today", "5 days late"."""
        left = self.days_left
        if left >= 1:
            return ngettext("%(count)d day left", "%(count)d days left", left) % {"count": left}
        if left == 0:
            return gettext("due today")
        late = -left
        return ngettext("%(count)d day late", "%(count)d days late", late) % {"count": late}


class RecordRequest(models.Model):
    """A request for copies of the records held at one place, and when it was sent."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="letters")
    source = LimitedCharField(_("Where the records come from"), max_length=size.LINE)
    sent_on = models.DateField(_("Sent on"), null=True, blank=True)
    sent_how = models.CharField(
        _("How it was sent"), max_length=20, choices=SentHow.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OpinionItemQuerySet.as_manager()

    class Meta:
        ordering = ["source", "id"]
        constraints = [
            models.UniqueConstraint(fields=["opinion", "source"], name="one_letter_per_source")
        ]

    def __str__(self) -> str:
        return self.source

    def clock(self, today: dt.date) -> Clock | None:
        """The clock, once the letter is sent; None before."""
        if self.sent_on is None:
            return None
        return Clock(self.sent_on, today)


def source_key(source: str) -> str:
    """Two spellings of one place that differ only in case or spaces are one place."""
    return " ".join(source.split()).casefold()
