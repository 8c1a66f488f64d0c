from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ReminderChoiceForm(forms.Form):
    reminders = forms.TypedChoiceField(
        label=_("Do you want email reminders about this case?"),
        choices=[
            ("yes", _("Yes, email me when something is due")),
            ("no", _("No, I will check the case myself")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you want email reminders")},
    )
