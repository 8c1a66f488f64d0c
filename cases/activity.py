"""The activity trail of a case: who changed what, and when.

django-auditlog records every create, update and delete of a case's data. Each entry
carries the case id in ``additional_data`` so a case's feed is one query. Packet
downloads are recorded as ACCESS entries. Entries are never edited or deleted by the
app; the feed turns them into plain sentences for the Activity page.

Auditlog stores the changed values, which are health data: they stay in the
database and are never written to the console or the logs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models

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
)
from cases.services.sharing import display_name

# Timestamps and list ordering are bookkeeping, not changes a family cares about; the
# invitation nonce is a secret and must not be copied into the trail.
_ALWAYS_EXCLUDED = ["created_at", "updated_at", "position"]


def _case_id_of(instance: models.Model) -> str | None:
    """The id of the case an instance belongs to, without a query when we can."""
    if isinstance(instance, Case):
        return str(instance.pk)
    case_id = getattr(instance, "case_id", None)
    if case_id is not None:
        return str(case_id)
    opinion_id = getattr(instance, "opinion_id", None)
    if opinion_id is None:
        return None
    cached = instance._state.fields_cache.get("opinion")
    if cached is not None:
        return str(cached.case_id)
    case_id = Opinion.objects.filter(pk=opinion_id).values_list("case_id", flat=True).first()
    return str(case_id) if case_id else None


def _additional_data(self: models.Model) -> dict[str, Any]:
    data: dict[str, Any] = {"case_id": _case_id_of(self)}
    # Enough to name the person in the feed even after the membership is gone.
    if isinstance(self, Membership):
        data["user_id"] = self.user_id
    elif isinstance(self, Invitation):
        data["email"] = self.email
    return data


def register() -> None:
    """Register the case's models with auditlog; called once from CasesConfig.ready()."""
    # A member's own choice of email reminders is not a change to the case.
    extra_excludes: dict[type[models.Model], list[str]] = {
        Invitation: ["nonce"],
        Membership: ["reminders"],
    }
    for model in (
        Case,
        Opinion,
        RecordItem,
        Medication,
        Question,
        InsuranceCall,
        FollowUpAction,
        Membership,
        Invitation,
    ):
        if auditlog.contains(model):
            continue
        # auditlog asks each instance for get_additional_data(); giving it here keeps the
        # whole trail's wiring in this module instead of spreading it over the models.
        model.get_additional_data = _additional_data
        auditlog.register(model, exclude_fields=_ALWAYS_EXCLUDED + extra_excludes.get(model, []))


def record_packet_download(case: Case, user) -> LogEntry:
    """Record that ``user`` downloaded the case's packet (an ACCESS entry)."""
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Case),
        object_pk=str(case.pk),
        object_repr="packet",
        action=LogEntry.Action.ACCESS,
        changes={},
        actor=user if getattr(user, "is_authenticated", False) else None,
        additional_data={"case_id": str(case.pk), "event": "packet_download"},
    )


def for_case(case: Case) -> models.QuerySet[LogEntry]:
    """A case's trail, newest first, with what the feed needs in one query."""
    return (
        LogEntry.objects.filter(additional_data__case_id=str(case.pk))
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


# The readable feed -------------------------------------------------------------------

THINGS = {
    RecordItem: "record",
    Medication: "medication",
    Question: "question",
    InsuranceCall: "insurance call",
    FollowUpAction: "follow-up action",
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


def describe(entry: LogEntry, users: dict[int, Any]) -> Described:
    model = entry.content_type.model_class()
    who = display_name(entry.actor)
    data = entry.additional_data or {}
    changes = entry.changes_dict or {}
    Action = LogEntry.Action

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


def _describe_membership(entry: LogEntry, who: str, member, changes: dict) -> Described:
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


def was_removed(case: Case, model: type[models.Model], pk: int) -> bool:
    """Did someone remove this item from this case? The trail knows, without leaking ids
    of other cases (an id never seen in this case is simply not found)."""
    from django.contrib.contenttypes.models import ContentType

    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_pk=str(pk),
        action=LogEntry.Action.DELETE,
        additional_data__case_id=str(case.pk),
    ).exists()
