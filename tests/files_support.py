"""Sample documents for the attachment tests, made on the spot (no binary fixtures)."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile


def pdf_bytes(pages: int = 1, text: str = "Pathology report") -> bytes:
    """A small valid PDF with ``pages`` pages (pypdf writes it)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.add_metadata({"/Title": text})
    writer.write(out)
    return out.getvalue()


def image_bytes(fmt: str = "PNG", size=(600, 400)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 220, 240)).save(out, fmt)
    return out.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("DICOMDIR", b"\0" * 128 + b"DICM")
        archive.writestr("IMAGES/IM0001", b"\0" * 128 + b"DICM" + b"\1" * 512)
    return out.getvalue()


EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 200  # a Windows program's header


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)
