from __future__ import annotations

from django.db import models

from . import fields as size
from .case import Case, Urgency
from .fields import LimitedCharField, LimitedTextField
from .querysets import CaseItemQuerySet


class YesNo(models.TextChoices):
    UNKNOWN = "", "Not known yet"
    YES = "yes", "Yes"
    NO = "no", "No"


class Coverage(models.TextChoices):
    UNKNOWN = "", "Not checked yet"
    COVERED = "covered", "Covered"
    PARTLY = "partly", "Partly covered"
    NOT_COVERED = "not_covered", "Not covered"


class ApprovalStatus(models.TextChoices):
    """Status of a referral or a prior authorization."""

    UNKNOWN = "", "Not checked yet"
    NOT_NEEDED = "not_needed", "Not needed"
    TO_REQUEST = "to_request", "To request"
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"


class AppointmentMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video call"


class Result(models.TextChoices):
    CONFIRMATION = "confirmation", "Confirmation: agrees with the diagnosis and treatment"
    ADJUSTMENT = "adjustment", "Adjustment: same diagnosis, a different or more nuanced treatment"
    DISAGREEMENT = "disagreement", "Disagreement: a different diagnosis or treatment"


class Decision(models.TextChoices):
    RETURN = "return", "Return to the original doctor"
    SWITCH = "switch", "Switch to this provider"
    THIRD = "third", "Seek another opinion"


class Stage(models.TextChoices):
    """Where the work on an opinion stands; the case's status on the dashboard."""

    SEEKING = "seeking", "Seeking an opinion"
    BOOKED = "booked", "Appointment booked"
    RECEIVED = "received", "Opinion received"
    DECIDED = "decided", "Decided"


class Opinion(models.Model):
    """A further opinion being sought: number 2 is the second opinion, 3 the third.

    Steps 2 to 4 of the roadmap, the records sent, the appointment, the outcome and
    the decision that follows belong here, so a disagreement can lead to a third
    opinion that starts those steps afresh on the same case.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="opinions")
    number = models.PositiveSmallIntegerField(default=2)
    key_question = LimitedTextField(
        "The question this opinion should answer", max_length=size.QUESTION, blank=True
    )

    # Step 2: insurance and referral
    coverage = models.CharField(
        "Are second opinions covered?", max_length=20, choices=Coverage.choices, blank=True
    )
    referral_status = models.CharField(
        "Referral", max_length=20, choices=ApprovalStatus.choices, blank=True
    )
    referral_requested_on = models.DateField("Referral requested on", null=True, blank=True)
    referral_decided_on = models.DateField("Referral approved or denied on", null=True, blank=True)
    referral_reference = LimitedCharField(
        "Referral reference number", max_length=size.REFERENCE, blank=True
    )
    prior_auth_status = models.CharField(
        "Prior authorization", max_length=20, choices=ApprovalStatus.choices, blank=True
    )
    prior_auth_requested_on = models.DateField(
        "Prior authorization requested on", null=True, blank=True
    )
    prior_auth_reference = LimitedCharField(
        "Prior authorization number", max_length=size.REFERENCE, blank=True
    )
    in_network = models.CharField(
        "Is the specialist in network?", max_length=5, choices=YesNo.choices, blank=True
    )
    estimated_cost = models.DecimalField(
        "Estimated out-of-pocket cost", max_digits=9, decimal_places=2, null=True, blank=True
    )

    # Step 4: the appointment
    specialist_name = LimitedCharField("Specialist's name", max_length=size.NAME, blank=True)
    specialist_specialty = LimitedCharField("Specialty", max_length=size.NAME, blank=True)
    specialist_institution = LimitedCharField(
        "Hospital or clinic", max_length=size.LINE, blank=True
    )
    specialist_address = LimitedTextField("Address", max_length=size.ADDRESS, blank=True)
    specialist_phone = LimitedCharField("Phone", max_length=size.PHONE, blank=True)
    appointment_at = models.DateTimeField("Date and time", null=True, blank=True)
    appointment_mode = models.CharField(
        "In person or video?", max_length=20, choices=AppointmentMode.choices, blank=True
    )
    records_arrived = models.CharField(
        "Have your records arrived there?", max_length=5, choices=YesNo.choices, blank=True
    )
    will_ask_to_record = models.BooleanField(
        "I will ask permission to record the appointment", default=False
    )

    # The outcome, in the specialist's words
    result = models.CharField(
        "What did they conclude?", max_length=20, choices=Result.choices, blank=True
    )
    outcome_on = models.DateField("Date of the opinion", null=True, blank=True)
    outcome_diagnosis = LimitedTextField("Their diagnosis", max_length=size.LONG, blank=True)
    outcome_treatment = LimitedTextField(
        "Their recommended treatment", max_length=size.LONG, blank=True
    )
    outcome_urgency = models.CharField(
        "How urgent did they say it is?", max_length=20, choices=Urgency.choices, blank=True
    )
    outcome_rationale = LimitedTextField("Why they recommend it", max_length=size.LONG, blank=True)
    other_options = LimitedTextField(
        "Other options they mentioned, clinical trials included",
        max_length=size.LONG,
        blank=True,
    )
    outcome_cost = models.DecimalField(
        "Cost of their recommended treatment, if known",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    outcome_notes = LimitedTextField("Notes", max_length=size.LONG, blank=True)

    # The decision that follows
    decision = models.CharField(
        "What will you do next?", max_length=10, choices=Decision.choices, blank=True
    )
    decision_reason = LimitedTextField("Why", max_length=size.LONG, blank=True)
    decided_on = models.DateField("Date decided", null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseItemQuerySet.as_manager()

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="one_opinion_number_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.ordinal} opinion"

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
        return {2: "Second", 3: "Third", 4: "Fourth", 5: "Fifth"}.get(
            self.number, f"#{self.number}"
        )
