"""The case page and roadmap steps 1, 2 and 4, through the test client.

The detail sections' forms are in tests/test_section_views.py.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from cases import revisions
from cases.models import Case, InsuranceCall, Medication, Question, RecordItem
from tests.factories import make_case
from tests.sections_support import HTMX, url

pytestmark = pytest.mark.django_db


class TestCasePage:
    def test_it_shows_the_four_steps_with_status_and_next_thing_to_do(self, owner_client, case):
        response = owner_client.get(case.get_absolute_url())
        html = response.content.decode()
        assert response.status_code == 200
        for title in (
            "1. Inform your primary provider",
            "2. Check insurance and referral",
            "3. Request medical records",
            "4. Schedule the appointment",
        ):
            assert title in html
        assert "(optional, if you are comfortable)" in html
        assert html.count(">Not started<") == 4
        assert "Request the 6 records still needed." in html
        assert url("records", case) in html

    def test_it_lists_what_to_bring_with_ready_and_missing(self, owner_client, case):
        opinion = case.current_opinion()
        opinion.records.filter(kind="images").update(status="received")
        Medication.objects.create(case=case, name="Tamoxifen")
        html = owner_client.get(case.get_absolute_url()).content.decode()
        assert "What to bring to the appointment" in html
        assert "Imaging on disc or USB" in html
        assert "1 medicine listed." in html
        assert "No questions written yet." in html
        assert html.count(">Ready<") == 2  # imaging and medications

    def test_it_links_to_medications_and_questions_with_counts(self, owner_client, case):
        Medication.objects.create(case=case, name="Tamoxifen")
        Question.objects.create(opinion=case.current_opinion(), text="How urgent is it?")
        html = owner_client.get(case.get_absolute_url()).content.decode()
        assert f'href="{url("medications", case)}">Medications</a> (1 listed)' in html
        assert f'href="{url("questions", case)}">Questions for the doctor</a> (1 written)' in html

    def test_it_warns_plainly_when_the_appointment_is_after_treatment_would_start(
        self, owner_client, case
    ):
        Case.objects.filter(pk=case.pk).update(treatment_start_by=dt.date(2030, 3, 1))
        opinion = case.current_opinion()
        opinion.appointment_at = timezone.make_aware(dt.datetime(2030, 3, 10, 9))
        opinion.save()
        html = owner_client.get(case.get_absolute_url()).content.decode()
        assert "Time matters" in html
        assert "is after the date treatment would start (1 March 2030)" in html

    def test_it_warns_about_a_stalled_record(self, owner_client, case):
        long_ago = timezone.localdate() - dt.timedelta(days=20)
        case.current_opinion().records.filter(kind="labs").update(
            status="requested", requested_on=long_ago
        )
        html = owner_client.get(case.get_absolute_url()).content.decode()
        assert "requested more than 10 days ago and not received yet (Lab results)" in html

    def test_it_summarises_the_case_details_with_change_links(self, owner_client, case):
        Case.objects.filter(pk=case.pk).update(
            reasons=["rare_condition", "other"], reasons_other="Gut"
        )
        html = owner_client.get(case.get_absolute_url()).content.decode()
        for thing in ("details about the person", "diagnosis", "proposed treatment", "reasons"):
            assert f'Change<span class="visually-hidden"> {thing}</span>' in html
        assert "A rare or complex condition" in html
        assert "<li>Gut</li>" in html

    def test_viewer_sees_no_change_links(self, viewer_client, case):
        html = viewer_client.get(case.get_absolute_url()).content.decode()
        assert "Change<span" not in html

    def test_query_count_is_the_same_with_1_and_with_50_items(
        self, owner_client, case, django_assert_max_num_queries
    ):
        opinion = case.current_opinion()

        def add(start: int, stop: int) -> None:
            numbers = range(start, stop)
            RecordItem.objects.bulk_create(
                RecordItem(opinion=opinion, name=f"Scan {i}", status="requested") for i in numbers
            )
            Medication.objects.bulk_create(Medication(case=case, name=f"Med {i}") for i in numbers)
            Question.objects.bulk_create(Question(opinion=opinion, text=f"Q{i}?") for i in numbers)
            InsuranceCall.objects.bulk_create(
                InsuranceCall(opinion=opinion, called_on=dt.date(2026, 11, 1)) for _ in numbers
            )
            # As the app's bulk writes do; a new revision also means the page is built
            # afresh rather than served from what was kept (cases/fragments.py).
            revisions.touch(case)

        add(0, 1)
        owner_client.get(case.get_absolute_url())  # warm the session
        revisions.touch(case)
        with CaptureQueriesContext(connection) as with_one:
            owner_client.get(case.get_absolute_url())
        # 10 when measured: session, user, membership and case, opinions, records,
        # questions, calls, medications, and the other concerns' panels.
        assert len(with_one) <= QUERY_BUDGET
        add(1, 50)
        with django_assert_max_num_queries(len(with_one)):
            response = owner_client.get(case.get_absolute_url())
        assert response.content.count(b"Scan ") >= 1
        assert b"(50 listed)" in response.content


QUERY_BUDGET = 12


class TestStepPages:
    @pytest.mark.parametrize(
        "name, heading",
        [
            ("step_inform", "Step 1: Inform your primary provider"),
            ("step_insurance", "Step 2: Check insurance and referral"),
            ("step_appointment", "Step 4: Schedule the appointment"),
        ],
    )
    def test_each_step_page_has_its_heading_and_sections(self, viewer_client, case, name, heading):
        response = viewer_client.get(url(name, case))
        assert response.status_code == 200
        assert f"<h1>{heading}</h1>" in response.content.decode()
        assert b"roadmap-section" in response.content

    def test_step_1_explains_it_is_optional(self, owner_client, case):
        html = owner_client.get(url("step_inform", case)).content.decode()
        assert "This step is optional" in html

    def test_step_4_gives_the_recording_tip(self, owner_client, case):
        html = owner_client.get(url("step_appointment", case)).content.decode()
        assert "with the doctor’s permission" in html


class TestInsuranceCalls:
    def data(self, **kw):
        return {
            "call-called_on": "2026-11-03",
            "call-spoke_with": "Dana",
            "call-reference": "REF-778",
            "call-notes": "Covered in network",
            **kw,
        }

    def test_the_step_page_costs_the_same_with_1_or_50_calls(self, caregiver_client, case):
        opinion = case.current_opinion()
        opinion.calls.create(called_on=dt.date(2026, 11, 1))
        caregiver_client.get(url("step_insurance", case))  # warm the session
        with CaptureQueriesContext(connection) as one:
            caregiver_client.get(url("step_insurance", case))
        InsuranceCall.objects.bulk_create(
            InsuranceCall(opinion=opinion, called_on=dt.date(2026, 11, 1)) for _ in range(49)
        )
        with CaptureQueriesContext(connection) as fifty:
            response = caregiver_client.get(url("step_insurance", case))
        assert response.content.count(b'class="call-log__item"') == 50
        assert len(fifty) == len(one) <= 6, [q["sql"] for q in fifty.captured_queries]

    def test_plain_add_redirects_to_the_log(self, caregiver_client, case):
        response = caregiver_client.post(url("call_add", case), self.data())
        assert response.status_code == 302
        assert response["Location"].endswith("#calls")
        call = case.current_opinion().calls.get()
        assert (call.spoke_with, call.reference) == ("Dana", "REF-778")

    def test_htmx_add_returns_the_log_newest_first_and_announces(self, caregiver_client, case):
        caregiver_client.post(url("call_add", case), self.data(**{"call-reference": "OLD-1"}))
        response = caregiver_client.post(
            url("call_add", case),
            self.data(**{"call-called_on": "2026-11-10", "call-reference": "NEW-2"}),
            **HTMX,
        )
        html = response.content.decode()
        assert json.loads(response["HX-Trigger"]) == {
            "announce": {"message": "Call added to the log."}
        }
        assert html.index("NEW-2") < html.index("OLD-1")
        assert 'id="calls"' in html and "<html" not in html

    def test_invalid_call_keeps_what_was_typed(self, caregiver_client, case):
        response = caregiver_client.post(
            url("call_add", case), self.data(**{"call-called_on": ""}), **HTMX
        )
        html = response.content.decode()
        assert "Enter the date of the call" in html
        assert "REF-778" in html
        assert not InsuranceCall.objects.exists()
        plain = caregiver_client.post(url("call_add", case), self.data(**{"call-called_on": "x"}))
        assert plain.status_code == 200
        assert b"<h1>Step 2: Check insurance and referral</h1>" in plain.content
        assert b"<title>Error: Step 2: Check insurance and referral" in plain.content
        assert b"Enter a real date" in plain.content

    def test_remove_a_call(self, caregiver_client, case):
        call = InsuranceCall.objects.create(
            opinion=case.current_opinion(), called_on=dt.date.today()
        )
        response = caregiver_client.post(url("call_delete", case, call_id=call.pk), **HTMX)
        assert json.loads(response["HX-Trigger"]) == {
            "announce": {"message": "Call removed from the log."}
        }
        assert not InsuranceCall.objects.exists()

    def test_removing_without_javascript_asks_first(self, caregiver_client, case):
        call = InsuranceCall.objects.create(
            opinion=case.current_opinion(), called_on=dt.date(2026, 11, 3), reference="REF-9"
        )
        page = caregiver_client.get(url("call_delete", case, call_id=call.pk))
        assert page.status_code == 200
        html = page.content.decode()
        assert "<h1>Step 2: Check insurance and referral</h1>" in html
        question = "Are you sure you want to remove the call on 3 November 2026 from the log?"
        assert f'<p class="item__confirm" data-focus>{question}</p>' in html
        assert "REF-9" in html and "The reference number may be needed" in html
        assert InsuranceCall.objects.exists()  # asking removes nothing
        response = caregiver_client.post(url("call_delete", case, call_id=call.pk))
        assert response.status_code == 302
        assert not InsuranceCall.objects.exists()

    def test_a_call_from_another_case_is_not_found(self, caregiver_client, case, stranger):
        other = make_case(stranger)
        call = InsuranceCall.objects.create(
            opinion=other.current_opinion(), called_on=dt.date.today()
        )
        response = caregiver_client.post(url("call_delete", case, call_id=call.pk))
        assert response.status_code == 404
        assert InsuranceCall.objects.filter(pk=call.pk).exists()


class TestCalendar:
    def book(self, case: Case) -> None:
        opinion = case.current_opinion()
        opinion.appointment_at = timezone.make_aware(dt.datetime(2030, 3, 4, 10, 30))
        opinion.specialist_name = "Dr Okafor"
        opinion.specialist_specialty = "Breast oncology"
        opinion.specialist_institution = "University Medical Center"
        opinion.specialist_address = "1 Main St\nSpringfield"
        opinion.specialist_phone = "555-0100"
        opinion.save()

    def test_no_appointment_no_link_and_404(self, owner_client, case):
        assert owner_client.get(url("appointment_ics", case)).status_code == 404
        html = owner_client.get(url("step_appointment", case)).content.decode()
        assert "Add to calendar" not in html

    def test_it_downloads_an_event_with_where_and_when_and_no_health_details(
        self, viewer_client, case
    ):
        self.book(case)
        assert b"Add to calendar" in viewer_client.get(url("step_appointment", case)).content
        response = viewer_client.get(url("appointment_ics", case))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        assert response["Content-Disposition"] == 'attachment; filename="appointment.ics"'
        body = response.content.decode()
        for private in ("breast", "cancer", "oncology", "Maria", "Lopez"):
            assert private.lower() not in body.lower()
        (event,) = Calendar.from_ical(response.content).walk("VEVENT")
        assert str(event["SUMMARY"]) == "Second opinion appointment"
        assert str(event["LOCATION"]) == "University Medical Center, 1 Main St Springfield"
        assert event.decoded("DTSTART") == case.current_opinion().appointment_at
        assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(hours=1)
        assert "555-0100" in str(event["DESCRIPTION"])
