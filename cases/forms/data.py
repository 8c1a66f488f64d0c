"""Forms for taking data away, bringing it in, and deleting an account."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.services.erasure import DELETE, HAND_OVER_PREFIX, SoleOwnership, sole_owned
from cases.services.importing import CaseFile, ImportRefused, read_archive
from cases.services.sharing import display_name


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("The ZIP file"),
        help_text=gettext_lazy(
            "A file made by “Export this case” or “Export my account”, as you "
            "downloaded it (do not unzip it)."
        ),
        widget=forms.FileInput(attrs={"accept": ".zip,application/zip"}),
        error_messages={
            "required": gettext_lazy("Choose the ZIP file to import"),
            "empty": gettext_lazy("The file you chose is empty. Choose the ZIP file to import"),
            "invalid": gettext_lazy("Choose the ZIP file to import"),
        },
    )

    case_files: list[CaseFile]

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        try:
            self.case_files = read_archive(upload, size=upload.size)
        except ImportRefused as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload


def _field_name(owned: SoleOwnership) -> str:
    return f"case_{owned.case.pk.hex}"


class DeleteAccountForm(forms.Form):
    """One choice for each case the person alone owns and shares; a confirmation."""

    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I understand that my account will be deleted for good, and so will every "
            "case I chose to delete"
        ),
        error_messages={
            "required": gettext_lazy("Tick the box to confirm that you want to delete your account")
        },
    )

    def __init__(self, *args: Any, owned: list[SoleOwnership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owned = owned
        shared = [o for o in owned if o.others]
        fields = {}
        for o in shared:
            name = o.case.patient_name
            fields[_field_name(o)] = forms.ChoiceField(
                label=_("The case for %(name)s: %(condition)s")
                % {"name": name, "condition": o.case.condition},
                choices=[
                    (
                        f"{HAND_OVER_PREFIX}{m.pk}",
                        _("Hand it over to %(person)s (now %(role)s), who becomes its owner")
                        % {"person": display_name(m.user), "role": m.get_role_display().lower()},
                    )
                    for m in o.others
                ]
                + [(DELETE, _("Delete it, for everyone it is shared with"))],
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose who takes over the case for %(name)s, or delete it")
                    % {"name": name},
                    "invalid_choice": _(
                        "Choose who takes over the case for %(name)s, or delete it "
                        "(the people with access may have changed)"
                    )
                    % {"name": name},
                },
            )
        # The choices come first, the confirmation last.
        self.fields = {**fields, "confirm": self.fields["confirm"]}

    def choices(self) -> dict[str, str]:
        """Each solely owned case's id and what happens to it; unshared ones are deleted."""
        return {
            str(o.case.pk): self.cleaned_data[_field_name(o)] if o.others else DELETE
            for o in self.owned
        }

    @classmethod
    def after_a_change(cls, data: Any, *, user: Any) -> DeleteAccountForm:
        """The cases ``user`` alone owns, or their people, changed while they chose: the
        form again, for what is there now, saying so."""
        form = cls(data, owned=sole_owned(user))
        form.is_valid()
        form.add_error(
            None,
            _(
                "Something changed while you were choosing: the cases you alone own, or "
                "the people in them, are not the same. Check your choices again."
            ),
        )
        return form
