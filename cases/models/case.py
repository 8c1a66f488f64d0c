from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction

from . import fields as size
from .fields import LimitedCharField, LimitedTextField

if TYPE_CHECKING:
    from .opinion import Opinion


class Relationship(models.TextChoices):
    SELF = "self", "Myself"
    SPOUSE = "spouse", "My spouse or partner"
    PARENT = "parent", "My parent"
    CHILD = "child", "My child"
    OTHER = "other", "Someone else"


class TreatmentKind(models.TextChoices):
    SURGERY = "surgery", "Surgery"
    CHEMOTHERAPY = "chemotherapy", "Chemotherapy"
    RADIATION = "radiation", "Radiation"
    LIFELONG_MEDICATION = "lifelong_medication", "Lifelong medication"
    OTHER = "other", "Other"


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", "Immediately, within days"
    WEEKS = "weeks", "Within a few weeks"
    MONTHS = "months", "Within a few months"
    NOT_URGENT = "not_urgent", "Not urgent"
    UNKNOWN = "unknown", "We were not told"


class Reason(models.TextChoices):
    """The article's six reasons for seeking another opinion, plus other."""

    UNCERTAIN_DIAGNOSIS = "uncertain_diagnosis", "Uncertainty about the diagnosis"
    MAJOR_TREATMENT = "major_treatment", "A major treatment was recommended"
    LESS_INVASIVE = "less_invasive", "Wanting less invasive or alternative options"
    NO_IMPROVEMENT = "no_improvement", "The current treatment is not helping"
    RARE_CONDITION = "rare_condition", "A rare or complex condition"
    PERSONAL_COMFORT = "personal_comfort", "Personal comfort and peace of mind"
    OTHER = "other", "Another reason"


class InformChoice(models.TextChoices):
    UNDECIDED = "", "Not decided yet"
    WILL_TELL = "will_tell", "I will tell them"
    TOLD = "told", "I have told them"
    PREFER_NOT = "prefer_not", "I prefer not to tell them"


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user) -> CaseQuerySet:
        """Cases the user is a member of, in any role."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


class Case(models.Model):
    """One person's search for another opinion on one diagnosis.

    The first provider's diagnosis and proposed treatment live here; each further
    opinion sought (second, third...) is an Opinion with its own roadmap steps 2 to 4.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    # Who it is for
    patient_name = LimitedCharField("Full name of the patient", max_length=size.NAME)
    patient_dob = models.DateField("Date of birth", null=True, blank=True)
    relationship = models.CharField(
        "Who is this case for?",
        max_length=20,
        choices=Relationship.choices,
        default=Relationship.SELF,
    )

    # The diagnosis as told by the first provider
    condition = LimitedCharField("Diagnosis or condition", max_length=size.LINE)
    prognosis = LimitedTextField("Prognosis, as you were told it", max_length=size.LONG, blank=True)
    diagnosed_by_name = LimitedCharField("Clinician's name", max_length=size.NAME, blank=True)
    diagnosed_by_specialty = LimitedCharField("Specialty", max_length=size.NAME, blank=True)
    diagnosed_by_facility = LimitedCharField(
        "Hospital or practice", max_length=size.LINE, blank=True
    )
    diagnosed_by_contact = LimitedCharField("Phone or email", max_length=size.LINE, blank=True)
    diagnosed_on = models.DateField("Date of the diagnosis", null=True, blank=True)

    # The proposed treatment
    treatment_kind = models.CharField(
        "Kind of treatment", max_length=30, choices=TreatmentKind.choices, blank=True
    )
    treatment_description = LimitedTextField("What was proposed", max_length=size.LONG, blank=True)
    treatment_urgency = models.CharField(
        "How urgent did they say it is?", max_length=20, choices=Urgency.choices, blank=True
    )
    treatment_start_by = models.DateField("Treatment would start by", null=True, blank=True)

    reasons = models.JSONField("Reasons for seeking another opinion", default=list, blank=True)
    reasons_other = LimitedCharField("Other reason", max_length=size.SHORT_NOTE, blank=True)
    notes = LimitedTextField("Notes", max_length=size.LONG, blank=True)

    # Step 1: inform the primary provider (optional)
    primary_provider_name = LimitedCharField("Primary provider", max_length=size.NAME, blank=True)
    primary_provider_contact = LimitedCharField("Phone or email", max_length=size.LINE, blank=True)
    inform_choice = models.CharField(
        "Will you tell your primary provider?",
        max_length=20,
        choices=InformChoice.choices,
        blank=True,
        default=InformChoice.UNDECIDED,
    )
    informed_on = models.DateField("When you told them", null=True, blank=True)
    provider_response = LimitedTextField("How they responded", max_length=size.NOTE, blank=True)
    provider_offered_records = models.BooleanField("They offered to forward records", default=False)
    provider_suggested_specialist = models.BooleanField(
        "They suggested a specialist", default=False
    )

    # The insurance policy (coverage and referral belong to each opinion)
    insurer = LimitedCharField("Insurer", max_length=size.NAME, blank=True)
    insurance_plan = LimitedCharField("Plan", max_length=size.NAME, blank=True)
    member_id = LimitedCharField("Member ID", max_length=size.REFERENCE, blank=True)
    insurer_phone = LimitedCharField("Insurer's phone", max_length=size.PHONE, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["patient_name", "-created_at"]

    def __str__(self) -> str:
        return f"{self.patient_name}: {self.condition}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Every case has an opinion being sought, from the moment it exists.

        The second opinion is created with the case, in the same transaction, so no
        view, service or template ever asks whether there is one.
        """
        adding = self._state.adding
        with transaction.atomic():
            super().save(*args, **kwargs)
            if adding:
                self.opinions.create(number=2)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("case_detail", kwargs={"case_id": self.pk})

    @property
    def member_id_masked(self) -> str:
        """Member ID with all but the last four characters hidden, for the screen."""
        if len(self.member_id) <= 4:
            return "•" * len(self.member_id)
        return "•" * (len(self.member_id) - 4) + self.member_id[-4:]

    def reason_labels(self) -> list[str]:
        labels = dict(Reason.choices)
        out = [labels[r] for r in self.reasons if r in labels and r != Reason.OTHER]
        if Reason.OTHER in self.reasons:
            out.append(self.reasons_other or labels[Reason.OTHER])
        return out

    def current_opinion(self) -> Opinion:
        """The opinion being sought now: the latest one. Uses prefetched opinions if present.

        There is always one (see ``save``).
        """
        cache = getattr(self, "_prefetched_objects_cache", {})
        if "opinions" in cache:
            return max(cache["opinions"], key=lambda o: o.number)
        return self.opinions.latest("number")
