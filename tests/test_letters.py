"""Records-request letters (HIPAA right of access) and the provider's 30-day clock."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases import activity, audit, roadmap
from cases.models import Membership, RecordItem, RecordRequest
from cases.models.items import RecordFormat, RecordKind, RecordStatus
from cases.models.letters import MAX_LETTERS, Clock
from cases.services.letters import start_letter
from tests.factories import make_case
from tests.pdf_structure import structure

pytestmark = pytest.mark.django_db

SENT = dt.date(2026, 10, 1)
LAB = "Riverside Community Hospital, pathology lab"
IMAGING = "Riverside imaging department"


def _checklist(case) -> None:
    """Two places: the lab with two records, imaging with the images on disc."""
    opinion = case.current_opinion()
    opinion.records.all().delete()
    RecordItem.objects.bulk_create(
        [
            RecordItem(opinion=opinion, name="Pathology report", source=LAB, position=0),
            RecordItem(
                opinion=opinion, name="Biopsy slides", source=f"  {LAB.upper()} ", position=1
            ),
            RecordItem(
                opinion=opinion,
                name="MRI images",
                kind=RecordKind.IMAGES,
                format=RecordFormat.DISC,
                source=IMAGING,
                position=2,
            ),
            RecordItem(opinion=opinion, name="Old letter", source="", position=3),
        ]
    )


@pytest.fixture
def letters_case(case):
    case.patient_dob = dt.date(1968, 4, 12)
    case.save(update_fields=["patient_dob"])
    _checklist(case)
    return case


def _letter(case, source=LAB) -> RecordRequest:
    return start_letter(case.current_opinion(), source)


def _url(name, case, letter=None):
    kwargs = {"case_id": case.pk} | ({"letter_id": letter.pk} if letter else {})
    return reverse(name, kwargs=kwargs)


def _today(monkeypatch, day: dt.date) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)


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
        assert _letter(letters_case).clock(SENT) is None

    @pytest.mark.parametrize(
        ("day", "shown"),
        [(0, "30 days left"), (29, "1 day left"), (30, "Due today"), (31, "1 day late")],
    )
    def test_the_record_shows_the_clock_with_a_controlled_today(
        self, monkeypatch, owner_client, letters_case, day, shown
    ):
        letter = _letter(letters_case)
        letter.sent_on, letter.sent_how = SENT, "mail"
        letter.save()
        _today(monkeypatch, SENT + dt.timedelta(days=day))
        html = owner_client.get(reverse("records", args=[letters_case.pk])).content.decode()
        # Once in the letters section and once on each of the lab's two records.
        assert html.count(shown) == 3
        assert "the answer is due by 31 October 2026" in html or "due by 31 October 2026" in html
        assert ("The 30 days are up" in html) is (day == 31)

    @pytest.mark.parametrize(("day", "late"), [(29, False), (30, False), (31, True)])
    def test_time_matters_says_days_left_then_what_to_do(self, letters_case, day, late):
        letter = _letter(letters_case)
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
        letter = _letter(letters_case)
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
        letter = _letter(letters_case)
        letter.sent_on, letter.sent_how = SENT, "fax"
        letter.save()
        _today(monkeypatch, SENT + dt.timedelta(days=12))
        html = owner_client.get(reverse("dashboard")).content.decode()
        assert "Records requests" in html
        assert "18 days left" in html
        _today(monkeypatch, SENT + dt.timedelta(days=31))
        html = owner_client.get(reverse("dashboard")).content.decode()
        assert "1 day late" in html
        assert "Call the records office" in html
        assert _url("letter_detail", letters_case, letter) in html


class TestLetterText:
    def test_the_pdf_names_the_patient_the_records_of_that_place_and_the_deadline(
        self, monkeypatch, owner_client, letters_case
    ):
        letter = _letter(letters_case)
        _today(monkeypatch, dt.date(2026, 11, 2))
        response = owner_client.get(_url("letter_download", letters_case, letter))
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
        letter = _letter(letters_case, IMAGING)
        letter.sent_on = SENT
        letter.save()
        text = _pdf_text(owner_client.get(_url("letter_download", letters_case, letter)))
        assert "1 October 2026" in text
        assert "by 31 October 2026" in text
        assert "MRI images: on a disc (CD or DVD)" in text
        assert "Pathology report" not in text

    def test_the_pdf_is_tagged_and_its_file_name_holds_no_health_data(
        self, owner_client, letters_case
    ):
        letter = _letter(letters_case)
        response = owner_client.get(_url("letter_download", letters_case, letter))
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
        letter = _letter(letters_case)
        text = _pdf_text(caregiver_client.get(_url("letter_download", letters_case, letter)))
        assert "I am writing for Maria Lopez" in text
        assert "Health care proxy" in text
        assert "valid until 1 May 2027" in text
        assert "for Maria Lopez (Health care proxy)" in text

    def test_without_authority_the_letter_is_in_the_patients_words(
        self, caregiver_client, letters_case
    ):
        letter = _letter(letters_case)
        text = _pdf_text(caregiver_client.get(_url("letter_download", letters_case, letter)))
        assert "copies of my health records" in text
        assert "I am writing for" not in text

    def test_the_page_shows_the_same_text_to_copy(self, viewer_client, letters_case):
        letter = _letter(letters_case)
        response = viewer_client.get(_url("letter_detail", letters_case, letter))
        html = response.content.decode()
        assert response.status_code == 200
        assert '<textarea id="letter-text"' in html
        assert "readonly" in html
        assert "Patient: Maria Lopez" in html
        assert "Date of birth: 12 April 1968" in html
        assert "- Pathology report: as an electronic copy" in html
        assert "Fee limits apply to copies sent to the patient" in html
        # A viewer reads and downloads, and cannot mark it sent.
        assert _url("letter_sent", letters_case, letter) not in html
        assert _url("letter_download", letters_case, letter) in html

    def test_each_download_is_on_the_activity_trail(self, viewer, viewer_client, letters_case):
        letter = _letter(letters_case)
        viewer_client.get(_url("letter_download", letters_case, letter))
        entry = audit.for_case(letters_case).filter(action=LogEntry.Action.ACCESS).first()
        assert entry.actor == viewer
        assert entry.additional_data["event"] == "letter_download"
        assert (
            activity.describe(entry, {}) == "vera@example.org downloaded a records request letter"
        )


class TestWritingAndSending:
    def test_the_records_page_offers_one_letter_per_place(self, caregiver_client, letters_case):
        html = caregiver_client.get(reverse("records", args=[letters_case.pk])).content.decode()
        assert "Request letters" in html
        # Two places (the two spellings of the lab are one); the record with none is left out.
        assert html.count('type="hidden" name="source"') == 2
        assert f'value="{LAB}"' in html
        assert f'value="{IMAGING}"' in html

    def test_writing_a_letter_twice_opens_the_same_one(self, caregiver_client, letters_case):
        first = caregiver_client.post(_url("letter_create", letters_case), {"source": LAB})
        again = caregiver_client.post(_url("letter_create", letters_case), {"source": LAB.lower()})
        letter = RecordRequest.objects.get()
        assert first.status_code == again.status_code == 302
        assert first["Location"] == again["Location"] == _url("letter_detail", letters_case, letter)
        assert letter.source == LAB

    def test_a_place_not_on_the_checklist_is_refused(self, caregiver_client, letters_case):
        response = caregiver_client.post(
            _url("letter_create", letters_case), {"source": "Somewhere else"}, follow=True
        )
        assert "no longer on the checklist" in response.content.decode()
        assert not RecordRequest.objects.exists()

    def test_letters_per_case_are_bounded(self, caregiver_client, letters_case):
        opinion = letters_case.current_opinion()
        RecordItem.objects.bulk_create(
            RecordItem(opinion=opinion, name=f"Scan {i}", source=f"Clinic {i}", position=10 + i)
            for i in range(MAX_LETTERS)
        )
        for i in range(MAX_LETTERS):
            start_letter(opinion, f"Clinic {i}")
        response = caregiver_client.post(
            _url("letter_create", letters_case), {"source": LAB}, follow=True
        )
        assert f"up to {MAX_LETTERS} letters" in response.content.decode()
        assert RecordRequest.objects.count() == MAX_LETTERS

    def test_marking_it_sent_starts_the_clock_and_marks_needed_records_requested(
        self, monkeypatch, caregiver_client, letters_case
    ):
        _today(monkeypatch, dt.date(2026, 10, 13))
        letter = _letter(letters_case)
        response = caregiver_client.post(
            _url("letter_sent", letters_case, letter),
            {"sent_on": "2026-10-01", "sent_how": "portal"},
            follow=True,
        )
        letter.refresh_from_db()
        assert (letter.sent_on, letter.sent_how) == (SENT, "portal")
        html = response.content.decode()
        assert "The answer is due by 31 October 2026" in html
        assert "18 days left" in html
        records = letters_case.current_opinion().records.order_by("position")
        assert [(r.status, r.requested_on) for r in records] == [
            (RecordStatus.REQUESTED, SENT),
            (RecordStatus.REQUESTED, SENT),
            (RecordStatus.NEEDED, None),  # another place
            (RecordStatus.NEEDED, None),
        ]
        # The change is on the activity trail, in words.
        texts = [a.text for a in activity.describe_page(list(audit.for_case(letters_case)))]
        assert any("records request letter" in t for t in texts)

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"sent_on": "", "sent_how": "mail"}, "Enter the date you sent the letter"),
            ({"sent_on": "2026-13-40", "sent_how": "mail"}, "Enter a real date"),
            ({"sent_on": "2099-01-01", "sent_how": "mail"}, "today or in the past"),
            ({"sent_on": "2026-10-01", "sent_how": ""}, "Choose how you sent the letter"),
            ({"sent_on": "2026-10-01", "sent_how": "pigeon"}, "Select a valid choice"),
        ],
    )
    def test_a_bad_answer_is_shown_at_the_field_and_nothing_changes(
        self, caregiver_client, letters_case, data, message
    ):
        letter = _letter(letters_case)
        response = caregiver_client.post(_url("letter_sent", letters_case, letter), data)
        html = response.content.decode()
        assert response.status_code == 200
        assert "error-summary" in html
        assert message in html
        assert "<title>Error:" in html
        letter.refresh_from_db()
        assert letter.sent_on is None

    def test_a_viewer_cannot_write_or_send_and_a_stranger_finds_nothing(
        self, viewer_client, stranger_client, letters_case
    ):
        letter = _letter(letters_case)
        assert (
            viewer_client.post(_url("letter_create", letters_case), {"source": LAB}).status_code
            == 403
        )
        sent = {"sent_on": "2026-10-01", "sent_how": "mail"}
        assert (
            viewer_client.post(_url("letter_sent", letters_case, letter), sent).status_code == 403
        )
        for name in ("letter_detail", "letter_download"):
            assert stranger_client.get(_url(name, letters_case, letter)).status_code == 404

    def test_a_letter_of_another_case_is_not_found(self, owner, owner_client, letters_case):
        other = make_case(owner)
        _checklist(other)
        theirs = _letter(other)
        url = reverse("letter_detail", kwargs={"case_id": letters_case.pk, "letter_id": theirs.pk})
        assert owner_client.get(url).status_code == 404

    def test_the_records_page_costs_the_same_queries_with_many_letters(
        self, owner_client, owner, django_assert_max_num_queries
    ):
        few, many = make_case(owner), make_case(owner)
        _checklist(few)
        opinion = many.current_opinion()
        RecordItem.objects.bulk_create(
            RecordItem(opinion=opinion, name=f"Scan {i}", source=f"Clinic {i}", position=i)
            for i in range(MAX_LETTERS)
        )
        for i in range(MAX_LETTERS):
            letter = start_letter(opinion, f"Clinic {i}")
            letter.sent_on = SENT
            letter.save()
        for c in (few, many):
            with django_assert_max_num_queries(7):
                assert owner_client.get(reverse("records", args=[c.pk])).status_code == 200
            with django_assert_max_num_queries(12):
                assert owner_client.get(reverse("dashboard")).status_code == 200


class TestExport:
    def test_a_letter_travels_in_the_export_and_validates(self, owner, letters_case):
        from cases.services import portable

        letter = _letter(letters_case)
        letter.sent_on, letter.sent_how = SENT, "fax"
        letter.save()
        document = portable.case_document(letters_case, exported_by=owner)
        portable.validator().validate(document)
        current = next(o for o in document["opinions"] if o["number"] == 2)
        assert current["letters"] == [
            {
                "source": LAB,
                "sent_on": "2026-10-01",
                "sent_how": "fax",
                "created_at": letter.created_at.astimezone(dt.UTC).isoformat(),
            }
        ]
