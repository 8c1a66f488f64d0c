"""How much text each field of a case may hold: every size in one place.

A field that takes text a person types is bounded, so one case cannot grow without end
(a 2 MB diagnosis once made the packet run 30 s). The sizes are generous for what each
field is for; the import's JSON Schema carries the same numbers (scripts/export_schema.py
writes them, a test compares them).

``LimitedCharField`` and ``LimitedTextField`` are Django's, plus: a model-level check
for a TextField's length too (``full_clean``, the import), and a form field that says
what went wrong in plain words at the field ("Notes must be 2,000 characters or fewer
(you entered 2,350)").
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import validators
from django.db import models

# One line -------------------------------------------------------------------------------
PHONE = 40  # a phone number, with spaces and an extension
REFERENCE = 60  # a member ID, a reference or authorization number
DOSE = 80  # "20 mg", "once a day, in the morning"
NAME = 120  # a person, a medicine, an insurer, a plan, a specialty
LINE = 200  # a condition, a record, a hospital, "phone or email"
FILE_NAME = 255  # an attached document's name, as most file systems allow
SHORT_NOTE = 300  # another reason, a medicine's note, a follow-up action
QUESTION = 500  # a question for the doctor
ADDRESS = 500  # a postal address over a few lines

# Paragraphs -----------------------------------------------------------------------------
NOTE = 2_000  # notes on a record or a call, an answer to a question
LONG = 5_000  # a prognosis, a treatment, what the specialist concluded and why


def _form_field(model_field: models.Field, kwargs: dict[str, Any]) -> dict[str, Any]:
    from cases.forms.fields import LimitedCharFormField

    if model_field.choices is None:
        kwargs.setdefault("form_class", LimitedCharFormField)
    return kwargs


class LimitedCharField(models.CharField):
    """A CharField whose form field gives the plain "N characters or fewer" message."""

    def formfield(self, **kwargs: Any) -> forms.Field | None:
        return super().formfield(**_form_field(self, kwargs))


class LimitedTextField(models.TextField):
    """A TextField with a maximum the model checks too, not only its forms."""

    def __init__(self, *args: Any, max_length: int, **kwargs: Any) -> None:
        kwargs["max_length"] = max_length
        super().__init__(*args, **kwargs)
        self.validators.append(validators.MaxLengthValidator(max_length))

    def formfield(self, **kwargs: Any) -> forms.Field | None:
        return super().formfield(**_form_field(self, kwargs))
