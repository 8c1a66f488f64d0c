"""No silent lost updates when a patient and a caregiver edit the same section.

A form carries a fingerprint of the values its fields had when it was shown. On save,
inside a transaction that holds the row, the fingerprint is taken again: if another
person changed any of *those* fields meanwhile, the save is refused with the current
values shown beside what this person typed, which stays in the form. Editing a
different section of the same row is not a conflict.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db import models, transaction


def fingerprint(instance: models.Model, fields: Iterable[str]) -> str:
    values = {name: _plain(getattr(instance, name)) for name in fields}
    blob = json.dumps(values, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:32]


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    return value


class GuardedModelForm(forms.ModelForm):
    """A ModelForm that refuses to overwrite another person's newer changes."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    conflict_message = (
        "Someone else changed this while you were editing. Their version is shown below; "
        "what you typed is still in the form. Check it, then save again to keep yours."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conflict: dict[str, Any] | None = None
        if self.instance.pk:
            self.initial["version"] = fingerprint(self.instance, self._meta.fields)

    def save_guarded(self) -> models.Model | None:
        """Save if nobody changed these fields since the form was shown.

        Returns the saved instance, or None after a conflict, with ``self.conflict``
        holding the other person's values and the version reset so that saving
        again deliberately overwrites them.
        """
        model = type(self.instance)
        fields = list(self._meta.fields)
        with transaction.atomic():
            if self.instance.pk:
                current = model._default_manager.select_for_update().get(pk=self.instance.pk)
                if self.cleaned_data.get("version") != fingerprint(current, fields):
                    self.conflict = {
                        model._meta.get_field(name).verbose_name: _display(current, name)
                        for name in fields
                    }
                    # The next save overwrites on purpose: it is now an informed choice.
                    data = self.data.copy()
                    data[self.add_prefix("version")] = fingerprint(current, fields)
                    self.data = data
                    self.add_error(None, self.conflict_message)
                    return None
            return self.save()


def _display(instance: models.Model, name: str) -> Any:
    getter = getattr(instance, f"get_{name}_display", None)
    value = getter() if getter else getattr(instance, name)
    if value in ("", None):
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value
