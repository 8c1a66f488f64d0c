"""Taking your data away: a case, or a whole account, as one ZIP file.

A case's ZIP holds the packet PDF, the decision summary PDF when a decision is
recorded, ``case.json`` (everything in the case, see cases/services/portable.py), the
JSON Schema that describes it, and a README.txt in plain words. An account's ZIP holds
``account.json`` and one such folder per case. File names inside carry no health data.

The ZIP is written to a spooled temporary file (memory first, disk when large), so the
attached documents (the ``files/`` folder, streamed from storage) fit.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.utils import timezone

from cases import audit
from cases.models import AccountLanguage, Case, Membership
from cases.services import documents, portable
from cases.services.packet import Paper
from cases.services.summary import has_decision

ACCOUNT_FORMAT = "second-opinion-account"
ACCOUNT_FORMAT_VERSION = 1
SPOOL_BYTES = 8 * 1024 * 1024


def case_pdfs(case: Case, user: User, *, paper: str) -> dict[str, bytes]:
    """The packet and, once a decision is recorded, the decision summary, the very files
    their download links give (cases/services/documents.py), in the case's packet
    language. ``case.membership`` must be the user's."""
    pdfs = {}
    # From the cache the download links fill, else made here under their time cap; a
    # PDF that takes too long is left out (README.txt lists what the ZIP holds).
    kinds = {"packet.pdf": documents.PACKET}
    if has_decision(case):
        kinds["decision-summary.pdf"] = documents.SUMMARY
    for name, kind in kinds.items():
        try:
            pdfs[name] = documents.cached_or_render(kind, case, user, paper=paper)
        except documents.RenderTimedOut:
            continue
    return pdfs


@dataclass
class Export:
    file: IO[bytes]
    file_name: str
    size: int
    # Cases whose PDFs were left out to keep an account export within its time budget.
    without_pdfs: list[Case] = field(default_factory=list)


def _spool() -> tempfile.SpooledTemporaryFile:
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (returned)


def _finish(spool: IO[bytes], file_name: str, **extra: Any) -> Export:
    size = spool.tell()
    spool.seek(0)
    return Export(file=spool, file_name=file_name, size=size, **extra)


def _write_files(archive: zipfile.ZipFile, folder: str, case: Case) -> None:
    """The attached documents, streamed from storage into files/ (listed in case.json)."""
    from cases.models import Attachment

    for attachment in Attachment.objects.in_case(case).order_by("pk"):
        with (
            attachment.file.open("rb") as source,
            archive.open(folder + portable.zip_path(attachment), "w") as target,
        ):
            shutil.copyfileobj(source, target, 1024 * 1024)


def _write_case(
    archive: zipfile.ZipFile,
    folder: str,
    case: Case,
    user: User,
    *,
    paper: Paper,
    now: dt.datetime,
    pdfs: bool = True,
) -> None:
    document = portable.case_document(case, exported_by=user, now=now)
    rendered = case_pdfs(case, user, paper=paper) if pdfs else {}
    archive.writestr(folder + "case.json", portable.to_json(document))
    archive.writestr(folder + portable.SCHEMA_PATH.name, portable.SCHEMA_PATH.read_bytes())
    for name, data in rendered.items():
        archive.writestr(folder + name, data)
    _write_files(archive, folder, case)
    readme = render_to_string(
        "cases/data/README_case.txt",
        {
            "case": case,
            "user": user,
            "now": now,
            "pdfs": rendered,
            "schema_name": portable.SCHEMA_PATH.name,
            "in_account": bool(folder),
        },
    )
    archive.writestr(folder + "README.txt", readme)


def export_case(case: Case, user: User, *, paper: Paper = "a4") -> Export:
    """Everything in ``case`` as one ZIP, written to the case's activity trail."""
    now = timezone.now()
    spool = _spool()
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write_case(archive, "", case, user, paper=paper, now=now)
    audit.record_case_export(case, user)
    return _finish(spool, f"second-opinion-case-{timezone.localdate(now):%Y-%m-%d}.zip")


def account_document(
    user: User, folders: list[tuple[str, Membership]], now: dt.datetime
) -> dict[str, Any]:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    return {
        "format": ACCOUNT_FORMAT,
        "format_version": ACCOUNT_FORMAT_VERSION,
        "exported_at": now.astimezone(dt.UTC).isoformat(),
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined.astimezone(dt.UTC).isoformat(),
            "last_login": user.last_login.astimezone(dt.UTC).isoformat()
            if user.last_login
            else None,
            "email_addresses": [
                {"email": e.email, "verified": e.verified, "primary": e.primary}
                for e in EmailAddress.objects.filter(user=user).order_by("pk")
            ],
            # The language chosen with the switch (None: the browser's decides).
            "language": AccountLanguage.for_user(user),
            # Which kinds of two-factor sign-in are on; never their secrets.
            "two_factor": sorted(
                Authenticator.objects.filter(user=user).values_list("type", flat=True)
            ),
        },
        "cases": [
            {"folder": folder, "role": m.role, "case_id": str(m.case_id)} for folder, m in folders
        ],
    }


def export_account(user: User, *, paper: Paper = "a4") -> Export:
    """The person's account and every case they can see, in one ZIP.

    PDFs take most of the time: once ``ACCOUNT_EXPORT_PDF_SECONDS`` have gone by, the
    remaining cases get their case.json only (the README says so and how to get them).
    """
    now = timezone.now()
    budget = settings.ACCOUNT_EXPORT_PDF_SECONDS
    started = time.monotonic()
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("case")
        .order_by("case__patient_name", "case__created_at")
    )
    folders = [(f"cases/case-{i:02d}/", m) for i, m in enumerate(memberships, start=1)]
    without_pdfs: list[Case] = []
    spool = _spool()
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for folder, membership in folders:
            case = membership.case
            case.membership = membership
            pdfs = time.monotonic() - started < budget
            if not pdfs:
                without_pdfs.append(case)
            _write_case(archive, folder, case, user, paper=paper, now=now, pdfs=pdfs)
            audit.record_case_export(case, user)
        archive.writestr(
            "account.json",
            json.dumps(account_document(user, folders, now), ensure_ascii=False, indent=2),
        )
        archive.writestr(
            "README.txt",
            render_to_string(
                "cases/data/README_account.txt",
                {"user": user, "now": now, "folders": folders, "without_pdfs": without_pdfs},
            ),
        )
    return _finish(
        spool,
        f"second-opinion-account-{timezone.localdate(now):%Y-%m-%d}.zip",
        without_pdfs=without_pdfs,
    )
