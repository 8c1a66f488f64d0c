"""Lists hung on a case or an opinion: records, medications, questions, calls, actions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import fields as size
from .case import Case
from .fields import LimitedCharField, LimitedTextField
from .opinion import Opinion
from .querysets import CaseItemQuerySet, OpinionItemQuerySet

if TYPE_CHECKING:
    from .files import Attachment

# A record requested this many days ago and not received calls for a follow-up call.
# The one threshold: the records list, the roadmap and the warnings all read it.
FOLLOW_UP_AFTER_DAYS = 10


class RecordKind(models.TextChoices):
    PATHOLOGY = "pathology", _("Diagnosis or pathology report")
    LABS = "labs", _("Lab results")
    IMAGING_REPORT = "imaging_report", _("Imaging reports")
    IMAGES = "images", _("The images themselves (MRI, X-ray, CT)")
    TREATMENT_PLAN = "treatment_plan", _("Current treatment plan or summary")
    MEDICATION_LIST = "medication_list", _("Medication list")
    OTHER = "other", _("Other")


class RecordStatus(models.TextChoices):
    NEEDED = "needed", _("Needed")
    REQUESTED = "requested", _("Requested")
    RECEIVED = "received", _("Received")
    SENT = "sent", _("Sent to the specialist")


class RecordFormat(models.TextChoices):
    UNKNOWN = "", _("Not known yet")
    PAPER = "paper", _("Paper")
    ELECTRONIC = "electronic", _("Electronic")
    DISC = "disc", _("Disc (CD or DVD)")
    USB = "usb", _("USB stick")


class RecordItem(models.Model):
    """One item on the medical-records checklist of an opinion."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(max_length=20, choices=RecordKind.choices, default=RecordKind.OTHER)
    name = LimitedCharField(_("Record"), max_length=size.LINE)
    status = models.CharField(
        _("Status"), max_length=20, choices=RecordStatus.choices, default=RecordStatus.NEEDED
    )
    source = LimitedCharField(_("Where it comes from"), max_length=size.LINE, blank=True)
    format = models.CharField(_("Format"), max_length=20, choices=RecordFormat.choices, blank=True)
    requested_on = models.DateField(_("Requested on"), null=True, blank=True)
    received_on = models.DateField(_("Received on"), null=True, blank=True)
    sent_on = models.DateField(_("Sent on"), null=True, blank=True)
    notes = LimitedTextField(_("Notes"), max_length=size.NOTE, blank=True)
    position = models.PositiveIntegerField(default=0)

    objects = OpinionItemQuerySet.as_manager()

    # Not columns: the packet counts the pages of the documents attached to it, and
    # names a few of them.
    attached_pages: int
    shown_files: list[Attachment]
    more_files: int

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def needs_follow_up(self, today: dt.date | None = None) -> bool:
        """Requested more than ten days ago and still not received: time to call."""
        today = today or timezone.localdate()
        return (
            self.status == RecordStatus.REQUESTED
            and self.requested_on is not None
            and (today - self.requested_on).days > FOLLOW_UP_AFTER_DAYS
        )

    @property
    def is_ready(self) -> bool:
        return self.status in (RecordStatus.RECEIVED, RecordStatus.SENT)


class Medication(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="medications")
    name = LimitedCharField(_("Medicine"), max_length=size.NAME)
    dose = LimitedCharField(_("Dose"), max_length=size.DOSE, blank=True)
    frequency = LimitedCharField(_("How often"), max_length=size.DOSE, blank=True)
    prescriber = LimitedCharField(_("Prescribed by"), max_length=size.NAME, blank=True)
    notes = LimitedCharField(_("Notes"), max_length=size.SHORT_NOTE, blank=True)
    position = models.PositiveIntegerField(default=0)

    objects = CaseItemQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """A question to ask at the appointment of one opinion, in priority order."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="questions")
    text = LimitedCharField(_("Question"), max_length=size.QUESTION)
    answer = LimitedTextField(_("Answer"), max_length=size.NOTE, blank=True)
    position = models.PositiveIntegerField(default=0)

    objects = OpinionItemQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class InsuranceCall(models.Model):
    """A call to the insurer: patients are told to note the date, the person and a reference."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="calls")
    called_on = models.DateField(_("Date of the call"))
    spoke_with = LimitedCharField(_("Who you spoke with"), max_length=size.NAME, blank=True)
    reference = LimitedCharField(_("Reference number"), max_length=size.REFERENCE, blank=True)
    notes = LimitedTextField(_("What they said"), max_length=size.NOTE, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OpinionItemQuerySet.as_manager()

    class Meta:
        ordering = ["-called_on", "-id"]

    def __str__(self) -> str:
        return _("Call on %(date)s") % {"date": f"{self.called_on:%Y-%m-%d}"}


class FollowUpAction(models.Model):
    """Something to do after an opinion, with a date."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="actions")
    description = LimitedCharField(_("What to do"), max_length=size.SHORT_NOTE)
    due_on = models.DateField(_("By when"), null=True, blank=True)
    done = models.BooleanField(_("Done"), default=False)

    objects = OpinionItemQuerySet.as_manager()

    class Meta:
        ordering = ["done", "due_on", "id"]

    def __str__(self) -> str:
        return self.description
