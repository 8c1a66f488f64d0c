"""Lists hung on a case or an opinion: records, medications, questions, calls, actions."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .case import Case
from .opinion import Opinion
from .querysets import CaseItemQuerySet, OpinionItemQuerySet

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
    name = models.CharField(_("Record"), max_length=200)
    status = models.CharField(
        _("Status"), max_length=20, choices=RecordStatus.choices, default=RecordStatus.NEEDED
    )
    source = models.CharField(_("Where it comes from"), max_length=200, blank=True)
    format = models.CharField(_("Format"), max_length=20, choices=RecordFormat.choices, blank=True)
    requested_on = models.DateField(_("Requested on"), null=True, blank=True)
    received_on = models.DateField(_("Received on"), null=True, blank=True)
    sent_on = models.DateField(_("Sent on"), null=True, blank=True)
    notes = models.TextField(_("Notes"), blank=True)
    position = models.PositiveIntegerField(default=0)

    objects = OpinionItemQuerySet.as_manager()

    # Not a column: the packet counts the pages of the documents attached to it.
    attached_pages: int

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
    name = models.CharField(_("Medicine"), max_length=120)
    dose = models.CharField(_("Dose"), max_length=80, blank=True)
    frequency = models.CharField(_("How often"), max_length=80, blank=True)
    prescriber = models.CharField(_("Prescribed by"), max_length=120, blank=True)
    notes = models.CharField(_("Notes"), max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)

    objects = CaseItemQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """A question to ask at the appointment of one opinion, in priority order."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("Question"), max_length=500)
    answer = models.TextField(_("Answer"), blank=True)
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
    spoke_with = models.CharField(_("Who you spoke with"), max_length=120, blank=True)
    reference = models.CharField(_("Reference number"), max_length=60, blank=True)
    notes = models.TextField(_("What they said"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OpinionItemQuerySet.as_manager()

    class Meta:
        ordering = ["-called_on", "-id"]

    def __str__(self) -> str:
        return _("Call on %(date)s") % {"date": f"{self.called_on:%Y-%m-%d}"}


class FollowUpAction(models.Model):
    """Something to do after an opinion, with a date."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("What to do"), max_length=300)
    due_on = models.DateField(_("By when"), null=True, blank=True)
    done = models.BooleanField(_("Done"), default=False)

    objects = OpinionItemQuerySet.as_manager()

    class Meta:
        ordering = ["done", "due_on", "id"]

    def __str__(self) -> str:
        return self.description
