"""Forms for starting a case and for each section of its details."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.concurrency import GuardedModelForm
from cases.forms.fields import DATE_INVALID, DateInput, choice_field, choices_of, not_in_future
from cases.models import Case, Reason


class NewCaseForm(forms.ModelForm):
    """The first screen: just enough to start. Everything else is filled in step by step."""

    class Meta:
        model = Case
        fields = ["patient_name", "relationship", "condition"]
        help_texts = {
            "patient_name": gettext_lazy("The person the second opinion is for."),
            "condition": gettext_lazy(
                "As the doctor named it, for example “early-stage breast cancer”."
            ),
        }
        widgets = {"relationship": forms.RadioSelect}
        error_messages = {
            "patient_name": {
                "required": gettext_lazy("Enter the name of the person this case is for")
            },
            "condition": {"required": gettext_lazy("Enter the diagnosis or condition")},
        }


class CaseAboutForm(GuardedModelForm):
    """About the person the case is for."""

    class Meta:
        model = Case
        fields = ["patient_name", "patient_dob", "relationship", "notes"]
        widgets = {"relationship": forms.RadioSelect, "patient_dob": DateInput}
        help_texts = {
            "patient_dob": gettext_lazy("Hospitals use it to find the right records."),
            "notes": gettext_lazy("Anything else worth keeping with the case."),
        }
        error_messages = {
            "patient_name": NewCaseForm.Meta.error_messages["patient_name"],
            "patient_dob": {"invalid": DATE_INVALID},
        }

    def clean_patient_dob(self) -> dt.date | None:
        dob = self.cleaned_data.get("patient_dob")
        not_in_future(dob, _("Date of birth must be today or in the past"))
        if dob and dob.year < 1900:
            raise forms.ValidationError(_("Date of birth must be after 1900"))
        return dob


class DiagnosisForm(GuardedModelForm):
    """The diagnosis as the first provider gave it, and who gave it."""

    class Meta:
        model = Case
        fields = [
            "condition",
            "prognosis",
            "diagnosed_by_name",
            "diagnosed_by_specialty",
            "diagnosed_by_facility",
            "diagnosed_by_contact",
            "diagnosed_on",
        ]
        widgets = {"diagnosed_on": DateInput, "prognosis": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "condition": NewCaseForm.Meta.help_texts["condition"],
            "prognosis": gettext_lazy("In the words you heard, if you were told one."),
        }
        error_messages = {
            "condition": NewCaseForm.Meta.error_messages["condition"],
            "diagnosed_on": {"invalid": DATE_INVALID},
        }

    def clean_diagnosed_on(self) -> dt.date | None:
        value = self.cleaned_data.get("diagnosed_on")
        not_in_future(value, _("The date of the diagnosis must be today or in the past"))
        dob = self.instance.patient_dob
        if value and dob and value < dob:
            raise forms.ValidationError(
                _("The date of the diagnosis must be after the date of birth")
            )
        return value


class TreatmentForm(GuardedModelForm):
    """The treatment the first provider proposed, and how soon."""

    class Meta:
        model = Case
        fields = [
            "treatment_kind",
            "treatment_description",
            "treatment_urgency",
            "treatment_start_by",
        ]
        widgets = {
            "treatment_kind": forms.RadioSelect,
            "treatment_urgency": forms.RadioSelect,
            "treatment_start_by": DateInput,
            "treatment_description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "treatment_start_by": (
                gettext_lazy(
                    "If a date was set. We will warn you if the second opinion would come after it."
                )
            ),
        }
        error_messages = {"treatment_start_by": {"invalid": DATE_INVALID}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Radio lists read better without Django's dashed blank option.
        for name in ("treatment_kind", "treatment_urgency"):
            field = choice_field(self, name)
            field.choices = [c for c in choices_of(field) if c[0]]

    def clean_treatment_start_by(self) -> dt.date | None:
        value = self.cleaned_data.get("treatment_start_by")
        diagnosed = self.instance.diagnosed_on
        if value and diagnosed and value < diagnosed:
            raise forms.ValidationError(
                _("The start date must be on or after the date of the diagnosis")
            )
        return value


class ReasonsForm(GuardedModelForm):
    """Why another opinion: the article's six reasons, several at once, or another."""

    reasons = forms.MultipleChoiceField(
        label=gettext_lazy("Why are you seeking another opinion?"),
        choices=Reason.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("Select all that apply."),
    )

    class Meta:
        model = Case
        fields = ["reasons", "reasons_other"]
        labels = {"reasons_other": gettext_lazy("Your other reason")}
        help_texts = {"reasons_other": gettext_lazy("Only needed if you ticked “Another reason”.")}

    def clean_reasons(self) -> list[str]:
        chosen = set(self.cleaned_data.get("reasons") or [])
        # Stored in the article's order, whatever order the browser sent.
        return [value for value, _ in Reason.choices if value in chosen]

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        reasons = data.get("reasons") or []
        if Reason.OTHER in reasons and not (data.get("reasons_other") or "").strip():
            self.add_error(
                "reasons_other", _("Enter your other reason, or untick “Another reason”")
            )
        elif Reason.OTHER not in reasons and "reasons" in data:
            data["reasons_other"] = ""
        return data
