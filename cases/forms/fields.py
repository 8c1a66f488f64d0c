"""The pieces every form shares: date inputs, money, "not in the future", their messages.

One home, so a date reads the same way and fails with the same words on every screen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, ClassVar, cast

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cases.text import Text

# One message for a date the browser (or a person typing without a date picker) got wrong.
DATE_INVALID = _("Enter a real date, for example 27 3 2026")
DATE_ERRORS = {"invalid": DATE_INVALID}
DATETIME_INVALID = _("Enter a real date and time, for example 14 5 2026 10:30")


def too_long(name: str, limit: int, entered: int) -> str:
    """The one message for text over its maximum, at the field and in the import."""
    return _("%(name)s must be %(limit)s characters or fewer (you entered %(entered)s)") % {
        "name": name,
        "limit": f"{limit:,}",
        "entered": f"{entered:,}",
    }


class LimitedCharFormField(forms.CharField):
    """Text with a maximum that says, at the field, how long it may be and how long it is.

    The browser's ``maxlength`` stops most people first; this is for a post that did
    not come through that page (no JavaScript is not enough to lose it: a pasted text,
    an old page, a script). ``too_long_name`` names the field in the message when its
    label is a question ("Why?" reads badly as the subject of a sentence).
    """

    too_long_name: Text = ""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if self.max_length is not None and value and len(value) > self.max_length:
            raise forms.ValidationError(
                too_long(self.subject(), self.max_length, len(value)), code="max_length"
            )

    def subject(self) -> str:
        if self.too_long_name:
            return str(self.too_long_name)
        label = str(self.label or "").strip()
        if not label:
            return str(_("This text"))
        return str(_("Your answer")) if label.endswith("?") else label


class LimitedEmailField(LimitedCharFormField, forms.EmailField):
    """An email address, refused in the same plain words when it is too long."""


class DateInput(forms.DateInput):
    """A native date picker; the value travels as ISO so every browser reads it."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def not_in_future(value: dt.date | None, message: str) -> dt.date | None:
    """Refuse a date after today, where today is the person's local day, not the server's."""
    if value and value > timezone.localdate():
        raise forms.ValidationError(message, code="future")
    return value


class MoneyField(forms.DecimalField):
    """Dollars as people type them: "$1,250.50", "1250", " 80 " all read as numbers."""

    default_error_messages = {
        "invalid": _("Enter an amount in dollars, for example 250 or 1,250.50"),
        "min_value": _("The amount must be 0 or more"),
        "max_decimal_places": _("Enter the cents with no more than 2 digits, for example 250.50"),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_digits", 9)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(**kwargs)
        assert self.max_digits is not None and self.decimal_places is not None
        # Lazy: fields are built at import time, the message is read in the person's language.
        too_big = format_lazy(
            _("Enter an amount under ${limit}"),
            limit=f"{10 ** (self.max_digits - self.decimal_places):,}",
        )
        self.error_messages.setdefault("max_digits", too_big)
        self.error_messages.setdefault("max_whole_digits", too_big)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # stubs: int
        if isinstance(value, str):
            value = value.strip().replace("$", "").replace(",", "").replace(" ", "")
        return super().to_python(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # A text box with a numeric keyboard: number inputs drop "$" and commas.
        attrs = super().widget_attrs(widget)
        for key in ("min", "max", "step"):
            attrs.pop(key, None)
        attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        # Room for the digits, a "$", thousands commas, the point and spaces around.
        assert self.max_digits is not None
        attrs["maxlength"] = str(self.max_digits + self.max_digits // 3 + 4)
        return attrs


class ForThePatient(forms.BaseForm):
    """Labels that name the patient in a caregiver's case: "Does John Lopez need a referral?"

    The form's own labels speak to the patient ("Do you need a referral?"); a case kept
    for someone else swaps in ``others`` (``{name}`` is the patient's name, ``{whose}``
    its possessive). Section summaries ask ``label_for`` so they read the same.
    """

    others: ClassVar[dict[str, Text]] = {}
    others_help: ClassVar[dict[str, Text]] = {}  # the same for help texts
    base_fields: ClassVar[dict[str, forms.Field]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        case = _case_of(getattr(self, "instance", None))
        for name in self.others:
            if name in self.fields:
                self.fields[name].label = self.label_for(name, case)
        if case is not None and case.relationship != "self":
            for name, text in self.others_help.items():
                if name in self.fields:
                    self.fields[name].help_text = text.format(name=case.patient_name)

    @classmethod
    def label_for(cls, name: str, case: Any) -> str:
        field = cls.base_fields[name]
        if case is None or case.relationship == "self" or name not in cls.others:
            return str(field.label)
        from cases.display import whose

        return cls.others[name].format(name=case.patient_name, whose=whose(case))


def _case_of(instance: Any) -> Any:
    if instance is None:
        return None
    if hasattr(instance, "relationship"):
        return instance
    return getattr(instance, "case", None)


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """One of the form's fields that offers choices, typed as such for its ``choices``."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField), f"{name} offers no choices"
    return field


def choices_of(field: forms.ChoiceField) -> list[tuple[Any, Any]]:
    """The pairs a choice field offers: Django keeps them as a list, whatever it was given."""
    return list(cast("Iterable[tuple[Any, Any]]", field.choices))
