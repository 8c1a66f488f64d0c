"""The appointment packet: Maria's, built once for the module, its content and order, the
accessible PDF and its paper. Other cases, the preview and access:
tests/test_packet_pages.py."""

from __future__ import annotations

import re

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_user
from tests.packet_cases import MARIA_QUESTIONS, built_once, make_maria
from tests.packet_support import A4, LETTER, assert_in_order, page_size, pdf_text, read_pdf


@pytest.fixture(scope="module")
def marias_packets(django_db_setup, django_db_blocker) -> dict[str, HttpResponse]:
    """Maria's packet downloaded once for the module: as it comes, for a US and a UK
    browser, and on A4 picked by a US one. The data is rolled back after."""

    def build() -> dict[str, HttpResponse]:
        owner = make_user("maria@example.org")
        case = make_maria(owner)
        client = Client()
        client.force_login(owner)
        url = reverse("packet_download", args=[case.pk])
        return {
            "default": client.get(url),
            "en-US": client.get(url, headers={"accept-language": "en-US,en;q=0.9"}),
            "en-GB": client.get(url, headers={"accept-language": "en-GB,en;q=0.9"}),
            "a4 picked": client.get(url, {"paper": "a4"}, headers={"accept-language": "en-US"}),
        }

    return built_once(django_db_blocker, build)


# Content and order -------------------------------------------------------------------


def test_marias_packet_has_every_section_in_order(marias_packets):
    text = pdf_text(read_pdf(marias_packets["default"]))
    today = timezone.localdate()
    assert_in_order(
        text,
        # 1. Cover
        "Second opinion appointment packet",
        "Maria Lopez",
        "born 12 April 1968",
        "Second opinion on Early-stage breast cancer (left breast, stage I): surgery was proposed",
        "The appointment",
        "Dr Alan Chen, Breast oncology",
        "University Medical Center, Breast Cancer Program",
        "1200 University Avenue, Suite 4B",
        "Wednesday 25 November 2026 at 10:30am",
        "(555) 340-7788",
        "Brought by The patient, Maria Lopez",
        f"Printed on {today.day} {today:%B %Y}",
        # 2. Summary for the specialist
        "Summary for the specialist",
        "Dr Susan Patel, Breast surgery, Riverside Community Hospital",
        "2 October 2026",
        "Surgery: Mastectomy of the left breast",
        "Immediately, within days; would start by 1 December 2026",
        "A major treatment was recommended",
        "Wanting less invasive or alternative options",
        "The question this opinion should answer",
        "Is a less invasive procedure followed by radiation a safe alternative",
        "Timeline",
        "2 Oct 2026 Diagnosed with Early-stage breast cancer",
        "First opinion: surgery proposed",
        "9 Oct 2026 Records requested: Diagnosis or pathology report",
        "14 Oct 2026 Referral approved",
        "15 Oct 2026 Records received",
        "22 Oct 2026 Records sent to the specialist",
        "25 Nov 2026 This appointment",
        # 3. Medications
        "Medications and dosages",
        "Letrozole 2.5 mg Once a day Dr Susan Patel",
        "Ibuprofen 400 mg",
        # 4. Records
        "Records",
        "Still missing: 1 of 6",
        "Bring in person: The images themselves (MRI, X-ray, CT) on disc or USB – Disc (CD or DVD)",
        "Diagnosis or pathology report",
        "Sent ahead on 22 Oct 2026",
        "Bring the disc",
        "Current treatment plan",
        "MISSING (requested 9 Oct)",
        "arrived at the specialist's office? Yes",
        # 5. Insurance and referral, the member ID in full
        "Insurance and referral",
        "BlueCross BlueShield",
        "PPO Gold 1500",
        "XJH123456789",
        "Approved, number REF-55821",
        "Requested, number PA-0098-221",
        "7 Oct 2026 Karen at member services CALL-7781",
        # 6. Questions, in priority order
        "Questions for the doctor",
        *MARIA_QUESTIONS,
        # 7. Contacts
        "Contacts",
        "Primary provider Dr Emily Ross, (555) 201-3300",
        "First opinion Dr Susan Patel",
        "Specialist Dr Alan Chen",
        "Caregivers' authority on file",
        "No authority on file",
        # 8. Reminders
        "Reminders for the appointment",
        "Ask permission before recording",
        "Bring a notebook, or a companion to take notes",
        "Ask the doctor to summarise",
        # 9. Notes
        "Notes",
    )


def test_the_packet_has_a_running_header_and_lined_note_pages(marias_packets):
    reader = read_pdf(marias_packets["default"])
    pages = [re.sub(r"\s+", " ", p.extract_text()) for p in reader.pages]
    total = len(pages)
    assert 5 <= total <= 10
    for number, page in enumerate(pages, start=1):
        assert "Maria Lopez – appointment packet" in page
        assert f"Page {number} of {total}" in page
    # The last two pages are for notes: a heading, then only the header.
    assert "Notes" in pages[-2]
    assert pages[-1].replace(f"Page {total} of {total}", "").strip() == (
        "Maria Lopez – appointment packet"
    )


# The PDF as a document --------------------------------------------------------------


def test_the_pdf_is_tagged_titled_and_identified_as_pdf_ua(marias_packets):
    reader = read_pdf(marias_packets["default"])
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-US"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfuaid:part(>|=\")1", xmp)
    info = reader.metadata
    assert info.title == "Appointment packet – Maria Lopez"
    assert "cancer" not in info.title.lower()
    assert info.author == "Second Opinion"
    assert info.subject == "Papers to bring to a second-opinion appointment"
    assert info.creation_date is not None


def test_fonts_are_embedded_as_subsets(marias_packets):
    reader = read_pdf(marias_packets["default"])
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for name, font in fonts.items():
        descendant = (
            font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        )
        descriptor = descendant["/FontDescriptor"].get_object()
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), name
        assert re.match(r"^/[A-Z]{6}\+", name), f"{name} is not a subset"
    assert any("Liberation-Sans" in name for name in fonts)


def test_the_pdf_page_size_follows_accept_language_and_the_users_pick(marias_packets):
    us, uk, picked = (read_pdf(marias_packets[k]) for k in ("en-US", "en-GB", "a4 picked"))
    assert {page_size(us, i) for i in range(len(us.pages))} == {LETTER}
    assert {page_size(uk, i) for i in range(len(uk.pages))} == {A4}
    assert page_size(picked) == A4


# Download response, access ------------------------------------------------------------


def test_the_download_has_a_plain_file_name_and_is_not_stored(marias_packets):
    response = marias_packets["default"]
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="second-opinion-packet-{today:%Y-%m-%d}.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
