"""Forms for records-request letters: which place to write to, and when it was sent."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.forms.case import DATE_INVALID, DateInput, not_in_future
from cases.models import fields as size
from cases.models.letters import SentHow


class LetterStartForm(forms.Form):
    source = forms.CharField(max_length=size.LINE, widget=forms.HiddenInput)


class LetterSentForm(forms.Form):
    sent_on = forms.DateField(
        label=gettext_lazy("When did you send it?"),
        help_text=gettext_lazy("The provider’s 30 days start on this day."),
        widget=DateInput,
        error_messages={
            "required": gettext_lazy("Enter the date you sent the letter"),
            "invalid": DATE_INVALID,
        },
    )
    sent_how = forms.ChoiceField(
        label=gettext_lazy("How did you send it?"),
        choices=SentHow.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose how you sent the letter")},
    )

    def clean_sent_on(self) -> dt.date:
        value = self.cleaned_data["sent_on"]
        not_in_future(value, _("Enter a date that is today or in the past"))
        if value.year < 2000:
            raise forms.ValidationError(_("Enter a date after 1 January 2000"))
        return value
