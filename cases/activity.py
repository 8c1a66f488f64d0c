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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from cases import display

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

# With their article, so that each language can give the word its own ("la pregunta").
THINGS = {
    RecordItem: gettext_lazy("the record"),
    Medication: gettext_lazy("the medication"),
    Question: gettext_lazy("the question"),
    InsuranceCall: gettext_lazy("the insurance call"),
    FollowUpAction: gettext_lazy("the follow-up action"),
    RecordRequest: gettext_lazy("the records request letter"),
}
# An opinion's name is stored in English in the trail ("Second opinion"): read it again
# in the person's language.
OPINION_NAMES = {
    "second opinion": gettext_lazy("second opinion"),
    "third opinion": gettext_lazy("third opinion"),
    "fourth opinion": gettext_lazy("fourth opinion"),
    "fifth opinion": gettext_lazy("fifth opinion"),
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
        return _("%(who)s exported the case (a ZIP with everything in it)") % {"who": who}
    if event == "case_import":
        return _("%(who)s imported this case from an export file") % {"who": who}
    if event == "member_account_deleted":
        return _("A member deleted their account and no longer has access")
    if event == "letter_download":
        return _("%(who)s downloaded a records request letter") % {"who": who}
    if event == "file_download":
        return _("%(who)s downloaded the attached document ‘%(name)s’") % {
            "who": who,
            "name": entry.object_repr,
        }
    if event == "bundle_download":
        return _("%(who)s downloaded the packet with records") % {"who": who}
    if entry.action == Action.ACCESS:
        return _("%(who)s downloaded the packet") % {"who": who}
    if model is Membership:
        return _describe_membership(entry, who, users.get(data.get("user_id")), changes)
    if model is Invitation:
        return _describe_invitation(entry, who, data.get("email") or _("someone"), changes)
    if model is Case:
        if entry.action == Action.CREATE:
            return _("%(who)s started this case") % {"who": who}
        if entry.action == Action.DELETE:
            return _("%(who)s deleted this case") % {"who": who}
        return _describe_update(who, model, changes, where="", whole=_("of the case"))
    if model is Opinion:
        name = entry.object_repr.lower()
        name = str(OPINION_NAMES.get(name, name))
        if entry.action == Action.CREATE:
            return _("%(who)s started the %(opinion)s") % {"who": who, "opinion": name}
        if entry.action == Action.DELETE:
            return _("%(who)s removed the %(opinion)s") % {"who": who, "opinion": name}
        return _describe_update(
            who,
            model,
            changes,
            where=_(" in the %(opinion)s") % {"opinion": name},
            whole=_("in the %(opinion)s") % {"opinion": name},
        )
    thing = THINGS.get(model, gettext_lazy("the item"))
    name = _short(entry.object_repr)
    words = {"who": who, "thing": thing, "name": name}
    if entry.action == Action.CREATE:
        return _("%(who)s added %(thing)s ‘%(name)s’") % words
    if entry.action == Action.DELETE:
        return _("%(who)s removed %(thing)s ‘%(name)s’") % words
    if model is FollowUpAction and set(changes) == {"done"}:
        if changes["done"][1] == "True":
            return _("%(who)s marked ‘%(name)s’ as done") % words
        return _("%(who)s marked ‘%(name)s’ as not done") % words
    return _describe_update(
        who,
        model,
        changes,
        where=_(" of ‘%(name)s’") % words,
        whole=_("of ‘%(name)s’") % words,
    )


def _describe_membership(
    entry: LogEntry, who: str, member: User | None, changes: dict
) -> Described:
    name = display_name(member) if member else _("a former member")
    Action = LogEntry.Action
    if entry.action == Action.CREATE:
        role = _value(Membership, "role", changes.get("role", [None, ""])[1])
        words = {"who": who, "name": name, "role": _article(role)}
        if member and entry.actor_id == member.pk:
            return _("%(name)s joined the case as %(role)s") % words
        return _("%(who)s gave %(name)s access as %(role)s") % words
    if entry.action == Action.DELETE:
        if member and entry.actor_id == member.pk:
            return _("%(name)s left the case") % {"name": name}
        return _("%(who)s removed %(name)s from the case") % {"who": who, "name": name}
    return _describe_update(
        who,
        Membership,
        changes,
        where="",
        owner=name,
        whole=_("of %(name)s’s access") % {"name": name},
    )


def _describe_invitation(entry: LogEntry, who: str, email: str, changes: dict) -> str:
    Action = LogEntry.Action
    if entry.action == Action.CREATE:
        role = _value(Invitation, "role", changes.get("role", [None, ""])[1])
        return _("%(who)s invited %(email)s as %(role)s") % {
            "who": who,
            "email": email,
            "role": _article(role),
        }
    words = {"who": who, "email": email}
    if entry.action == Action.DELETE:
        return _("%(who)s deleted the invitation to %(email)s") % words
    if _set(changes, "accepted_at"):
        return _("%(who)s accepted the invitation sent to %(email)s") % words
    if _set(changes, "cancelled_at"):
        return _("%(who)s cancelled the invitation to %(email)s") % words
    return _("%(who)s sent the invitation to %(email)s") % words


def _set(changes: dict, field: str) -> bool:
    return field in changes and _blank(changes[field][0]) and not _blank(changes[field][1])


def _describe_update(
    who: str,
    model: type[models.Model],
    changes: dict,
    *,
    where: str,
    whole: str,
    owner: str = "",
) -> Described:
    """One change as a sentence; several as a headline and one short line for each.

    ``owner``: whose detail it is (a member's name), else "the". ``where`` follows the
    detail (" of ‘Biopsy’"), ``whole`` ends the headline ("of the case").
    """
    sentences, lines = [], []
    for field_name, (old, new) in changes.items():
        try:
            field = model._meta.get_field(field_name)
        except FieldDoesNotExist:  # a field since removed from the model
            continue
        if not isinstance(field, models.Field):  # a reverse relation: never in a diff
            continue
        label = _label(field)
        if owner:
            subject = _("%(name)s’s %(detail)s") % {"name": owner, "detail": label}
        else:
            subject = _("the %(detail)s") % {"detail": label}
        words = {"who": who, "subject": subject + where, "heading": label[:1].upper() + label[1:]}
        if not _shows_values(field):
            sentences.append(_("%(who)s changed %(subject)s") % words)
            lines.append(_("%(heading)s: changed") % words)
        elif _blank(new):
            sentences.append(_("%(who)s cleared %(subject)s") % words)
            lines.append(_("%(heading)s: cleared") % words)
        elif _blank(old):
            words["value"] = _value(model, field_name, new)
            sentences.append(_("%(who)s set %(subject)s to %(value)s") % words)
            lines.append(f"{words['heading']}: {words['value']}")
        else:
            words["old"] = _value(model, field_name, old)
            words["new"] = _value(model, field_name, new)
            sentences.append(_("%(who)s changed %(subject)s from %(old)s to %(new)s") % words)
            lines.append(_("%(heading)s: from %(old)s to %(new)s") % words)
    if not sentences:
        return _("%(who)s made a change") % {"who": who}
    if len(sentences) == 1:
        return sentences[0]
    headline = ngettext(
        "%(who)s changed %(count)d detail %(whole)s",
        "%(who)s changed %(count)d details %(whole)s",
        len(lines),
    ) % {"who": who, "count": len(lines), "whole": whole}
    return headline, lines


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
        return _("nothing")
    field = model._meta.get_field(field_name)
    assert isinstance(field, models.Field), f"{field_name} is a column, not a relation"
    raw = str(raw)
    if field.choices:
        label = str(dict(field.flatchoices).get(raw, raw))
        first = label.split(" ", 1)[0]
        return label if first.isupper() and len(first) > 1 else label[:1].lower() + label[1:]
    if isinstance(field, models.BooleanField):
        return (
            pgettext("a stored value", "yes") if raw == "True" else pgettext("a stored value", "no")
        )
    if isinstance(field, models.DateTimeField):
        try:
            value = dt.datetime.fromisoformat(raw)
        except ValueError:
            return raw
        return _("%(day)s at %(time)s") % {
            "day": display.date_text(value),
            "time": f"{value:%H:%M}",
        }
    if isinstance(field, models.DateField):
        try:
            return display.date_text(dt.date.fromisoformat(raw))
        except ValueError:
            return raw
    return _("‘%(label)s’") % {"label": _short(raw)}


def _short(text: str) -> str:
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _article(role: str) -> str:
    # Translators: a role with its article ("an editor"); Spanish says just the role.
    if role[:1] in "aeiou":
        return _("an %(role)s") % {"role": role}
    return _("a %(role)s") % {"role": role}
