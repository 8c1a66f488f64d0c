"""Records-request letters (HIPAA right of access): the provider's 30-day clock, and the
letter's text and PDF. Writing and sending them: tests/test_letter_sending.py."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from pypdf import PdfReader

from cases import activity, audit, roadmap
from cases.models import Membership
from cases.models.items import RecordStatus
from cases.models.letters import Clock
from tests.letters_support import (
    IMAGING,
    SENT,
    letter_url,
    letters_case_of,
    new_letter,
    pretend_today,
)
from tests.pdf_structure import structure

pytestmark = pytest.mark.django_db


@pytest.fixture
def letters_case(case):
    return letters_case_of(case)


def _pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


class TestClock:
    @pytest.mark.parametrize(
        ("day", "days_left", "summary", "overdue"),
        [
            (0, 30, "30 days left", False),
            (29, 1, "1 day left", False),
            (30, 0, "due today", False),
            (31, -1, "1 day late", True),
            (45, -15, "15 days late", True),
        ],
    )
    def test_days_left_count_from_the_day_it_was_sent(self, day, days_left, summary, overdue):
        clock = Clock(SENT, SENT + dt.timedelta(days=day))
        assert clock.day == day
        assert clock.deadline == dt.date(2026, 10, 31)
        assert clock.days_left == days_left
        assert clock.summary == summary
        assert clock.overdue is overdue
        assert clock.extended_deadline == dt.date(2026, 11, 30)

    def test_a_letter_not_sent_has_no_clock(self, letters_case):
        assert new_letter(letters_case).clock(SENT) is None

    @pytest.mark.parametrize(
        ("day", "shown"),
        [(0, "30 days left"), (29, "1 day left"), (30, "Due today"), (31, "1 day late")],
    )
    def test_the_record_shows_the_clock_with_a_controlled_today(
        self, monkeypatch, owner_client, letters_case, day, shown
    ):
        letter = new_letter(letters_case)
        letter.sent_on, letter.sent_how = SENT, "mail"
        letter.save()
        pretend_today(monkeypatch, SENT + dt.timedelta(days=day))
        html = owner_client.get(reverse("records", args=[letters_case.pk])).content.decode()
        # Once in the letters section and once on each of the lab's two records.
        assert html.count(shown) == 3
        assert "the answer is due by 31 October 2026" in html or "due by 31 October 2026" in html
        assert ("The 30 days are up" in html) is (day == 31)

    @pytest.mark.parametrize(("day", "late"), [(29, False), (30, False), (31, True)])
    def test_time_matters_says_days_left_then_what_to_do(self, letters_case, day, late):
        letter = new_letter(letters_case)
        letter.sent_on = SENT
        letter.save()
        plan = roadmap.for_case(letters_case, today=SENT + dt.timedelta(days=day))
        messages = [w.message for w in plan.warnings if "records request" in w.message]
        assert len(messages) == 1
        if late:
            assert "is 1 day late" in messages[0]
            assert "HHS Office for Civil Rights" in messages[0]
            assert "Call the records office" in messages[0]
        else:
            assert "due by 31 October 2026" in messages[0]
            assert ("1 day left" if day == 29 else "due today") in messages[0]

    def test_the_clock_stops_when_every_record_from_that_place_has_arrived(self, letters_case):
        letter = new_letter(letters_case)
        letter.sent_on = SENT
        letter.save()
        letters_case.current_opinion().records.filter(source__icontains="pathology").update(
            status=RecordStatus.RECEIVED
        )
        plan = roadmap.for_case(letters_case, today=SENT + dt.timedelta(days=40))
        assert plan.letter_clocks == []
        assert not [w for w in plan.warnings if "records request" in w.message]

    def test_the_dashboard_shows_days_left_and_what_to_do_when_late(
        self, monkeypatch, owner_client, letters_case
    ):
        letter = new_letter(letters_case)
        letter.sent_on, letter.sent_how = SENT, "fax"
        letter.save()
        pretend_today(monkeypatch, SENT + dt.timedelta(days=12))
        html = owner_client.get(reverse("dashboard")).content.decode()
        assert "Records requests" in html
        assert "18 days left" in html
        pretend_today(monkeypatch, SENT + dt.timedelta(days=31))
        html = owner_client.get(reverse("dashboard")).content.decode()
        assert "1 day late" in html
        assert "Call the records office" in html
        assert letter_url("letter_detail", letters_case, letter) in html


class TestLetterText:
    def test_the_pdf_names_the_patient_the_records_of_that_place_and_the_deadline(
        self, monkeypatch, owner_client, letters_case
    ):
        letter = new_letter(letters_case)
        pretend_today(monkeypatch, dt.date(2026, 11, 2))
        response = owner_client.get(letter_url("letter_download", letters_case, letter))
        text = _pdf_text(response)
        assert "Maria Lopez" in text
        assert "12 April 1968" in text
        assert "Pathology report: as an electronic copy" in text
        assert "Biopsy slides" in text
        assert "MRI images" not in text  # another place's record
        assert "Old letter" not in text
        assert "by 2 December 2026" in text  # 30 days from the date of the letter
        assert "45 CFR 164.524" in text
        assert "reasonable, cost-based fee" in text
        assert "extend this once, by up to 30 more days" in text
        assert "in writing" in text

    def test_once_sent_the_letter_is_dated_the_day_it_was_sent(self, owner_client, letters_case):
        letter = new_letter(letters_case, IMAGING)
        letter.sent_on = SENT
        letter.save()
        text = _pdf_text(owner_client.get(letter_url("letter_download", letters_case, letter)))
        assert "1 October 2026" in text
        assert "by 31 October 2026" in text
        assert "MRI images: on a disc (CD or DVD)" in text
        assert "Pathology report" not in text

    def test_the_pdf_is_tagged_and_its_file_name_holds_no_health_data(
        self, owner_client, letters_case
    ):
        letter = new_letter(letters_case)
        response = owner_client.get(letter_url("letter_download", letters_case, letter))
        assert response["Content-Disposition"] == (
            f'attachment; filename="records-request-{letter.pk}.pdf"'
        )
        assert "no-store" in response["Cache-Control"]
        reader = PdfReader(io.BytesIO(response.content))
        assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
        assert "Request for health records" in reader.metadata.title
        tree = structure(response.content)
        tags = {node.role for node in tree.iter()}
        assert {"H1", "H2", "L", "LI", "Table", "TH"} <= tags

    def test_a_caregiver_with_authority_on_file_writes_for_the_patient(
        self, caregiver, caregiver_client, letters_case
    ):
        Membership.objects.filter(case=letters_case, user=caregiver).update(
            authority_kind="proxy", authority_expires=dt.date(2027, 5, 1)
        )
        letter = new_letter(letters_case)
        text = _pdf_text(caregiver_client.get(letter_url("letter_download", letters_case, letter)))
        assert "I am writing for Maria Lopez" in text
        assert "Health care proxy" in text
        assert "valid until 1 May 2027" in text
        assert "for Maria Lopez (Health care proxy)" in text

    def test_without_authority_the_letter_is_in_the_patients_words(
        self, caregiver_client, letters_case
    ):
        letter = new_letter(letters_case)
        text = _pdf_text(caregiver_client.get(letter_url("letter_download", letters_case, letter)))
        assert "copies of my health records" in text
        assert "I am writing for" not in text

    def test_the_page_shows_the_same_text_to_copy(self, viewer_client, letters_case):
        letter = new_letter(letters_case)
        response = viewer_client.get(letter_url("letter_detail", letters_case, letter))
        html = response.content.decode()
        assert response.status_code == 200
        assert '<textarea id="letter-text"' in html
        assert "readonly" in html
        assert "Patient: Maria Lopez" in html
        assert "Date of birth: 12 April 1968" in html
        assert "- Pathology report: as an electronic copy" in html
        assert "Fee limits apply to copies sent to the patient" in html
        # A viewer reads and downloads, and cannot mark it sent.
        assert letter_url("letter_sent", letters_case, letter) not in html
        assert letter_url("letter_download", letters_case, letter) in html

    def test_each_download_is_on_the_activity_trail(self, viewer, viewer_client, letters_case):
        letter = new_letter(letters_case)
        viewer_client.get(letter_url("letter_download", letters_case, letter))
        entry = audit.for_case(letters_case).filter(action=LogEntry.Action.ACCESS).first()
        assert entry.actor == viewer
        assert entry.additional_data["event"] == "letter_download"
        assert (
            activity.describe(entry, {}) == "vera@example.org downloaded a records request letter"
        )
