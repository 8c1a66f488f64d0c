"""Attaching documents to records, and removing them with their stored objects.

Types are told by content, never by name or the browser's word: a renamed program is
refused whatever it is called. Every check runs before anything is stored, so a refused
file leaves the record's other files as they were.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Sum
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from cases import limits
from cases.models import Attachment, Case, FileKind, RecordItem
from cases.models.files import attachments_storage, random_name
from cases.models.items import RecordStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from PIL import Image

THUMBNAIL_SIZE = (240, 240)
# A decompression bomb in an image is refused rather than decoded (Pillow's own guard
# warns at this size; a 25 MB photo from a phone is well under it).
MAX_IMAGE_PIXELS = 80_000_000
ACCEPTED = _("a PDF, a JPEG or PNG image, a HEIC photo or a ZIP file")


def _mb(n: int) -> str:
    return f"{n // (1024 * 1024)} MB"


def clean_name(name: str) -> str:
    """The person's file name as shown: no path, no control or direction characters."""
    name = unicodedata.normalize("NFC", str(name)).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip(" .")
    return name[:255] or "document"


@dataclass
class Checked:
    """One uploaded file that passed every check, ready to store."""

    upload: File
    name: str
    kind: FileKind
    size: int
    pages: int | None = None
    thumbnail: bytes | None = None


def _sniff(head: bytes) -> FileKind | None:
    if head.startswith(b"%PDF-"):
        return FileKind.PDF
    if head.startswith(b"\xff\xd8\xff"):
        return FileKind.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind.PNG
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return FileKind.ZIP
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"heim", b"heis", b"mif1"):
        return FileKind.HEIC
    return None


def _thumbnail(image: Image.Image) -> bytes:
    from PIL import ImageOps

    image = ImageOps.exif_transpose(image)
    image.thumbnail(THUMBNAIL_SIZE)
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def open_image(stream: IO[bytes]) -> Image.Image:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except ImportError:  # HEIC is then refused as unreadable
        pass
    return Image.open(stream)


def check_upload(upload: File) -> Checked:
    """Raise ValidationError (said for the person) unless ``upload`` may be attached."""
    name = clean_name(upload.name or "")
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _(
                "‘%(name)s’ is %(size).0f MB; a file can be at most %(limit)s. "
                "Split it, or bring it to the appointment."
            )
            % {
                "name": name,
                "size": upload.size / (1024 * 1024),
                "limit": _mb(settings.ATTACHMENT_MAX_BYTES),
            }
        )
    if upload.size == 0:
        raise ValidationError(_("‘%(name)s’ is empty. Choose the file again.") % {"name": name})
    upload.seek(0)
    kind = _sniff(upload.read(16))
    upload.seek(0)
    unreadable = ValidationError(
        _(
            "‘%(name)s’ is not %(accepted)s, or it is damaged, so it was not attached. "
            "Save or scan it as a PDF and try again."
        )
        % {"name": name, "accepted": ACCEPTED}
    )
    if kind is None:
        raise unreadable
    checked = Checked(upload=upload, name=name, kind=kind, size=upload.size)
    try:
        if kind == FileKind.PDF:
            from pypdf import PdfReader

            checked.pages = len(PdfReader(upload).pages)
        elif kind == FileKind.ZIP:
            with zipfile.ZipFile(upload) as archive:
                archive.infolist()
        else:
            image = open_image(upload)
            image.load()
            checked.thumbnail = _thumbnail(image)
    except Exception as exc:  # any parser's failure means the same to the person
        raise unreadable from exc
    finally:
        upload.seek(0)
    return checked


def case_bytes(case: Case) -> int:
    return Attachment.objects.in_case(case).aggregate(total=Sum("size"))["total"] or 0


@transaction.atomic
def attach(record: RecordItem, uploads: list[File], user: User) -> list[Attachment]:
    """Check every file, then store them all; one refusal attaches none of them."""
    checked = [check_upload(u) for u in uploads]
    case = record.opinion.case
    # Counted under the case's lock, so two uploads at once cannot both take the last room.
    limits.lock_case(case.pk)
    if Attachment.objects.in_case(case).count() + len(checked) > limits.most("files"):
        raise ValidationError(limits.full_message("files"))
    room = settings.CASE_ATTACHMENTS_MAX_BYTES - case_bytes(case)
    if sum(c.size for c in checked) > room:
        raise ValidationError(
            _(
                "A case can hold %(limit)s of files and this one has %(left)s left. "
                "Remove a file you no longer need first."
            )
            % {"limit": _mb(settings.CASE_ATTACHMENTS_MAX_BYTES), "left": _mb(max(room, 0))}
        )
    return store(record, checked, user)


def store(
    record: RecordItem, checked: list[Checked], user: User, *, added_at: dt.datetime | None = None
) -> list[Attachment]:
    """Save checked files to storage and their rows; on failure, none stays stored."""
    made: list[Attachment] = []
    try:
        for c in checked:
            attachment = Attachment(
                record=record, name=c.name, kind=c.kind, size=c.size, pages=c.pages, added_by=user
            )
            if added_at is not None:
                attachment.added_at = added_at
            name = random_name(c.kind)
            attachment.file.save(name, c.upload, save=False)
            made.append(attachment)
            if c.thumbnail:
                thumb = name.rsplit(".", 1)[0] + "-thumb.png"
                attachment.thumbnail.save(thumb, ContentFile(c.thumbnail), save=False)
            attachment.save()
    except Exception:
        # Nothing half-attached: objects already stored go with the failed rows.
        delete_stored([n for a in made for n in a.stored_names()])
        raise
    return made


def offers_received(record: RecordItem) -> bool:
    """A record still missing that now has files: ask whether it has arrived."""
    return record.status in (RecordStatus.NEEDED, RecordStatus.REQUESTED)


def delete_stored(names: list[str]) -> None:
    storage = attachments_storage()
    for name in names:
        storage.delete(name)


@receiver(post_delete, sender=Attachment, dispatch_uid="attachment_stored_objects")
def _delete_objects(sender: type[Attachment], instance: Attachment, **kwargs: Any) -> None:
    """A removed file, record or case takes its stored objects, once that commits."""
    names = instance.stored_names()
    transaction.on_commit(lambda: delete_stored(names))
