from __future__ import annotations

from django import forms

from cases.concurrency import GuardedModelForm
from cases.models import Case


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class NewCaseForm(forms.ModelForm):
    """The first screen: just enough to start. Everything else is filled in step by step."""

    class Meta:
        model = Case
        fields = ["patient_name", "relationship", "condition"]
        help_texts = {
            "patient_name": "The person the second opinion is for.",
            "condition": "As the doctor named it, for example “early-stage breast cancer”.",
        }
        widgets = {"relationship": forms.RadioSelect}
        error_messages = {
            "patient_name": {"required": "Enter the name of the person this case is for"},
            "condition": {"required": "Enter the diagnosis or condition"},
        }


class CaseAboutForm(GuardedModelForm):
    class Meta:
        model = Case
        fields = ["patient_name", "patient_dob", "relationship", "condition", "notes"]
        widgets = {"relationship": forms.RadioSelect, "patient_dob": DateInput}
        help_texts = {"patient_dob": "Hospitals use it to find the right records."}
        error_messages = NewCaseForm.Meta.error_messages
