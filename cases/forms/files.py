"""The form that attaches documents to a record: one or more files at once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cases.services.files import ACCEPTED


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)]


# At most this many files in one go: every input is bounded.
MAX_FILES_AT_ONCE = 20


class AttachForm(forms.Form):
    # A declared field, which the form's metaclass takes out of the class: no clash
    # with BaseForm.files (the uploaded data) at run time, only in the stubs.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Attach files"),
        help_text=format_lazy(
            _(
                "PDF, JPEG, PNG, HEIC photo or ZIP (for example the DICOM folder from a disc), "
                "up to {size} MB each. You can choose several."
            ),
            size=settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
        ),
        error_messages={
            "required": format_lazy(_("Choose a file to attach: {accepted}."), accepted=ACCEPTED)
        },
    )

    def __init__(self, *args: Any, record_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"record-{record_id}-%s")
        super().__init__(*args, **kwargs)
        self.fields["files"].widget.attrs["accept"] = (
            ".pdf,.jpg,.jpeg,.png,.heic,.heif,.zip,application/pdf,image/jpeg,image/png,"
            "image/heic,application/zip"
        )

    def clean_files(self) -> list[UploadedFile]:
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES_AT_ONCE:
            raise forms.ValidationError(
                _("Attach at most %(count)d files at once, then add the rest.")
                % {"count": MAX_FILES_AT_ONCE}
            )
        return files
