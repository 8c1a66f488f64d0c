"""The packet with records: the packet, then every attached PDF and image, bookmarked."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cases.services.files import attach
from tests.files_support import image_bytes, pdf_bytes, upload, zip_bytes

pytestmark = pytest.mark.django_db


def records(case):
    return list(case.current_opinion().records.order_by("position", "id"))


def download(client, case, name="packet_bundle_download", paper="a4"):
    return client.get(reverse(name, kwargs={"case_id": case.pk}) + f"?paper={paper}")


def outline_titles(reader: PdfReader) -> list:
    def walk(items):
        return [walk(i) if isinstance(i, list) else i.title for i in items]

    return walk(reader.outline)


@pytest.fixture
def attached(case, owner):
    first, second, third = records(case)[:3]
    attach(first, [upload("biopsy.pdf", pdf_bytes(3))], owner)
    attach(second, [upload("labs.jpg", image_bytes("JPEG", (1200, 1600)), "image/jpeg")], owner)
    attach(second, [upload("more labs.pdf", pdf_bytes(2))], owner)
    attach(third, [upload("dicom.zip", zip_bytes(), "application/zip")], owner)
    return first, second, third


def test_pages_are_the_packets_plus_the_attachments_and_bookmarks_name_the_records(
    viewer_client, case, attached
):
    first, second, third = attached
    packet = PdfReader(io.BytesIO(download(viewer_client, case, "packet_download").content))
    response = download(viewer_client, case)
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="second-opinion-packet-with-records-')
    bundle = PdfReader(io.BytesIO(response.content))
    assert len(bundle.pages) == len(packet.pages) + 3 + 1 + 2
    titles = outline_titles(bundle)
    # The packet's own bookmarks, then one per record with its files under it.
    assert titles[: len(packet.outline)] == outline_titles(packet)
    records_part = titles[len(packet.outline) :]
    assert records_part == [first.name, ["biopsy.pdf"], second.name, ["labs.jpg", "more labs.pdf"]]
    # The ZIP cannot be printed: no bookmark for its record.
    assert third.name not in [t for t in titles if isinstance(t, str)]
    # Each record's bookmark points at its first page.
    first_mark, second_mark = bundle.outline[len(packet.outline)], bundle.outline[-2]
    assert bundle.get_destination_page_number(first_mark) == len(packet.pages)
    assert bundle.get_destination_page_number(second_mark) == len(packet.pages) + 3
    # The packet keeps its tags.
    assert "/StructTreeRoot" in bundle.trailer["/Root"]


def test_an_image_sits_on_a_page_of_the_packets_paper(viewer_client, case, attached):
    bundle = PdfReader(io.BytesIO(download(viewer_client, case, paper="letter").content))
    packet_pages = len(bundle.pages) - 6
    image_page = bundle.pages[packet_pages + 3]
    assert (round(float(image_page.mediabox.width)), round(float(image_page.mediabox.height))) == (
        612,
        792,
    )
    assert image_page.images  # the photo is on it


def test_the_packets_records_table_lists_the_files_and_their_pages(viewer_client, case, attached):
    text = "".join(
        p.extract_text()
        for p in PdfReader(
            io.BytesIO(download(viewer_client, case, "packet_download").content)
        ).pages
    )
    text = " ".join(text.split())
    assert "biopsy.pdf (3 pages)" in text
    assert "labs.jpg (1 page)" in text
    assert "dicom.zip (ZIP, not printed)" in text
    # Per record: 3 (biopsy.pdf), 1 + 2 (labs.jpg, more labs.pdf).
    assert text.count("3 pages in the packet with records") == 2


def test_each_bundle_download_is_on_the_activity_trail(viewer_client, case, attached):
    from auditlog.models import LogEntry

    download(viewer_client, case)
    assert LogEntry.objects.filter(additional_data__event="bundle_download").count() == 1


def test_a_bundle_over_the_page_limit_is_refused_with_a_message(
    viewer_client, case, attached, settings
):
    settings.BUNDLE_MAX_PAGES = 5
    response = download(viewer_client, case)
    assert response.status_code == 413
    assert "can hold 5" in response.content.decode()


def test_a_png_and_a_turned_phone_photo_are_drawn_upright_on_a_page(viewer_client, case, owner):
    from PIL import Image

    turned = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # the phone was held sideways: the viewer must turn it 90°
    Image.new("RGB", (1600, 1200), "white").save(turned, "JPEG", exif=exif)
    record = records(case)[0]
    attach(record, [upload("scan.png", image_bytes("PNG", (800, 600)), "image/png")], owner)
    attach(record, [upload("turned.jpg", turned.getvalue(), "image/jpeg")], owner)
    packet = PdfReader(io.BytesIO(download(viewer_client, case, "packet_download").content))
    bundle = PdfReader(io.BytesIO(download(viewer_client, case).content))
    png_page, photo_page = bundle.pages[len(packet.pages) :]
    for page in (png_page, photo_page):
        assert round(float(page.mediabox.width)) == 595 and page.images
    # Turned upright before placing: taller than wide now.
    (photo,) = photo_page.images
    assert photo.image.height > photo.image.width
