"""Bringing a case in from a ZIP made by "Export this case" or "Export my account".

An uploaded ZIP is untrusted. It is read, never unpacked to disk: every entry name is
checked (no absolute paths, no ``..``, no links), the number of entries and the size of
what is read are bounded whatever the ZIP's headers claim (a zip bomb stops at the
bound), and each case.json must match the JSON Schema of its format version before a
single row is written. Everything is then created in one transaction, so a refused
file changes nothing. Any problem is an ``ImportRefused`` whose message is shown at
the file field.

The copy belongs to the person importing it. The members and the activity trail in
the file stay in the file: an upload may neither grant anyone access nor write the
audit trail, so the copy's trail starts with "imported this case".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any, TypeVar

from auditlog.context import disable_auditlog
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from cases import audit
from cases.models import (
    Attachment,
    Case,
    Medication,
    Membership,
    RecordItem,
    RecordRequest,
    Role,
)
from cases.models.letters import source_key
from cases.models.preferences import language_of
from cases.services import portable
from cases.services.import_archive import (  # noqa: F401  (the names the views use)
    DAMAGED,
    NOT_AN_EXPORT,
    CaseFile,
    ImportRefused,
    max_upload_bytes,
    read_archive,
)


def _one_letter_per_place(letters: list[RecordRequest]) -> list[RecordRequest]:
    """A file edited by hand may name one place twice; the first letter to it wins."""
    seen: set[str] = set()
    kept = []
    for letter in letters:
        key = source_key(letter.source)
        if key and key not in seen:
            seen.add(key)
            kept.append(letter)
    return kept


# Writing the case --------------------------------------------------------------------------


M = TypeVar("M", bound=models.Model)


def _build(
    part: portable.Part[M],
    data: dict[str, Any],
    *,
    where: str,
    defaults: dict[str, Any] | None = None,
    **links: Any,
) -> M:
    """``defaults`` fill the part's optional fields an older export does not carry."""
    skip = {"id", "created_at", "updated_at"}
    values = {
        f.name: portable.load_value(f, data[f.name])
        for f in part.fields
        if f.name not in skip and (f.name in data or f.name not in part.optional)
    }
    obj = part.model(**{**(defaults or {}), **values}, **links)
    try:
        # The model's own rules (lengths, choices, required values) on top of the schema.
        obj.clean_fields(exclude=[f.name for f in part.model._meta.fields if f.is_relation])
    except ValidationError as exc:
        raise ImportRefused(
            _("%(damaged)s (A value in %(where)s is not allowed here.)")
            % {"damaged": DAMAGED, "where": where}
        ) from exc
    return obj


def _create_case(document: dict[str, Any], user: User, files: dict[str, IO[bytes]]) -> Case:
    case = _build(
        portable.CASE,
        document["case"],
        where=_("the case"),
        created_by=user,
        defaults={"packet_language": language_of(translation.get_language())},
    )
    medications = [
        _build(portable.MEDICATION, m, where=_("the medications")) for m in document["medications"]
    ]
    opinions = []
    for o in document["opinions"]:
        opinion = _build(
            portable.OPINION, o, where=_("opinion %(number)d") % {"number": o["number"]}
        )
        lists = {
            # Lists added after the format's first release may be absent from older files.
            name: [
                _build(part, item, where=_("opinion %(number)d") % {"number": o["number"]})
                for item in o.get(name, [])
            ]
            for name, part in portable.OPINION_LISTS.items()
        }
        lists["letters"] = _one_letter_per_place(lists["letters"])
        opinions.append((opinion, lists))
    mine = next(
        (
            m
            for m in document["members"]
            if m["email"] and user.email and m["email"].lower() == user.email.lower()
        ),
        None,
    )

    case.save()
    # A new case starts with an empty second opinion (Case.save); the file's opinions
    # replace it, numbers and all.
    case.opinions.all().delete()
    # The person importing owns the copy; their authority on file travels if they had one.
    Membership.objects.create(
        case=case,
        user=user,
        role=Role.OWNER,
        authority_kind=(mine or {}).get("authority_kind", ""),
        authority_expires=portable.load_value(
            Membership._meta.get_field("authority_expires"), (mine or {}).get("authority_expires")
        ),
    )
    for m in medications:
        m.case = case
    Medication.objects.bulk_create(medications)
    for opinion, lists in opinions:
        opinion.case = case
        opinion.save()
        for name, items in lists.items():
            for item in items:
                item.opinion = opinion
            portable.OPINION_LISTS[name].model.objects.bulk_create(items)
    _attach_documents(document, {o.number: lists["records"] for o, lists in opinions}, user, files)
    return case


def _attach_documents(
    document: dict[str, Any],
    records: dict[int, list[RecordItem]],
    user: User,
    files: dict[str, IO[bytes]],
) -> None:
    """Each document goes through the same checks as an upload: by content, never trusted."""
    from django.core.files import File

    from cases.services.files import check_upload, store

    for entry in document["files"]:
        record = records[entry["record"]["opinion"]][entry["record"]["index"]]
        upload = File(files[entry["path"]], name=entry["name"])
        upload.size = entry["size"]
        try:
            checked = check_upload(upload)
        except ValidationError as exc:
            raise ImportRefused(
                _("An attached document, ‘%(name)s’, was refused: %(reason)s Nothing was imported.")
                % {"name": entry["name"], "reason": exc.messages[0]}
            ) from exc
        added_at = portable.load_value(Attachment._meta.get_field("added_at"), entry["added_at"])
        store(record, [checked], user, added_at=added_at)


@dataclass
class Imported:
    case: Case
    # People who had access to the exported case and have none to the copy.
    left_behind: int


def import_documents(files: list[CaseFile], user: User) -> list[Imported]:
    """Create the cases read by ``read_archive`` in ``user``'s account, all or nothing."""
    email = (user.email or "").lower()
    with transaction.atomic():
        with disable_auditlog():
            cases = [_create_case(f.document, user, f.attachments) for f in files]
        for case in cases:
            audit.record_case_import(case, user)
    return [
        Imported(
            case=case,
            left_behind=sum(
                1 for m in f.document["members"] if (m["email"] or "").lower() != email
            ),
        )
        for case, f in zip(cases, files, strict=True)
    ]


def import_cases(upload: IO[bytes], user: User, *, size: int | None = None) -> list[Imported]:
    """Read the ZIP and import every case in it into ``user``'s account."""
    return import_documents(read_archive(upload, size=size), user)
