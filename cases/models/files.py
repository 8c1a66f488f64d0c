"""Documents attached to a record: a pathology report, photos of pages, a DICOM ZIP.

The bytes live in the "attachments" storage (settings.STORAGES): a private folder
outside static/ by default, S3-compatible object storage when configured. Stored names
are random; the person's file name is kept only (sanitised) to show and never reaches a
URL or a download's file name. Deleting a row deletes its stored objects once the
transaction commits (cases/services/files.py connects that), whether the file, its
record or the whole case goes.
"""

from __future__ import annotations

import secrets
from typing import IO, TYPE_CHECKING, Any, Self

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import fields as size
from .fields import LimitedCharField
from .items import RecordItem
from .querysets import InCaseQuerySet

if TYPE_CHECKING:
    from _typeshed import StrPath

    from .case import Case


class AttachmentsStorage(Storage):
    """Whatever settings.STORAGES["attachments"] is at the time of each call.

    A FileField resolves its storage once, at import; this keeps it following the
    setting, so tests (and a deployment switching to S3) reach the configured backend.
    """

    @staticmethod
    def target() -> Storage:
        return storages["attachments"]

    def open(self, name: str, mode: str = "rb") -> File:
        return self.target().open(name, mode)

    def save(self, name: str | None, content: IO[Any], max_length: int | None = None) -> str:
        return self.target().save(name, content, max_length=max_length)

    def generate_filename(self, filename: StrPath) -> str:
        return self.target().generate_filename(filename)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return self.target().get_available_name(name, max_length=max_length)

    def delete(self, name: str) -> None:
        return self.target().delete(name)

    def exists(self, name: str) -> bool:
        return self.target().exists(name)

    def size(self, name: str) -> int:
        return self.target().size(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self.target().listdir(path)

    def url(self, name: str | None) -> str:
        raise NotImplementedError("Attachments have no URL: the download view serves them.")


def attachments_storage() -> Storage:
    """A callable, so migrations stay the same whichever backend is configured."""
    return AttachmentsStorage()


class FileKind(models.TextChoices):
    PDF = "pdf", _("PDF document")
    JPEG = "jpeg", _("JPEG image")
    PNG = "png", _("PNG image")
    HEIC = "heic", _("HEIC photo")
    ZIP = "zip", _("ZIP archive")


EXTENSIONS = {
    FileKind.PDF: "pdf",
    FileKind.JPEG: "jpg",
    FileKind.PNG: "png",
    FileKind.HEIC: "heic",
    FileKind.ZIP: "zip",
}
MEDIA_TYPES = {
    FileKind.PDF: "application/pdf",
    FileKind.JPEG: "image/jpeg",
    FileKind.PNG: "image/png",
    FileKind.HEIC: "image/heic",
    FileKind.ZIP: "application/zip",
}
IMAGE_KINDS = (FileKind.JPEG, FileKind.PNG, FileKind.HEIC)


def random_name(kind: str) -> str:
    """A stored name that says nothing about the person or the document."""
    return f"attachments/{secrets.token_hex(16)}.{EXTENSIONS[FileKind(kind)]}"


class AttachmentQuerySet(InCaseQuerySet["Attachment"]):
    def in_case(self, case: Case) -> Self:
        return self.filter(record__opinion__case=case)


class Attachment(models.Model):
    record = models.ForeignKey(RecordItem, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(storage=attachments_storage, max_length=200)
    thumbnail = models.FileField(storage=attachments_storage, max_length=200, blank=True)
    name = LimitedCharField(_("File name"), max_length=size.FILE_NAME)
    kind = models.CharField(max_length=10, choices=FileKind.choices)
    size = models.PositiveBigIntegerField()
    pages = models.PositiveIntegerField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.kind in IMAGE_KINDS

    @property
    def printable_pages(self) -> int:
        """Pages it adds to the bundle: a PDF's pages, one per image, none for a ZIP."""
        if self.kind == FileKind.PDF:
            return self.pages or 0
        return 1 if self.is_image else 0

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[FileKind(self.kind)]

    @property
    def download_name(self) -> str:
        """No health data: "record-document-12.pdf", never the person's file name."""
        return f"record-document-{self.pk}.{EXTENSIONS[FileKind(self.kind)]}"

    def stored_names(self) -> list[str]:
        return [n for n in (self.file.name, self.thumbnail.name) if n]
