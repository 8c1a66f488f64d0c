"""Forms for roadmap steps 1, 2 and 4, one per section of a step's page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.concurrency import GuardedModelForm
from cases.forms.fields import (
    DATE_INVALID,
    DATETIME_INPUT_FORMATS,
    DATETIME_INVALID,
    DateInput,
    DateTimeInput,
    ForThePatient,
    MoneyField,
    choice_field,
    choices_of,
    not_in_future,
)
from cases.models import Case, InformChoice, InsuranceCall, Opinion


def _no_blank_choice(form: forms.BaseForm, *names: str) -> None:
    """Radio lists read better without Django's dashed blank option."""
    for name in names:
        field = choice_field(form, name)
        field.choices = [c for c in choices_of(field) if c[0] or c[1] != "---------"]


# Step 1 ---------------------------------------------------------------------------


class ProviderForm(ForThePatient, GuardedModelForm):
    others = {"primary_provider_name": gettext_lazy("{whose} primary provider’s name")}
    others_help = {
        "primary_provider_name": gettext_lazy("The doctor who usually looks after {name}.")
    }

    class Meta:
        model = Case
        fields = ["primary_provider_name", "primary_provider_contact"]
        labels = {"primary_provider_name": gettext_lazy("Your primary provider’s name")}
        help_texts = {
            "primary_provider_name": gettext_lazy("The doctor who usually looks after you.")
        }


class InformForm(ForThePatient, GuardedModelForm):
    others = {"inform_choice": gettext_lazy("Will you tell {whose} primary provider?")}

    class Meta:
        model = Case
        fields = [
            "inform_choice",
            "informed_on",
            "provider_response",
            "provider_offered_records",
            "provider_suggested_specialist",
        ]
        widgets = {
            "inform_choice": forms.RadioSelect,
            "informed_on": DateInput,
            "provider_response": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"informed_on": gettext_lazy("Leave blank if you have not told them yet.")}
        error_messages = {"informed_on": {"invalid": DATE_INVALID}}

    def clean_informed_on(self) -> dt.date | None:
        value = self.cleaned_data.get("informed_on")
        not_in_future(value, _("The date you told them must be today or in the past"))
        return value

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("informed_on") and data.get("inform_choice") != InformChoice.TOLD:
            self.add_error(
                "inform_choice", _("You gave a date you told them: choose “I have told them”")
            )
        return data


# Step 2 ---------------------------------------------------------------------------


class PolicyForm(GuardedModelForm):
    class Meta:
        model = Case
        fields = ["insurer", "insurance_plan", "member_id", "insurer_phone"]
        help_texts = {
            "member_id": gettext_lazy(
                "On your insurance card. We only show its last 4 characters."
            ),
            "insurer_phone": gettext_lazy("Usually on the back of the card."),
        }
        widgets = {
            "member_id": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "insurer_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }


class CoverageForm(GuardedModelForm):
    estimated_cost = MoneyField(
        label=gettext_lazy("Estimated out-of-pocket cost"),
        help_text=gettext_lazy(
            "In dollars, what your insurer said you would pay. For example 250."
        ),
    )

    class Meta:
        model = Opinion
        fields = ["coverage", "in_network", "estimated_cost"]
        widgets = {"coverage": forms.RadioSelect, "in_network": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _no_blank_choice(self, "coverage", "in_network")


class ReferralForm(ForThePatient, GuardedModelForm):
    others = {"referral_status": gettext_lazy("Does {name} need a referral?")}

    class Meta:
        model = Opinion
        fields = [
            "referral_status",
            "referral_requested_on",
            "referral_decided_on",
            "referral_reference",
        ]
        labels = {"referral_status": gettext_lazy("Do you need a referral?")}
        widgets = {
            "referral_status": forms.RadioSelect,
            "referral_requested_on": DateInput,
            "referral_decided_on": DateInput,
        }
        error_messages = {
            "referral_requested_on": {"invalid": DATE_INVALID},
            "referral_decided_on": {"invalid": DATE_INVALID},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _no_blank_choice(self, "referral_status")

    def clean_referral_requested_on(self) -> dt.date | None:
        value = self.cleaned_data.get("referral_requested_on")
        not_in_future(value, _("The date you asked for the referral must be today or in the past"))
        return value

    def clean_referral_decided_on(self) -> dt.date | None:
        value = self.cleaned_data.get("referral_decided_on")
        not_in_future(value, _("The date of the decision must be today or in the past"))
        return value

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        asked, decided = data.get("referral_requested_on"), data.get("referral_decided_on")
        if asked and decided and decided < asked:
            self.add_error(
                "referral_decided_on",
                _("The date of the decision must be on or after the date you asked"),
            )
        return data


class PriorAuthForm(ForThePatient, GuardedModelForm):
    others = {"prior_auth_status": gettext_lazy("Does {name} need prior authorization?")}

    class Meta:
        model = Opinion
        fields = ["prior_auth_status", "prior_auth_requested_on", "prior_auth_reference"]
        labels = {"prior_auth_status": gettext_lazy("Do you need prior authorization?")}
        help_texts = {
            "prior_auth_status": gettext_lazy(
                "Some insurers must approve the visit before it happens."
            ),
            "prior_auth_requested_on": gettext_lazy(
                "If you asked for it, when. We remind you to call "
                "if there is no decision after 2 weeks."
            ),
        }
        widgets = {"prior_auth_status": forms.RadioSelect, "prior_auth_requested_on": DateInput}
        error_messages = {"prior_auth_requested_on": {"invalid": DATE_INVALID}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _no_blank_choice(self, "prior_auth_status")

    def clean_prior_auth_requested_on(self) -> dt.date | None:
        value = self.cleaned_data.get("prior_auth_requested_on")
        not_in_future(
            value, _("The date you asked for prior authorization must be today or in the past")
        )
        return value


class CallForm(forms.ModelForm):
    """A new entry in the log of calls: new rows cannot conflict, so a plain ModelForm."""

    class Meta:
        model = InsuranceCall
        fields = ["called_on", "spoke_with", "reference", "notes"]
        widgets = {"called_on": DateInput, "notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"reference": gettext_lazy("Ask for one at the end of every call.")}
        error_messages = {
            "called_on": {
                "required": gettext_lazy("Enter the date of the call"),
                "invalid": DATE_INVALID,
            }
        }

    def clean_called_on(self) -> dt.date | None:
        value = self.cleaned_data.get("called_on")
        not_in_future(value, _("The date of the call must be today or in the past"))
        return value


# Step 4 ---------------------------------------------------------------------------


class SpecialistForm(GuardedModelForm):
    class Meta:
        model = Opinion
        fields = [
            "specialist_name",
            "specialist_specialty",
            "specialist_institution",
            "specialist_address",
            "specialist_phone",
        ]
        widgets = {
            "specialist_address": forms.Textarea(attrs={"rows": 3}),
            "specialist_phone": forms.TextInput(attrs={"type": "tel"}),
        }
        help_texts = {
            "specialist_specialty": gettext_lazy(
                "Ideally a specialist in the field of the diagnosis."
            ),
        }


class AppointmentForm(ForThePatient, GuardedModelForm):
    others = {"records_arrived": gettext_lazy("Have {name}’s records arrived there?")}

    class Meta:
        model = Opinion
        fields = ["appointment_at", "appointment_mode", "records_arrived", "will_ask_to_record"]
        widgets = {
            "appointment_at": DateTimeInput,
            "appointment_mode": forms.RadioSelect,
            "records_arrived": forms.RadioSelect,
        }
        help_texts = {
            "appointment_at": gettext_lazy("When you have booked it."),
            "records_arrived": gettext_lazy("Call the office a few days before to check."),
            "will_ask_to_record": (
                gettext_lazy(
                    "Tip: a recording, made with the doctor's permission, helps you review what "
                    "was said later or share it with your family."
                )
            ),
        }
        error_messages = {"appointment_at": {"invalid": DATETIME_INVALID}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        appointment_at = self.fields["appointment_at"]
        assert isinstance(appointment_at, forms.DateTimeField)
        appointment_at.input_formats = DATETIME_INPUT_FORMATS
        _no_blank_choice(self, "appointment_mode", "records_arrived")

    def clean_appointment_at(self) -> dt.datetime | None:
        value = self.cleaned_data.get("appointment_at")
        # Only a newly entered date must be ahead: a past appointment stays editable.
        if value and "appointment_at" in self.changed_data and value < timezone.now():
            raise forms.ValidationError(_("The appointment must be in the future"))
        return value
