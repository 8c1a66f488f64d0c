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

import hashlib
import json
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

from auditlog.context import disable_auditlog
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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

MAX_ENTRIES = 2000
MAX_CASES = 100
MAX_JSON_BYTES = 20 * 1024 * 1024
# What the headers may claim in all: far above any real export, far below a bomb.
MAX_DECLARED_BYTES = 2 * 1024 * 1024 * 1024
MACOS_METADATA = "__MACOSX/"


class ImportRefused(Exception):
    """The file cannot be imported; the message says why in plain words."""


NOT_AN_EXPORT = gettext_lazy(
    "This ZIP is not an export from Second Opinion. Choose the ZIP you downloaded with "
    "“Export this case” or “Export my account”."
)
DAMAGED = gettext_lazy(
    "This ZIP is damaged or was changed after it was exported, so nothing was imported. "
    "Export the case again and choose the new file."
)


def max_upload_bytes() -> int:
    return settings.CASE_IMPORT_MAX_MB * 1024 * 1024


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


@dataclass
class CaseFile:
    folder: str
    document: dict[str, Any]
    # The attached documents' bytes (spooled to disk when large), by their path in the ZIP.
    attachments: dict[str, IO[bytes]] = field(default_factory=dict)


# Reading the ZIP ------------------------------------------------------------------------


def _unsafe_name(name: str) -> bool:
    """Would this name, unpacked by someone, land outside the folder it is unpacked in?"""
    if not name or name.startswith(("/", "\\")) or "\\" in name or "\x00" in name:
        return True
    parts = name.rstrip("/").split("/")
    return any(
        part in ("", ".", "..") or ":" in part or any(ord(c) < 32 for c in part) or len(part) > 255
        for part in parts
    )


def _check_entries(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ImportRefused(
            _("This ZIP holds more than %(limit)d files. %(not_an_export)s")
            % {"limit": MAX_ENTRIES, "not_an_export": NOT_AN_EXPORT}
        )
    by_name: dict[str, zipfile.ZipInfo] = {}
    declared = 0
    for info in infos:
        if _unsafe_name(info.filename):
            raise ImportRefused(
                _(
                    "This ZIP contains a file whose name points outside its folder, which is how "
                    "harmful ZIPs are made. Nothing was imported."
                )
            )
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ImportRefused(
                _(
                    "This ZIP contains a link to another place on the computer. "
                    "Nothing was imported."
                )
            )
        if info.flag_bits & 0x1:
            raise ImportRefused(
                _(
                    "This ZIP is protected with a password. Choose the ZIP exactly as it was "
                    "downloaded from Second Opinion."
                )
            )
        if info.filename in by_name:
            raise ImportRefused(
                _("This ZIP contains two files with the same name, so nothing was imported.")
            )
        declared += info.file_size
        by_name[info.filename] = info
    if declared > MAX_DECLARED_BYTES:
        raise ImportRefused(_too_big_unpacked())
    return by_name


def _too_big_unpacked() -> str:
    return _(
        "This ZIP would be far too big once unpacked (such files are used to overload "
        "servers). Nothing was imported."
    )


def _case_json_names(names: dict[str, zipfile.ZipInfo]) -> list[str]:
    """Where the case.json files are: at the top, in one folder (a re-zipped folder), or
    one per case folder of an account export."""
    relevant = [n for n in names if not n.startswith(MACOS_METADATA)]
    top = {n.split("/", 1)[0] + "/" for n in relevant if "/" in n}
    prefixes = [""] + (sorted(top) if len(top) == 1 else [])
    for prefix in prefixes:
        if prefix + "account.json" in names:
            found = sorted(
                n
                for n in relevant
                if n.startswith(prefix + "cases/")
                and n.endswith("/case.json")
                and n.count("/") == prefix.count("/") + 2
            )
            if not found:
                raise ImportRefused(_("This account export holds no cases to import."))
            if len(found) > MAX_CASES:
                raise ImportRefused(
                    _(
                        "This account export holds more than %(limit)d cases. Import them "
                        "one case at a time."
                    )
                    % {"limit": MAX_CASES}
                )
            return found
        if prefix + "case.json" in names:
            return [prefix + "case.json"]
    raise ImportRefused(NOT_AN_EXPORT)


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > MAX_JSON_BYTES:
        raise ImportRefused(_too_big_unpacked())
    try:
        with archive.open(info) as member:
            data = member.read(MAX_JSON_BYTES + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise ImportRefused(DAMAGED) from exc
    if len(data) > MAX_JSON_BYTES:
        # The header lied about the size: the classic zip bomb.
        raise ImportRefused(_too_big_unpacked())
    return data


def _read_attachments(
    archive: zipfile.ZipFile,
    names: dict[str, zipfile.ZipInfo],
    folder: str,
    document: dict[str, Any],
) -> dict[str, IO[bytes]]:
    """Each listed document's bytes, checked against its size and SHA-256 in case.json."""
    out: dict[str, IO[bytes]] = {}
    total = 0
    for entry in document["files"]:
        info = names.get(folder + entry["path"])
        if info is None or entry["path"] in out:
            raise ImportRefused(
                _("%(damaged)s (An attached document is missing from the ZIP.)")
                % {"damaged": DAMAGED}
            )
        if entry["size"] > settings.ATTACHMENT_MAX_BYTES or info.file_size != entry["size"]:
            raise ImportRefused(
                _("%(damaged)s (An attached document is bigger than this server accepts.)")
                % {"damaged": DAMAGED}
            )
        total += entry["size"]
        if total > settings.CASE_ATTACHMENTS_MAX_BYTES:
            raise ImportRefused(
                _(
                    "The documents attached to this case are more than this server keeps for "
                    "one case. Nothing was imported."
                )
            )
        # Kept open for the import that follows; closed with the CaseFile.
        spool = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115
        digest = hashlib.sha256()
        try:
            with archive.open(info) as member:
                for chunk in iter(lambda: member.read(1024 * 1024), b""):
                    digest.update(chunk)
                    spool.write(chunk)
                    if spool.tell() > entry["size"]:
                        raise ImportRefused(_too_big_unpacked())
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise ImportRefused(DAMAGED) from exc
        if digest.hexdigest() != entry["sha256"]:
            raise ImportRefused(
                _("%(damaged)s (An attached document has changed since export.)")
                % {"damaged": DAMAGED}
            )
        spool.seek(0)
        out[entry["path"]] = spool
    return out


def read_archive(upload: IO[bytes], *, size: int | None = None) -> list[CaseFile]:
    """The case documents in an uploaded ZIP, each checked against its schema."""
    if size is not None and size > max_upload_bytes():
        raise ImportRefused(
            _("The file is bigger than %(size)d MB. Choose a ZIP exported from Second Opinion.")
            % {"size": settings.CASE_IMPORT_MAX_MB}
        )
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ImportRefused(_("The file must be a ZIP file exported from Second Opinion.")) from exc
    with archive:
        names = _check_entries(archive)
        files = []
        for name in _case_json_names(names):
            document = _parse(_read_bounded(archive, names[name]))
            folder = name[: -len("case.json")]
            attachments = _read_attachments(archive, names, folder, document)
            files.append(CaseFile(folder=folder, document=document, attachments=attachments))
    return files


# Checking the document ---------------------------------------------------------------------


def _parse(data: bytes) -> dict[str, Any]:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ImportRefused(DAMAGED) from exc
    if not isinstance(document, dict) or document.get("format") != portable.FORMAT:
        raise ImportRefused(NOT_AN_EXPORT)
    version = document.get("format_version")
    if version != portable.FORMAT_VERSION:
        newer = (
            isinstance(version, int)
            and not isinstance(version, bool)
            and version > portable.FORMAT_VERSION
        )
        words = {"version": _short(version), "ours": portable.FORMAT_VERSION}
        if newer:
            message = _(
                "This export is in format version %(version)s, and this server reads "
                "version %(ours)s. It was made by a newer version of Second Opinion: ask "
                "whoever runs this server to update it."
            )
        else:
            message = _(
                "This export is in format version %(version)s, and this server reads "
                "version %(ours)s. It cannot be imported here."
            )
        raise ImportRefused(message % words)
    errors = sorted(portable.validator().iter_errors(document), key=lambda e: list(e.path))
    if errors:
        raise ImportRefused(
            _("%(damaged)s (The value at %(where)s does not fit the format.)")
            % {"damaged": DAMAGED, "where": _where(errors[0].absolute_path)}
        )
    _check_consistency(document)
    return document


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 20 else text[:19] + "…"


def _where(path: Iterable[str | int]) -> str:
    parts = [str(p) for p in path]
    return "case.json › " + " › ".join(parts) if parts else _("the top of case.json")


def _check_consistency(document: dict[str, Any]) -> None:
    """What a schema cannot say: opinion numbers are unique; files need a place to go."""
    numbers = [o["number"] for o in document["opinions"]]
    if len(set(numbers)) != len(numbers) or min(numbers) < 2:
        raise ImportRefused(DAMAGED)
    records = {o["number"]: len(o["records"]) for o in document["opinions"]}
    for entry in document["files"]:
        where = entry["record"]
        if where is None or where["index"] >= records.get(where["opinion"], 0):
            raise ImportRefused(
                _("%(damaged)s (An attached document belongs to no record.)") % {"damaged": DAMAGED}
            )


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
