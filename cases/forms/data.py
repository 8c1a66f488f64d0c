"""Forms for taking data away, bringing it in, and deleting an account."""

from __future__ import annotations

from typing import Any

from django import forms

from cases.services.erasure import DELETE, HAND_OVER_PREFIX, SoleOwnership, sole_owned
from cases.services.importing import CaseFile, ImportRefused, read_archive
from cases.services.sharing import display_name


class ImportForm(forms.Form):
    file = forms.FileField(
        label="The ZIP file",
        help_text="A file made by “Export this case” or “Export my account”, as you "
        "downloaded it (do not unzip it).",
        widget=forms.FileInput(attrs={"accept": ".zip,application/zip"}),
        error_messages={
            "required": "Choose the ZIP file to import",
            "empty": "The file you chose is empty. Choose the ZIP file to import",
            "invalid": "Choose the ZIP file to import",
        },
    )

    case_files: list[CaseFile]

    def clean_file(self):
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
        label="I understand that my account will be deleted for good, and so will every "
        "case I chose to delete",
        error_messages={"required": "Tick the box to confirm that you want to delete your account"},
    )

    def __init__(self, *args: Any, owned: list[SoleOwnership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owned = owned
        shared = [o for o in owned if o.others]
        fields = {}
        for o in shared:
            name = o.case.patient_name
            fields[_field_name(o)] = forms.ChoiceField(
                label=f"The case for {name}: {o.case.condition}",
                choices=[
                    (
                        f"{HAND_OVER_PREFIX}{m.pk}",
                        f"Hand it over to {display_name(m.user)} "
                        f"(now {m.get_role_display().lower()}), who becomes its owner",
                    )
                    for m in o.others
                ]
                + [(DELETE, "Delete it, for everyone it is shared with")],
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Choose who takes over the case for {name}, or delete it",
                    "invalid_choice": f"Choose who takes over the case for {name}, or delete "
                    "it (the people with access may have changed)",
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
            "Something changed while you were choosing: the cases you alone own, or "
            "the people in them, are not the same. Check your choices again.",
        )
        return form
