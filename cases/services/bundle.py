"""The packet with records: the packet's PDF followed by every attached PDF and image.

pypdf joins them: the packet is cloned whole (its tags, language and title stay), each
attached PDF's pages follow, each image is placed on a page of the packet's paper size,
and the outline gets one bookmark per record (with one per file under it). ZIP files
(DICOM folders) cannot be printed; the packet's records table says so.
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _
from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import DictionaryObject, NameObject, NumberObject, StreamObject

from cases.models import RecordItem
from cases.models.files import Attachment, FileKind
from cases.services.files import open_image

if TYPE_CHECKING:
    from PIL import Image

logger = logging.getLogger(__name__)

# Points (1/72 inch); images keep a 1.5 cm margin.
PAPER_POINTS = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}
MARGIN = 42.5
PRINT_DPI = 200


class BundleTooBig(Exception):
    pass


def check_size(records: list[RecordItem]) -> None:
    pages = sum(f.printable_pages for r in records for f in r.files.all())
    if pages > settings.BUNDLE_MAX_PAGES:
        raise BundleTooBig(
            _(
                "The attached documents have %(pages)d pages; the packet with records can hold "
                "%(limit)d. Download the packet and the documents one by one."
            )
            % {"pages": pages, "limit": settings.BUNDLE_MAX_PAGES}
        )


def _jpeg_page(data: bytes, image: Image.Image, width: float, height: float) -> PageObject:
    """The JPEG's own bytes placed on the page (DCTDecode): nothing decoded or re-encoded."""
    box_w, box_h = width - 2 * MARGIN, height - 2 * MARGIN
    scale = min(box_w / image.width, box_h / image.height)
    w, h = image.width * scale, image.height * scale
    x, y = (width - w) / 2, (height - h) / 2
    picture = StreamObject()
    picture._data = data
    picture.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(image.width),
            NameObject("/Height"): NumberObject(image.height),
            NameObject("/ColorSpace"): NameObject(
                "/DeviceRGB" if image.mode == "RGB" else "/DeviceGray"
            ),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/Filter"): NameObject("/DCTDecode"),
        }
    )
    page = PageObject.create_blank_page(width=width, height=height)
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): picture})}
    )
    content = StreamObject()
    content._data = f"q {w:.2f} 0 0 {h:.2f} {x:.2f} {y:.2f} cm /Im0 Do Q".encode()
    page[NameObject("/Contents")] = content
    return page


def _image_page(attachment: Attachment, paper: str) -> PageObject:
    """One page of the packet's size with the image centred, as large as fits."""
    width, height = PAPER_POINTS[paper]
    with attachment.file.open("rb") as stream:
        data = stream.read()
    header = open_image(io.BytesIO(data))  # reads the header only
    upright = header.getexif().get(0x0112, 1) == 1
    if header.format == "JPEG" and header.mode in ("RGB", "L") and upright:
        # A phone photo as it is: the fast path, and no loss of quality.
        return _jpeg_page(data, header, width, height)
    box_w, box_h = width - 2 * MARGIN, height - 2 * MARGIN
    # Enough pixels to print sharply, no more: a phone photo is decoded at a reduced
    # scale (JPEG draft mode) and shrunk, which keeps the bundle fast and small.
    most = (round(box_w / 72 * PRINT_DPI), round(box_h / 72 * PRINT_DPI))
    with io.BytesIO(data) as stream:
        image = open_image(stream)
        if image.format == "JPEG":
            image.draft("RGB", (most[0], most[0]) if image.width > image.height else most)
        image.load()
    from PIL import ImageOps

    ImageOps.exif_transpose(image, in_place=True)
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.thumbnail((max(most), max(most)))
    scale = min(box_w / image.width, box_h / image.height)
    # Pillow writes the image as a one-page PDF at the resolution that gives that size.
    out = io.BytesIO()
    image.save(out, "PDF", resolution=72 / scale)
    picture = PdfReader(out).pages[0]
    page = PageObject.create_blank_page(width=width, height=height)
    dx = (width - float(picture.mediabox.width)) / 2
    dy = (height - float(picture.mediabox.height)) / 2
    page.merge_transformed_page(picture, Transformation().translate(dx, dy))
    return page


def build_bundle(packet_pdf: bytes, records: list[RecordItem], *, paper: str) -> bytes:
    """``records`` with their ``files`` prefetched, in the packet's order."""
    check_size(records)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(packet_pdf)))
    # The packet's own bookmarks (its headings) come first; the records' follow.
    for record in records:
        printable = [f for f in record.files.all() if f.kind != FileKind.ZIP]
        if not printable:
            continue
        start = len(writer.pages)
        marks: list[tuple[str, int]] = []
        for attachment in printable:
            first = len(writer.pages)
            if attachment.kind == FileKind.PDF:
                with attachment.file.open("rb") as stream:
                    writer.append(PdfReader(io.BytesIO(stream.read())), import_outline=False)
            else:
                writer.add_page(_image_page(attachment, paper))
            marks.append((attachment.name, first))
        parent = writer.add_outline_item(title=record.name, page_number=start)
        for name, first in marks:
            writer.add_outline_item(title=name, page_number=first, parent=parent)
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
