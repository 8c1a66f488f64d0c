from __future__ import annotations

from django import forms


class ReminderChoiceForm(forms.Form):
    reminders = forms.TypedChoiceField(
        label="Do you want email reminders about this case?",
        choices=[
            ("yes", "Yes, email me when something is due"),
            ("no", "No, I will check the case myself"),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you want email reminders"},
    )
