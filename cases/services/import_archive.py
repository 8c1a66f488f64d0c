"""Reading an uploaded export: the ZIP's entries, bounded, and its documents checked
against the versioned schema (cases/schemas/), before anything is written.

Every refusal is an ``ImportRefused`` with a plain-words message for the file field.
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
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import limits
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
    # Too long or too many first: that is a file this server cannot keep, not a damaged one.
    errors.sort(key=lambda e: e.validator not in ("maxLength", "maxItems"))
    if errors:
        raise ImportRefused(_refusal(errors[0]))
    _check_consistency(document)
    return document


def _refusal(error: Any) -> str:
    """Why the document does not fit, in words; where, for whoever edits the file."""
    where = _where(error.absolute_path)
    if error.validator == "maxLength" and isinstance(error.instance, str):
        title = error.schema.get("title") or str(error.absolute_path[-1])
        return _(
            "Nothing was imported: in this file, “%(title)s” is %(entered)s characters long, "
            "and this server keeps at most %(limit)s. Shorten it, then import again. (It is "
            "at %(where)s.)"
        ) % {
            "title": title,
            "entered": f"{len(error.instance):,}",
            "limit": f"{error.validator_value:,}",
            "where": where,
        }
    if error.validator == "maxItems" and isinstance(error.instance, list):
        return _too_many(str(error.absolute_path[-1]), len(error.instance), error.validator_value)
    return _("%(damaged)s (The value at %(where)s does not fit the format.)") % {
        "damaged": DAMAGED,
        "where": where,
    }


def _too_many(name: str, count: int, limit: int) -> str:
    return _(
        "Nothing was imported: this file has %(count)s %(name)s in one case, and a case "
        "here can hold at most %(limit)s."
    ) % {"count": f"{count:,}", "name": name, "limit": f"{limit:,}"}


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
    # The schema holds the default limits; the settings may have lowered them.
    lists = [
        ("medications", document["medications"]),
        ("opinions", document["opinions"]),
        ("files", document["files"]),
    ]
    for o in document["opinions"]:
        lists += [(name, o.get(name, [])) for name in portable.OPINION_LISTS]
    for name, items in lists:
        if len(items) > limits.most(name):
            raise ImportRefused(_too_many(name, len(items), limits.most(name)))
    records = {o["number"]: len(o["records"]) for o in document["opinions"]}
    for entry in document["files"]:
        where = entry["record"]
        if where is None or where["index"] >= records.get(where["opinion"], 0):
            raise ImportRefused(
                _("%(damaged)s (An attached document belongs to no record.)") % {"damaged": DAMAGED}
            )
