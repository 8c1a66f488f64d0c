from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from . import fields as size
from .case import Case, Urgency
from .fields import LimitedCharField, LimitedTextField
from .querysets import CaseItemQuerySet


class YesNo(models.TextChoices):
    UNKNOWN = "", _("Not known yet")
    YES = "yes", _("Yes")
    NO = "no", _("No")


class Coverage(models.TextChoices):
    UNKNOWN = "", _("Not checked yet")
    COVERED = "covered", _("Covered")
    PARTLY = "partly", _("Partly covered")
    NOT_COVERED = "not_covered", _("Not covered")


class ApprovalStatus(models.TextChoices):
    """Status of a referral or a prior authorization."""

    UNKNOWN = "", _("Not checked yet")
    NOT_NEEDED = "not_needed", _("Not needed")
    TO_REQUEST = "to_request", _("To request")
    # Context: Spanish agrees with "remisión" and "autorización" (solicitada).
    REQUESTED = "requested", pgettext_lazy("referral or authorization", "Requested")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")


class AppointmentMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video call")


class Result(models.TextChoices):
    CONFIRMATION = "confirmation", _("Confirmation: agrees with the diagnosis and treatment")
    ADJUSTMENT = (
        "adjustment",
        _("Adjustment: same diagnosis, a different or more nuanced treatment"),
    )
    DISAGREEMENT = "disagreement", _("Disagreement: a different diagnosis or treatment")


class Decision(models.TextChoices):
    RETURN = "return", _("Return to the original doctor")
    SWITCH = "switch", _("Switch to this provider")
    THIRD = "third", _("Seek another opinion")


class Stage(models.TextChoices):
    """Where the work on an opinion stands; the case's status on the dashboard."""

    SEEKING = "seeking", _("Seeking an opinion")
    BOOKED = "booked", _("Appointment booked")
    RECEIVED = "received", _("Opinion received")
    DECIDED = "decided", _("Decided")


class Opinion(models.Model):
    """A further opinion being sought: number 2 is the second opinion, 3 the third.

    Steps 2 to 4 of the roadmap, the records sent, the appointment, the outcome and
    the decision that follows belong here, so a disagreement can lead to a third
    opinion that starts those steps afresh on the same case.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="opinions")
    number = models.PositiveSmallIntegerField(default=2)
    key_question = LimitedTextField(
        _("The question this opinion should answer"), max_length=size.QUESTION, blank=True
    )

    # Step 2: insurance and referral
    coverage = models.CharField(
        _("Are second opinions covered?"), max_length=20, choices=Coverage.choices, blank=True
    )
    referral_status = models.CharField(
        _("Referral"), max_length=20, choices=ApprovalStatus.choices, blank=True
    )
    referral_requested_on = models.DateField(_("Referral requested on"), null=True, blank=True)
    referral_decided_on = models.DateField(
        _("Referral approved or denied on"), null=True, blank=True
    )
    referral_reference = LimitedCharField(
        _("Referral reference number"), max_length=size.REFERENCE, blank=True
    )
    prior_auth_status = models.CharField(
        _("Prior authorization"), max_length=20, choices=ApprovalStatus.choices, blank=True
    )
    prior_auth_requested_on = models.DateField(
        _("Prior authorization requested on"), null=True, blank=True
    )
    prior_auth_reference = LimitedCharField(
        _("Prior authorization number"), max_length=size.REFERENCE, blank=True
    )
    in_network = models.CharField(
        _("Is the specialist in network?"), max_length=5, choices=YesNo.choices, blank=True
    )
    estimated_cost = models.DecimalField(
        _("Estimated out-of-pocket cost"), max_digits=9, decimal_places=2, null=True, blank=True
    )

    # Step 4: the appointment
    specialist_name = LimitedCharField(_("Specialist's name"), max_length=size.NAME, blank=True)
    specialist_specialty = LimitedCharField(_("Specialty"), max_length=size.NAME, blank=True)
    specialist_institution = LimitedCharField(
        _("Hospital or clinic"), max_length=size.LINE, blank=True
    )
    specialist_address = LimitedTextField(_("Address"), max_length=size.ADDRESS, blank=True)
    specialist_phone = LimitedCharField(_("Phone"), max_length=size.PHONE, blank=True)
    appointment_at = models.DateTimeField(_("Date and time"), null=True, blank=True)
    appointment_mode = models.CharField(
        _("In person or video?"), max_length=20, choices=AppointmentMode.choices, blank=True
    )
    records_arrived = models.CharField(
        _("Have your records arrived there?"), max_length=5, choices=YesNo.choices, blank=True
    )
    will_ask_to_record = models.BooleanField(
        _("I will ask permission to record the appointment"), default=False
    )

    # The outcome, in the specialist's words
    result = models.CharField(
        _("What did they conclude?"), max_length=20, choices=Result.choices, blank=True
    )
    outcome_on = models.DateField(_("Date of the opinion"), null=True, blank=True)
    outcome_diagnosis = LimitedTextField(_("Their diagnosis"), max_length=size.LONG, blank=True)
    outcome_treatment = LimitedTextField(
        _("Their recommended treatment"), max_length=size.LONG, blank=True
    )
    outcome_urgency = models.CharField(
        _("How urgent did they say it is?"), max_length=20, choices=Urgency.choices, blank=True
    )
    outcome_rationale = LimitedTextField(
        _("Why they recommend it"), max_length=size.LONG, blank=True
    )
    other_options = LimitedTextField(
        _("Other options they mentioned, clinical trials included"),
        max_length=size.LONG,
        blank=True,
    )
    outcome_cost = models.DecimalField(
        _("Cost of their recommended treatment, if known"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    outcome_notes = LimitedTextField(_("Notes"), max_length=size.LONG, blank=True)

    # The decision that follows
    decision = models.CharField(
        _("What will you do next?"), max_length=10, choices=Decision.choices, blank=True
    )
    decision_reason = LimitedTextField(_("Why"), max_length=size.LONG, blank=True)
    decided_on = models.DateField(_("Date decided"), null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseItemQuerySet.as_manager()

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="one_opinion_number_per_case")
        ]

    def __str__(self) -> str:
        return pgettext("Second opinion", "%(ordinal)s opinion") % {"ordinal": self.ordinal}

    @property
    def stage(self) -> Stage:
        if self.decision:
            return Stage.DECIDED
        if self.result:
            return Stage.RECEIVED
        if self.appointment_at:
            return Stage.BOOKED
        return Stage.SEEKING

    @property
    def ordinal(self) -> str:
        # "Second opinion": the context lets Spanish agree with "opinión" (segunda).
        words = {
            2: pgettext("opinion", "Second"),
            3: pgettext("opinion", "Third"),
            4: pgettext("opinion", "Fourth"),
            5: pgettext("opinion", "Fifth"),
        }
        return words.get(self.number, f"#{self.number}")
