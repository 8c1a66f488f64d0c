"""The Activity page's plain sentences: who changed what, read from the audit trail.

The trail itself (what is recorded, for which models, how a case's entries are found)
is cases/audit.py; this module only words it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import User

from cases.models import (
    Case,
    FollowUpAction,
    InsuranceCall,
    Invitation,
    Medication,
    Membership,
    Opinion,
    Question,
    RecordItem,
    RecordRequest,
)
from cases.services.sharing import display_name

THINGS = {
    RecordItem: "record",
    Medication: "medication",
    Question: "question",
    InsuranceCall: "insurance call",
    FollowUpAction: "follow-up action",
    RecordRequest: "records request letter",
}
# Values too long for a sentence, or not for showing on a screen.
NO_VALUES = {"member_id"}
MAX_VALUE = 80


@dataclass(frozen=True)
class Activity:
    """One line of the feed."""

    when: dt.datetime
    who: str
    text: str
    details: tuple[str, ...] = ()


def describe_page(entries: list[LogEntry]) -> list[Activity]:
    """Plain sentences for a page of entries, in two queries whatever its length."""
    from django.contrib.auth import get_user_model

    user_ids = {
        e.additional_data.get("user_id")
        for e in entries
        if e.additional_data and e.additional_data.get("user_id")
    }
    users = get_user_model().objects.in_bulk(user_ids) if user_ids else {}
    out = []
    for e in entries:
        text = describe(e, users)
        # Several fields saved at once read as a headline with one line per change.
        details: tuple[str, ...] = ()
        if isinstance(text, tuple):
            text, details = text[0], tuple(text[1])
        out.append(
            Activity(when=e.timestamp, who=display_name(e.actor), text=text, details=details)
        )
    return out


Described = str | tuple[str, list[str]]


def describe(entry: LogEntry, users: dict[Any, Any]) -> Described:
    model = entry.content_type.model_class()
    who = display_name(entry.actor)
    data = entry.additional_data or {}
    changes = entry.changes_dict or {}
    Action = LogEntry.Action

    event = data.get("event")
    if event == "case_export":
        return f"{who} exported the case (a ZIP with everything in it)"
    if event == "case_import":
        return f"{who} imported this case from an export file"
    if event == "member_account_deleted":
        return "A member deleted their account and no longer has access"
    if event == "letter_download":
        return f"{who} downloaded a records request letter"
    if event == "file_download":
        return f"{who} downloaded the attached document ‘{entry.object_repr}’"
    if event == "bundle_download":
        return f"{who} downloaded the packet with records"
    if entry.action == Action.ACCESS:
        return f"{who} downloaded the packet"
    if model is Membership:
        return _describe_membership(entry, who, users.get(data.get("user_id")), changes)
    if model is Invitation:
        return _describe_invitation(entry, who, data.get("email", "someone"), changes)
    if model is Case:
        if entry.action == Action.CREATE:
            return f"{who} started this case"
        if entry.action == Action.DELETE:
            return f"{who} deleted this case"
        return _describe_update(who, model, changes, where="", whole="of the case")
    if model is Opinion:
        name = entry.object_repr.lower()
        if entry.action == Action.CREATE:
            return f"{who} started the {name}"
        if entry.action == Action.DELETE:
            return f"{who} removed the {name}"
        return _describe_update(
            who, model, changes, where=f" in the {name}", whole=f"in the {name}"
        )
    thing = THINGS.get(model, "item")
    name = _short(entry.object_repr)
    if entry.action == Action.CREATE:
        return f"{who} added the {thing} ‘{name}’"
    if entry.action == Action.DELETE:
        return f"{who} removed the {thing} ‘{name}’"
    if model is FollowUpAction and set(changes) == {"done"}:
        state = "done" if changes["done"][1] == "True" else "not done"
        return f"{who} marked ‘{name}’ as {state}"
    return _describe_update(who, model, changes, where=f" of ‘{name}’", whole=f"of ‘{name}’")


def _describe_membership(
    entry: LogEntry, who: str, member: User | None, changes: dict
) -> Described:
    name = display_name(member) if member else "a former member"
    Action = LogEntry.Action
    if entry.action == Action.CREATE:
        role = _value(Membership, "role", changes.get("role", [None, ""])[1])
        if member and entry.actor_id == member.pk:
            return f"{name} joined the case as {_article(role)}"
        return f"{who} gave {name} access as {_article(role)}"
    if entry.action == Action.DELETE:
        if member and entry.actor_id == member.pk:
            return f"{name} left the case"
        return f"{who} removed {name} from the case"
    return _describe_update(
        who, Membership, changes, where="", owner=f"{name}’s", whole=f"of {name}’s access"
    )


def _describe_invitation(entry: LogEntry, who: str, email: str, changes: dict) -> str:
    Action = LogEntry.Action
    if entry.action == Action.CREATE:
        role = _value(Invitation, "role", changes.get("role", [None, ""])[1])
        return f"{who} invited {email} as {_article(role)}"
    if entry.action == Action.DELETE:
        return f"{who} deleted the invitation to {email}"
    if _set(changes, "accepted_at"):
        return f"{who} accepted the invitation sent to {email}"
    if _set(changes, "cancelled_at"):
        return f"{who} cancelled the invitation to {email}"
    return f"{who} sent the invitation to {email}"


def _set(changes: dict, field: str) -> bool:
    return field in changes and _blank(changes[field][0]) and not _blank(changes[field][1])


def _describe_update(
    who: str,
    model: type[models.Model],
    changes: dict,
    *,
    where: str,
    whole: str,
    owner: str = "the",
) -> Described:
    """One change as a sentence; several as a headline and one short line for each."""
    sentences, lines = [], []
    for field_name, (old, new) in changes.items():
        try:
            field = model._meta.get_field(field_name)
        except FieldDoesNotExist:  # a field since removed from the model
            continue
        if not isinstance(field, models.Field):  # a reverse relation: never in a diff
            continue
        label = _label(field)
        subject = f"{owner} {label}{where}"
        heading = label[:1].upper() + label[1:]
        if not _shows_values(field):
            sentences.append(f"changed {subject}")
            lines.append(f"{heading}: changed")
        elif _blank(new):
            sentences.append(f"cleared {subject}")
            lines.append(f"{heading}: cleared")
        elif _blank(old):
            value = _value(model, field_name, new)
            sentences.append(f"set {subject} to {value}")
            lines.append(f"{heading}: {value}")
        else:
            old_v, new_v = _value(model, field_name, old), _value(model, field_name, new)
            sentences.append(f"changed {subject} from {old_v} to {new_v}")
            lines.append(f"{heading}: from {old_v} to {new_v}")
    if not sentences:
        return f"{who} made a change"
    if len(sentences) == 1:
        return f"{who} {sentences[0]}"
    return f"{who} changed {len(lines)} details {whole}", lines


def _label(field: models.Field) -> str:
    # Form labels can be questions ("Is the specialist in network?"); a feed states facts.
    label = str(field.verbose_name).rstrip("?")
    # Lower-case the first word unless it is an acronym such as "HIPAA" or "ID".
    first = label.split(" ", 1)[0]
    if first.isupper() and len(first) > 1:
        return label
    return label[:1].lower() + label[1:]


def _shows_values(field: models.Field) -> bool:
    return not (
        field.name in NO_VALUES
        or isinstance(field, models.TextField | models.JSONField | models.ForeignKey)
    )


def _blank(value: Any) -> bool:
    return value in (None, "", "None")


def _value(model: type[models.Model], field_name: str, raw: Any) -> str:
    """A stored value in words: choice labels, dates in full, yes or no."""
    if _blank(raw):
        return "nothing"
    field = model._meta.get_field(field_name)
    assert isinstance(field, models.Field), f"{field_name} is a column, not a relation"
    raw = str(raw)
    if field.choices:
        label = str(dict(field.flatchoices).get(raw, raw))
        first = label.split(" ", 1)[0]
        return label if first.isupper() and len(first) > 1 else label[:1].lower() + label[1:]
    if isinstance(field, models.BooleanField):
        return "yes" if raw == "True" else "no"
    if isinstance(field, models.DateTimeField):
        try:
            return f"{dt.datetime.fromisoformat(raw):%-d %B %Y at %H:%M}"
        except ValueError:
            return raw
    if isinstance(field, models.DateField):
        try:
            return f"{dt.date.fromisoformat(raw):%-d %B %Y}"
        except ValueError:
            return raw
    return f"‘{_short(raw)}’"


def _short(text: str) -> str:
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _article(role: str) -> str:
    return f"an {role}" if role[:1] in "aeiou" else f"a {role}"
