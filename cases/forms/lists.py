"""Forms for step 3's lists: records, medications and questions for the doctor."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.concurrency import GuardedModelForm
from cases.forms.fields import DATE_ERRORS, DateInput, not_in_future
from cases.models import Medication, Question, RecordItem
from cases.models.items import RecordStatus


class RecordStatusForm(forms.Form):
    """The one-field form beside each record: change its status in place."""

    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=RecordStatus.choices,
        error_messages={"invalid_choice": gettext_lazy("Choose a status from the list")},
    )
    # The status this person saw: if someone else changed it since, theirs is not
    # silently overwritten (see record_status).
    was = forms.ChoiceField(choices=RecordStatus.choices, required=False, widget=forms.HiddenInput)


class RecordAddForm(forms.ModelForm):
    class Meta:
        model = RecordItem
        fields = ["name", "source"]
        labels = {"name": gettext_lazy("Name of the record")}
        help_texts = {
            "name": gettext_lazy("For example “Blood tests from March” or “Biopsy slides”."),
            "source": gettext_lazy("The hospital, practice or lab that holds it."),
        }
        error_messages = {
            "name": {
                "required": gettext_lazy("Enter the name of the record"),
            }
        }


class RecordEditForm(GuardedModelForm):
    class Meta:
        model = RecordItem
        fields = [
            "name",
            "status",
            "format",
            "source",
            "requested_on",
            "received_on",
            "sent_on",
            "notes",
        ]
        labels = {"name": gettext_lazy("Name of the record")}
        help_texts = {
            "format": gettext_lazy("Images (MRI, X-ray, CT) usually come on a disc or USB stick."),
            "source": gettext_lazy("The hospital, practice or lab that holds it."),
        }
        widgets = {
            "requested_on": DateInput,
            "received_on": DateInput,
            "sent_on": DateInput,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "name": {
                "required": gettext_lazy("Enter the name of the record"),
            },
            "requested_on": DATE_ERRORS,
            "received_on": DATE_ERRORS,
            "sent_on": DATE_ERRORS,
        }

    def _not_in_future(self, name: str) -> dt.date | None:
        return not_in_future(
            self.cleaned_data.get(name), _("Enter a date that is today or in the past")
        )

    def clean_requested_on(self) -> dt.date | None:
        return self._not_in_future("requested_on")

    def clean_received_on(self) -> dt.date | None:
        return self._not_in_future("received_on")

    def clean_sent_on(self) -> dt.date | None:
        return self._not_in_future("sent_on")


MEDICATION_HELP = {
    "name": gettext_lazy(
        "Include medicines bought without a prescription, vitamins and supplements."
    ),
    "dose": gettext_lazy("For example “20 mg”."),
    "frequency": gettext_lazy("For example “once a day, in the morning”."),
    "notes": gettext_lazy("For example why it was prescribed, or side effects."),
}
MEDICATION_ERRORS = {
    "name": {
        "required": gettext_lazy("Enter the name of the medicine"),
    }
}


class MedicationForm(forms.ModelForm):
    class Meta:
        model = Medication
        fields = ["name", "dose", "frequency", "prescriber", "notes"]
        help_texts = MEDICATION_HELP
        error_messages = MEDICATION_ERRORS


class MedicationEditForm(GuardedModelForm):
    class Meta(MedicationForm.Meta):
        pass


class QuestionAddForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["text"]
        labels = {"text": gettext_lazy("Your question")}
        help_texts = {
            "text": gettext_lazy("Write it as you would ask it. You can reorder the list later.")
        }
        error_messages = {
            "text": {
                "required": gettext_lazy("Enter your question"),
            }
        }

    def clean_text(self) -> str:
        return " ".join(self.cleaned_data["text"].split())


class QuestionEditForm(GuardedModelForm):
    class Meta:
        model = Question
        fields = ["text", "answer"]
        labels = {
            "text": gettext_lazy("Your question"),
            "answer": gettext_lazy("The answer, once you have it"),
        }
        widgets = {"answer": forms.Textarea(attrs={"rows": 4})}
        error_messages = QuestionAddForm.Meta.error_messages
