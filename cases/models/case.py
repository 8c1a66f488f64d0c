from __future__ import annotations

import secrets
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from cases.text import Text

from . import fields as size
from .fields import LimitedCharField, LimitedTextField
from .preferences import Language

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from cases.services.letters import Source

    from .opinion import Opinion
    from .sharing import Membership


class Relationship(models.TextChoices):
    SELF = "self", _("Myself")
    SPOUSE = "spouse", _("My spouse or partner")
    PARENT = "parent", _("My parent")
    CHILD = "child", _("My child")
    OTHER = "other", _("Someone else")


class TreatmentKind(models.TextChoices):
    SURGERY = "surgery", _("Surgery")
    CHEMOTHERAPY = "chemotherapy", _("Chemotherapy")
    RADIATION = "radiation", _("Radiation")
    LIFELONG_MEDICATION = "lifelong_medication", _("Lifelong medication")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately, within days")
    WEEKS = "weeks", _("Within a few weeks")
    MONTHS = "months", _("Within a few months")
    NOT_URGENT = "not_urgent", _("Not urgent")
    UNKNOWN = "unknown", _("We were not told")


class Reason(models.TextChoices):
    """The article's six reasons for seeking another opinion, plus other."""

    UNCERTAIN_DIAGNOSIS = "uncertain_diagnosis", _("Uncertainty about the diagnosis")
    MAJOR_TREATMENT = "major_treatment", _("A major treatment was recommended")
    LESS_INVASIVE = "less_invasive", _("Wanting less invasive or alternative options")
    NO_IMPROVEMENT = "no_improvement", _("The current treatment is not helping")
    RARE_CONDITION = "rare_condition", _("A rare or complex condition")
    PERSONAL_COMFORT = "personal_comfort", _("Personal comfort and peace of mind")
    OTHER = "other", _("Another reason")


class InformChoice(models.TextChoices):
    UNDECIDED = "", _("Not decided yet")
    WILL_TELL = "will_tell", _("I will tell them")
    TOLD = "told", _("I have told them")
    PREFER_NOT = "prefer_not", _("I prefer not to tell them")


def new_revision() -> int:
    """A case's revision (``Case.revision``): random, so no two states ever share one."""
    return secrets.randbits(62)


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: User | AnonymousUser) -> CaseQuerySet:
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
    patient_name = LimitedCharField(_("Full name of the patient"), max_length=size.NAME)
    patient_dob = models.DateField(_("Date of birth"), null=True, blank=True)
    relationship = models.CharField(
        _("Who is this case for?"),
        max_length=20,
        choices=Relationship.choices,
        default=Relationship.SELF,
    )

    # The diagnosis as told by the first provider
    condition = LimitedCharField(_("Diagnosis or condition"), max_length=size.LINE)
    prognosis = LimitedTextField(
        _("Prognosis, as you were told it"), max_length=size.LONG, blank=True
    )
    diagnosed_by_name = LimitedCharField(_("Clinician's name"), max_length=size.NAME, blank=True)
    diagnosed_by_specialty = LimitedCharField(_("Specialty"), max_length=size.NAME, blank=True)
    diagnosed_by_facility = LimitedCharField(
        _("Hospital or practice"), max_length=size.LINE, blank=True
    )
    diagnosed_by_contact = LimitedCharField(_("Phone or email"), max_length=size.LINE, blank=True)
    diagnosed_on = models.DateField(_("Date of the diagnosis"), null=True, blank=True)

    # The proposed treatment
    treatment_kind = models.CharField(
        _("Kind of treatment"), max_length=30, choices=TreatmentKind.choices, blank=True
    )
    treatment_description = LimitedTextField(
        _("What was proposed"), max_length=size.LONG, blank=True
    )
    treatment_urgency = models.CharField(
        _("How urgent did they say it is?"), max_length=20, choices=Urgency.choices, blank=True
    )
    treatment_start_by = models.DateField(_("Treatment would start by"), null=True, blank=True)

    reasons = models.JSONField(_("Reasons for seeking another opinion"), default=list, blank=True)
    reasons_other = LimitedCharField(_("Other reason"), max_length=size.SHORT_NOTE, blank=True)
    notes = LimitedTextField(_("Notes"), max_length=size.LONG, blank=True)

    # Step 1: inform the primary provider (optional)
    primary_provider_name = LimitedCharField(
        _("Primary provider"), max_length=size.NAME, blank=True
    )
    primary_provider_contact = LimitedCharField(
        _("Phone or email"), max_length=size.LINE, blank=True
    )
    inform_choice = models.CharField(
        _("Will you tell your primary provider?"),
        max_length=20,
        choices=InformChoice.choices,
        blank=True,
        default=InformChoice.UNDECIDED,
    )
    informed_on = models.DateField(_("When you told them"), null=True, blank=True)
    provider_response = LimitedTextField(_("How they responded"), max_length=size.NOTE, blank=True)
    provider_offered_records = models.BooleanField(
        _("They offered to forward records"), default=False
    )
    provider_suggested_specialist = models.BooleanField(
        _("They suggested a specialist"), default=False
    )

    # The insurance policy (coverage and referral belong to each opinion)
    insurer = LimitedCharField(_("Insurer"), max_length=size.NAME, blank=True)
    insurance_plan = LimitedCharField(_("Plan"), max_length=size.NAME, blank=True)
    member_id = LimitedCharField(_("Member ID"), max_length=size.REFERENCE, blank=True)
    insurer_phone = LimitedCharField(_("Insurer's phone"), max_length=size.PHONE, blank=True)

    # The packet, request letters and decision summary go to a specialist who may read
    # another language than the family: each case chooses (set to its creator's language).
    packet_language = models.CharField(
        gettext_lazy("Language of the packet and letters"),
        max_length=8,
        choices=Language.choices,
        default=Language.ENGLISH,
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # A fresh random number whenever anything shown about the case changes: its own
    # fields here in save(), its opinions, items, files and members through
    # cases/revisions.py. Pages keep what they render under it (cases/fragments.py).
    revision = models.BigIntegerField(default=new_revision, editable=False)

    objects = CaseQuerySet.as_manager()

    # Not columns: set on an instance for one request. ``cases.access.get_case`` sets
    # the viewer's membership; the dashboard sets the rest on the cases it lists.
    membership: Membership
    my_role_label: Text
    opinion: Opinion
    next_step: str
    letter_clocks: list[Source]

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
        # Always a new number, never one read earlier: a save from a stale instance
        # cannot bring back a revision that pages have kept for older contents.
        self.revision = new_revision()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "revision"}
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

    def reason_labels(self) -> list[Text]:
        labels = dict(Reason.choices)
        out: list[Text] = [labels[r] for r in self.reasons if r in labels and r != Reason.OTHER]
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
