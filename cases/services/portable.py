"""The case as a portable JSON document: what an export writes and an import reads.

One description of which fields travel serves both directions, so a field added to a
model reaches the export, the import and (through a test) the JSON Schema together.
The format is versioned: ``FORMAT_VERSION`` changes only when an old reader could no
longer read a new file (see docs/DATA.md). Files attached to records
travel in the ZIP's ``files/`` folder, listed in the document's ``files`` array.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db import models
from django.utils import timezone

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

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from jsonschema import Draft202012Validator

    from cases.models import Attachment

FORMAT = "second-opinion-case"
FORMAT_VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "case-export.v1.schema.json"


M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Part(Generic[M]):
    """One kind of object in the document: its model and the fields that travel."""

    model: type[M]
    # Fields that are not data of the case: keys, links to other rows, secrets.
    skip: frozenset[str] = frozenset()
    # Fields added after version 1 was published: exported, but an older file may lack
    # them, and the importer then supplies the value (cases/services/importing.py).
    optional: frozenset[str] = frozenset()

    @property
    def fields(self) -> list[models.Field]:
        return [
            f
            for f in self.model._meta.concrete_fields
            if not f.is_relation and not (f.primary_key and f.name == "id" and f.model is not Case)
            if f.name not in self.skip
        ]


# The packet's language travels with the case; an export made before it did imports in
# the importer's language. The revision is bookkeeping of this server's pages.
CASE = Part(Case, skip=frozenset({"revision"}), optional=frozenset({"packet_language"}))
OPINION = Part(Opinion)
MEDICATION = Part(Medication)
RECORD = Part(RecordItem)
QUESTION = Part(Question)
CALL = Part(InsuranceCall)
ACTION = Part(FollowUpAction)
LETTER = Part(RecordRequest)
# Members and invitations name people of this server: they travel as information
# (who had access, with what authority) and an import does not grant anyone access.
MEMBER = Part(Membership, skip=frozenset({"reminders"}))  # a person's own choice
INVITATION = Part(Invitation, skip=frozenset({"nonce"}))  # the nonce is a secret

# The lists under each opinion, in the document and in the database.
OPINION_LISTS: dict[str, Part[Any]] = {
    "records": RECORD,
    "questions": QUESTION,
    "calls": CALL,
    "actions": ACTION,
    "letters": LETTER,
}


def dump_value(field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(field, models.DateField):
        return value.isoformat()
    if isinstance(field, models.DecimalField):
        return str(value)
    if isinstance(field, models.UUIDField):
        return str(value)
    return value


def load_value(field: models.Field, value: Any) -> Any:
    """A JSON value back to what the field holds; the schema has checked its shape."""
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        parsed = dt.datetime.fromisoformat(value)
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)
    if isinstance(field, models.DateField):
        return dt.date.fromisoformat(value)
    if isinstance(field, models.DecimalField):
        return decimal.Decimal(value)
    return value


def dump(part: Part, obj: models.Model) -> dict[str, Any]:
    return {f.name: dump_value(f, getattr(obj, f.name)) for f in part.fields}


def _email(user: User | None) -> str | None:
    return user.email if user is not None else None


def _name(user: User | None) -> str:
    return (user.get_full_name() or "").strip() if user is not None else ""


def case_document(
    case: Case, *, exported_by: User, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Everything in ``case`` as a JSON-ready dict, in a fixed number of queries."""
    from cases import activity, audit

    now = now or timezone.now()
    opinions = list(
        Opinion.objects.filter(case=case)
        .order_by("number")
        .prefetch_related(*OPINION_LISTS, "records__files__added_by")
    )
    memberships = list(
        Membership.objects.filter(case=case).select_related("user", "invited_by").order_by("pk")
    )
    invitations = list(
        Invitation.objects.filter(case=case)
        .select_related("invited_by", "accepted_by")
        .order_by("pk")
    )
    entries = list(audit.for_case(case).order_by("timestamp", "pk"))
    described = activity.describe_page(entries)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": now.astimezone(dt.UTC).isoformat(),
        "exported_by": {"email": _email(exported_by), "name": _name(exported_by)},
        "case": dump(CASE, case),
        "medications": [dump(MEDICATION, m) for m in case.medications.order_by("position", "id")],
        "opinions": [
            {
                **dump(OPINION, o),
                **{
                    name: [dump(part, item) for item in getattr(o, name).all()]
                    for name, part in OPINION_LISTS.items()
                },
            }
            for o in opinions
        ],
        "members": [
            {
                "email": _email(m.user),
                "name": _name(m.user),
                "invited_by": _email(m.invited_by),
                **dump(MEMBER, m),
            }
            for m in memberships
        ],
        "invitations": [
            {
                "invited_by": _email(i.invited_by),
                "accepted_by": _email(i.accepted_by),
                **dump(INVITATION, i),
            }
            for i in invitations
        ],
        "activity": [
            {
                "timestamp": e.timestamp.astimezone(dt.UTC).isoformat(),
                "actor": _email(e.actor) or e.actor_email,
                "action": LOG_ACTIONS.get(e.action, "other"),
                "object_type": e.content_type.model,
                "object_repr": e.object_repr,
                "changes": e.changes_dict or {},
                "text": line.text,
                "details": list(line.details),
            }
            for e, line in zip(entries, described, strict=True)
        ],
        # Attached documents: each one a file under files/ in the ZIP (docs/DATA.md).
        "files": file_entries(opinions),
    }


def _sha256(attachment: Attachment) -> str:
    digest = hashlib.sha256()
    with attachment.file.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def zip_path(attachment: Attachment) -> str:
    """Its place in the ZIP: the random stored name, never the person's file name."""
    return "files/" + (attachment.file.name or "").rsplit("/", 1)[-1]


def file_entries(opinions: list[Opinion]) -> list[dict[str, Any]]:
    """Each attached document, pointing at its record by opinion number and position."""
    out = []
    for o in opinions:
        for index, record in enumerate(o.records.all()):
            for a in record.files.all():
                out.append(
                    {
                        "path": zip_path(a),
                        "name": a.name,
                        "media_type": a.media_type,
                        "size": a.size,
                        "sha256": _sha256(a),
                        "record": {"opinion": o.number, "index": index},
                        "added_by": _email(a.added_by),
                        "added_at": a.added_at.astimezone(dt.UTC).isoformat(),
                    }
                )
    return out


LOG_ACTIONS = {0: "create", 1: "update", 2: "delete", 3: "access"}


def to_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False).encode()


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def schema_nodes(document: dict[str, Any]) -> dict[Part[Any], dict[str, Any]]:
    """Where each part's fields are described in the schema ``document``."""
    properties, defs = document["properties"], document["$defs"]
    return {
        CASE: properties["case"],
        MEDICATION: properties["medications"]["items"],
        MEMBER: properties["members"]["items"],
        INVITATION: properties["invitations"]["items"],
        OPINION: defs["opinion"],
        RECORD: defs["record"],
        QUESTION: defs["question"],
        CALL: defs["call"],
        ACTION: defs["action"],
        LETTER: defs["letter"],
    }


def validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(schema(), format_checker=FormatChecker())
