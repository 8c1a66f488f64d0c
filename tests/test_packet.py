"""The appointment packet: its content and order, the accessible PDF, the paper, access."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Role
from cases.pdf import RefusedURL, StaticFilesFetcher, render_pdf
from cases.services.packet import paper_for
from tests.factories import add_member, make_case, make_user
from tests.packet_cases import MARIA_QUESTIONS, built_once, make_john, make_maria

A4 = (595, 842)
LETTER = (612, 792)


def _download(client, case, **params):
    return client.get(reverse("packet_download", args=[case.pk]), params, **params.pop("h", {}))


def _pdf(response) -> PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def _text(reader: PdfReader) -> str:
    # Lines wrap where the page does; compare with whitespace collapsed.
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


def _assert_in_order(text: str, *parts: str) -> None:
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found != -1, f"{part!r} missing, or out of order, after position {position}"
        position = found + len(part)


def _size(reader: PdfReader, page: int = 0) -> tuple[int, int]:
    box = reader.pages[page].mediabox
    return round(float(box.width)), round(float(box.height))


@pytest.fixture
def maria_owner(db):
    return make_user("maria@example.org")


@pytest.fixture
def maria(maria_owner):
    return make_maria(maria_owner)


@pytest.fixture
def maria_client(client, maria_owner):
    client.force_login(maria_owner)
    return client


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
    text = _text(_pdf(marias_packets["default"]))
    today = timezone.localdate()
    _assert_in_order(
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
    reader = _pdf(marias_packets["default"])
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


def test_johns_packet_is_brought_by_his_wife_with_the_mri_on_disc(client, db):
    linda = make_user("linda@example.org")
    john = make_john(linda)
    client.force_login(linda)
    text = _text(_pdf(client.get(reverse("packet_download", args=[john.pk]))))
    _assert_in_order(
        text,
        "John Carter",
        "Brought by Linda Carter, the patient's spouse or partner",
        "Summary for the specialist",
        "Lifelong medication: Start a disease-modifying therapy",
        "Records",
        "Bring in person: MRI scans of the brain and spine (CD) – Disc (CD or DVD)",
        "Bring the disc",
        "Insurance and referral",
        "W2849-1130-77",
        "HMO-REF-40417",
        "Questions for the doctor",
        "Do the MRI scans show multiple sclerosis?",
        "Caregivers' authority on file",
        "Linda Carter Health care proxy 1 May 2027",
        "emma@example.org HIPAA release signed by the patient 31 Jan 2026 (expired)",
    )


def test_a_viewer_who_downloads_is_named_as_a_caregiver(client, maria, viewer):
    add_member(maria, viewer, Role.VIEWER)
    client.force_login(viewer)
    text = _text(_pdf(client.get(reverse("packet_download", args=[maria.pk]))))
    assert "Brought by vera@example.org, caregiver" in text


def test_an_empty_case_says_what_is_missing_in_every_section(owner_client, owner):
    case = make_case(owner, patient_name="Ann Example", condition="Knee pain")
    case.current_opinion().records.all().delete()
    text = _text(_pdf(owner_client.get(reverse("packet_download", args=[case.pk]))))
    _assert_in_order(
        text,
        "Ann Example",
        "No appointment recorded yet",
        "Summary for the specialist",
        "Diagnosed by Not recorded yet",
        "Proposed treatment Not recorded yet",
        "No reasons recorded yet",
        "Not written yet",
        "No dates recorded yet",
        "No medications listed yet",
        "No records listed yet",
        "No insurance details recorded yet",
        "No questions written yet",
        "Do you agree with the diagnosis?",
        "Primary provider Not recorded yet",
        "No authority on file",
        "Reminders for the appointment",
    )


def test_records_not_yet_in_hand_are_flagged_as_missing(owner_client, case):
    text = _text(_pdf(owner_client.get(reverse("packet_download", args=[case.pk]))))
    assert "Still missing: 6 of 6" in text
    assert text.count("MISSING (needed)") == 6
    # The starter disc is not in hand yet: nothing to carry.
    assert "Bring in person" not in text


# The PDF as a document --------------------------------------------------------------


def test_the_pdf_is_tagged_titled_and_identified_as_pdf_ua(marias_packets):
    reader = _pdf(marias_packets["default"])
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
    reader = _pdf(marias_packets["default"])
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


def test_the_pdf_renderer_refuses_every_url_but_static_files(caplog):
    fetcher = StaticFilesFetcher()
    for url in (
        "https://example.org/tracker.png",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "https://pdf.invalid/static/../secondopinion/settings.py",
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
    assert fetcher.fetch("https://pdf.invalid/static/css/packet.css").read().startswith(b"/*")
    # In a document the refused image is left out and the PDF still renders.
    pdf = render_pdf(
        '<html lang="en"><title>T</title><img alt="x" src="https://example.org/x.png"><p>Hi</p>'
    )
    assert pdf.startswith(b"%PDF")
    assert "refused to fetch 'https://example.org/x.png'" in caplog.text


# Paper size ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept_language", "paper"),
    [
        ("en-US,en;q=0.9", "letter"),
        ("en-GB,en;q=0.9", "a4"),
        ("fr-CA", "letter"),
        ("es-MX,es;q=0.8", "letter"),
        ("en-PH", "letter"),
        ("de-DE,de;q=0.9,en;q=0.8", "a4"),
        ("en;q=0.9,en-US;q=0.8", "letter"),
        ("fr;q=0.5, en-AU;q=0.9", "a4"),
        ("zh-Hans-CN", "a4"),
        ("", "a4"),
        ("*", "a4"),
        ("en-US;q=bogus, ;;,", "a4"),
    ],
)
def test_the_default_paper_follows_the_browsers_region(accept_language, paper):
    assert paper_for(None, accept_language) == paper


def test_a_pick_on_the_preview_overrides_the_region():
    assert paper_for("a4", "en-US") == "a4"
    assert paper_for("letter", "en-GB") == "letter"
    assert paper_for("tabloid", "en-GB") == "a4"


def test_the_pdf_page_size_follows_accept_language_and_the_users_pick(marias_packets):
    us, uk, picked = (_pdf(marias_packets[k]) for k in ("en-US", "en-GB", "a4 picked"))
    assert {_size(us, i) for i in range(len(us.pages))} == {LETTER}
    assert {_size(uk, i) for i in range(len(uk.pages))} == {A4}
    assert _size(picked) == A4


# Download response, access ------------------------------------------------------------


def test_the_download_has_a_plain_file_name_and_is_not_stored(marias_packets):
    response = marias_packets["default"]
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="second-opinion-packet-{today:%Y-%m-%d}.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_every_download_goes_on_the_activity_trail(maria_client, maria, maria_owner):
    from auditlog.models import LogEntry

    maria_client.get(reverse("packet_download", args=[maria.pk]))
    entry = LogEntry.objects.get(additional_data__event="packet_download")
    assert entry.actor == maria_owner
    assert entry.additional_data["case_id"] == str(maria.pk)


@pytest.mark.parametrize("name", ["packet_preview", "packet_download"])
def test_a_viewer_can_see_the_packet_too(viewer_client, case, name):
    # Owners and editors reaching it is proven for every URL by tests/test_access_policy.py.
    assert viewer_client.get(reverse(name, args=[case.pk])).status_code == 200


# Preview and case page -----------------------------------------------------------------


def test_the_preview_shows_the_packet_and_links_to_the_pdf(maria_client, maria):
    response = maria_client.get(
        reverse("packet_preview", args=[maria.pk]), headers={"accept-language": "en-GB"}
    )
    html = response.content.decode()
    download = reverse("packet_download", args=[maria.pk])
    assert f'href="{download}?paper=a4"' in html
    assert 'value="a4" checked' in html
    for heading in (
        "Summary for the specialist",
        "Medications and dosages",
        "Questions for the doctor",
    ):
        assert heading in html
    assert "XJH123456789" in html
    assert "note-line" not in html  # lined pages are for paper only
    assert "no-store" in response["Cache-Control"]


def test_the_preview_keeps_the_users_paper_pick(maria_client, maria):
    response = maria_client.get(
        reverse("packet_preview", args=[maria.pk]),
        {"paper": "letter"},
        headers={"accept-language": "en-GB"},
    )
    html = response.content.decode()
    assert "?paper=letter" in html
    assert 'value="letter" checked' in html
    assert "US Letter" in html


def test_the_case_page_links_to_the_preview_and_the_download(viewer_client, case):
    html = viewer_client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert reverse("packet_preview", args=[case.pk]) in html
    assert reverse("packet_download", args=[case.pk]) in html


# Queries ---------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["packet_preview", "packet_download"])
def test_queries_do_not_grow_with_the_number_of_items(
    client, db, name, django_assert_max_num_queries
):
    small_owner, big_owner = make_user("small@example.org"), make_user("big@example.org")
    small = make_maria(small_owner, medications=1, questions=1)
    big = make_maria(big_owner, medications=50, questions=50)
    client.force_login(small_owner)
    few = _queries(client, reverse(name, args=[small.pk]))
    client.force_login(big_owner)
    with django_assert_max_num_queries(few):
        client.get(reverse(name, args=[big.pk]))
    # The download also counts against the person's rate limit: 3 queries and, inside
    # the test's transaction, a savepoint around them.
    with django_assert_max_num_queries(12 if name == "packet_preview" else 17):
        client.get(reverse(name, args=[big.pk]))
