from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.concurrency import GuardedModelForm
from cases.forms.fields import DATE_ERRORS, DateInput, LimitedEmailField
from cases.models import Case, Invitation, Membership, Role

SHARED_ROLES = [
    (Role.EDITOR, gettext_lazy("Editor: can change everything except who has access")),
    (
        Role.VIEWER,
        gettext_lazy("Viewer: can see the case and download the packet, but not change it"),
    ),
]


class InviteForm(forms.Form):
    email = LimitedEmailField(
        label=gettext_lazy("Their email address"),
        max_length=Invitation._meta.get_field("email").max_length,
        help_text=gettext_lazy(
            "We will email them a link. It works once and expires after 7 days."
        ),
        error_messages={
            "required": gettext_lazy("Enter their email address"),
            "invalid": gettext_lazy(
                "Enter an email address in the right format, like name@example.com"
            ),
        },
    )
    role = forms.ChoiceField(
        label=gettext_lazy("What can they do?"),
        choices=SHARED_ROLES,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose what they can do")},
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if Membership.objects.filter(case=self.case, user__email__iexact=email).exists():
            raise forms.ValidationError(_("This person already has access to the case"))
        if self.case.invitations.filter(
            email__iexact=email, accepted_at=None, cancelled_at=None
        ).exists():
            raise forms.ValidationError(
                _(
                    "This person has already been invited. You can send the invitation again "
                    "from the list of people"
                )
            )
        return email


class RoleForm(GuardedModelForm):
    role = forms.ChoiceField(
        label=gettext_lazy("What can they do?"),
        choices=SHARED_ROLES,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose what they can do")},
    )

    class Meta:
        model = Membership
        fields = ["role"]


class AuthorityForm(GuardedModelForm):
    class Meta:
        model = Membership
        fields = ["authority_kind", "authority_expires"]
        labels = {"authority_kind": gettext_lazy("What authority is on file?")}
        widgets = {"authority_kind": forms.RadioSelect, "authority_expires": DateInput}
        help_texts = {
            "authority_kind": gettext_lazy(
                "Hospitals ask a caregiver for one of these before they share "
                "records or talk about the patient."
            ),
            "authority_expires": gettext_lazy(
                "Leave empty if it does not expire. Many patient portals make "
                "proxy access expire after about 18 months."
            ),
        }
        error_messages = {
            "authority_expires": DATE_ERRORS,
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("authority_expires") and not data.get("authority_kind"):
            self.add_error(
                "authority_kind",
                _("Choose the kind of authority, or leave the expiry date empty"),
            )
        return data
