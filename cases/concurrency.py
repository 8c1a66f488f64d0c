"""No silent lost updates when a patient and a caregiver edit the same row.

A form carries a fingerprint of the values its fields had when it was shown. On save,
inside a transaction that holds the row, the fingerprint is taken again: if another
person changed any of *those* fields meanwhile, the save is refused with the current
values shown beside what this person typed, which stays in the form. Editing a
different section of the same row is not a conflict, and it must not be a loss either:
the save writes only the form's own columns (``save(update_fields=...)``), never the
whole row from the copy the request loaded before the other person's save landed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db import models, transaction
from django.forms.models import construct_instance
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


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

    version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    removed_message = gettext_lazy(
        "Someone else removed this while you were editing, so there was nothing to save."
    )
    conflict_message = gettext_lazy(
        "Someone else changed this while you were editing. Their version is shown below; "
        "what you typed is still in the form. Check it, then save again to keep yours."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conflict: dict[str, Any] | None = None
        if self.instance.pk:
            self.initial["version"] = fingerprint(self.instance, self.guarded_fields)

    @property
    def guarded_fields(self) -> list[str]:
        """The model fields the form shows: each guarded form lists its ``Meta.fields``."""
        assert self._meta.fields is not None, f"{type(self).__name__} lists no Meta.fields"
        return list(self._meta.fields)

    def save_guarded(self) -> models.Model | None:
        """Save if nobody changed these fields since the form was shown.

        Returns the saved instance, or None after a conflict, with ``self.conflict``
        holding the other person's values and the version reset so that saving
        again deliberately overwrites them (None too if the row was removed meanwhile).
        The row is locked with SELECT ... FOR UPDATE; SQLite has no row locks, and its
        IMMEDIATE transactions (see settings) hold the database's write lock instead.
        """
        model = type(self.instance)
        fields = self.guarded_fields
        with transaction.atomic():
            if not self.instance.pk:
                return self.save()
            try:
                current = model._default_manager.select_for_update().get(pk=self.instance.pk)
            except model.DoesNotExist:
                self.add_error(None, self.removed_message)
                return None
            if self.cleaned_data.get("version") != fingerprint(current, fields):
                self.conflict = {
                    model._meta.get_field(name).verbose_name: _display(current, name)
                    for name in fields
                }
                # The next save overwrites on purpose: it is now an informed choice.
                data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict or a dict
                data[self.add_prefix("version")] = fingerprint(current, fields)
                self.data = data
                self.add_error(None, self.conflict_message)
                return None
            return self._save_onto(current)

    def written_fields(self) -> list[str]:
        """The columns this form writes: its own model fields, nothing else of the row."""
        return [
            f.name
            for f in self.instance._meta.concrete_fields
            if f.name in self.guarded_fields and f.name in self.cleaned_data
        ]

    def _save_onto(self, current: models.Model) -> models.Model:
        """Write this form's columns onto the locked row ``current``, and only those.

        ``self.instance`` is the copy the request loaded before taking the lock, so its
        other columns may be stale. The form is applied to ``current`` (as ModelForm
        would: a field a browser may omit keeps the row's value), every column is then
        copied back to ``self.instance`` so the page rendered next shows the row as it
        now is, and the UPDATE names just the form's columns plus those the model
        stamps itself (``auto_now``). The audit trail diffs the same columns.
        """
        construct_instance(self, current, self._meta.fields, self._meta.exclude)
        concrete = self.instance._meta.concrete_fields
        for f in concrete:
            setattr(self.instance, f.attname, getattr(current, f.attname))
        fields = self.written_fields()
        stamped = [f.name for f in concrete if getattr(f, "auto_now", False)]
        self.instance.save(update_fields=fields + [f for f in stamped if f not in fields])
        self._save_m2m()  # type: ignore[attr-defined]  # ModelForm's, not in the stubs
        return self.instance


def _display(instance: models.Model, name: str) -> Any:
    getter = getattr(instance, f"get_{name}_display", None)
    value = getter() if getter else getattr(instance, name)
    if value in ("", None):
        return _("(empty)")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value
