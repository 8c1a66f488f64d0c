"""The appointment packet for other cases (John's, an empty one, a viewer's download),
the renderer's refusals, the paper by region, the preview, access and queries.

Maria's packet, built once, is read in tests/test_packet.py.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Role
from cases.pdf import RefusedURL, StaticFilesFetcher, render_pdf
from cases.services.packet import paper_for
from tests.factories import add_member, make_case, make_user
from tests.packet_cases import make_john, make_maria
from tests.packet_support import assert_in_order, pdf_text, read_pdf


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


def test_johns_packet_is_brought_by_his_wife_with_the_mri_on_disc(client, db):
    linda = make_user("linda@example.org")
    john = make_john(linda)
    client.force_login(linda)
    text = pdf_text(read_pdf(client.get(reverse("packet_download", args=[john.pk]))))
    assert_in_order(
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
    text = pdf_text(read_pdf(client.get(reverse("packet_download", args=[maria.pk]))))
    assert "Brought by vera@example.org, caregiver" in text


def test_an_empty_case_says_what_is_missing_in_every_section(owner_client, owner):
    case = make_case(owner, patient_name="Ann Example", condition="Knee pain")
    case.current_opinion().records.all().delete()
    text = pdf_text(read_pdf(owner_client.get(reverse("packet_download", args=[case.pk]))))
    assert_in_order(
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
    text = pdf_text(read_pdf(owner_client.get(reverse("packet_download", args=[case.pk]))))
    assert "Still missing: 6 of 6" in text
    assert text.count("MISSING (needed)") == 6
    # The starter disc is not in hand yet: nothing to carry.
    assert "Bring in person" not in text


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


# Download response, access ------------------------------------------------------------


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
