"""Where a case stands on the four-step roadmap: statuses, next steps, time, what to bring.

These are plain functions over unsaved objects: no database needed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from cases import roadmap as rm
from cases.models import Case, InformChoice, InsuranceCall, Medication, Opinion, Question
from cases.models.items import RecordItem, RecordKind, RecordStatus
from cases.models.opinion import ApprovalStatus, Coverage, YesNo

TODAY = dt.date(2026, 11, 20)


def case(**kw) -> Case:
    return Case(patient_name="Maria Lopez", condition="Early-stage breast cancer", **kw)


def opinion(**kw) -> Opinion:
    return Opinion(number=2, **kw)


def record(kind=RecordKind.LABS, status=RecordStatus.NEEDED, name="Lab results", **kw):
    return RecordItem(kind=kind, status=status, name=name, **kw)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class TestStep1:
    def test_not_started_until_a_choice_or_a_provider_is_given(self):
        step = rm.inform_step(case())
        assert step.status is rm.Status.NOT_STARTED
        assert step.optional
        assert "comfortable" in step.next

    def test_naming_the_provider_or_planning_to_tell_is_in_progress(self):
        assert rm.inform_step(case(primary_provider_name="Dr Chen")).status is rm.Status.IN_PROGRESS
        step = rm.inform_step(case(primary_provider_name="Dr Chen", inform_choice="will_tell"))
        assert step.status is rm.Status.IN_PROGRESS
        assert step.next.startswith("Tell Dr Chen")

    def test_told_is_done_and_says_how_they_helped(self):
        step = rm.inform_step(
            case(
                primary_provider_name="Dr Chen",
                inform_choice=InformChoice.TOLD,
                informed_on=dt.date(2026, 11, 3),
                provider_offered_records=True,
            )
        )
        assert step.status is rm.Status.DONE
        assert (
            step.summary
            == "You told Dr Chen on 3 November 2026. They offered to forward your records."
        )
        assert step.next == ""

    def test_preferring_not_to_tell_is_skipped_by_choice_not_a_failure(self):
        step = rm.inform_step(case(inform_choice=InformChoice.PREFER_NOT))
        assert step.status is rm.Status.SKIPPED
        assert step.status.label == "Skipped by choice"
        assert "optional" in step.summary


class TestStep2:
    def test_not_started_without_any_insurance_facts(self):
        step = rm.insurance_step(case(), opinion(), [])
        assert step.status is rm.Status.NOT_STARTED
        assert step.next == "Add your insurance details, then call your insurer."

    def test_a_logged_call_alone_starts_it(self):
        call = InsuranceCall(called_on=TODAY)
        step = rm.insurance_step(case(insurer="Acme"), opinion(), [call])
        assert step.status is rm.Status.IN_PROGRESS
        assert "1 call noted" in step.summary
        assert "covered" in step.next

    def test_waiting_referral_keeps_it_in_progress_with_the_date(self):
        op = opinion(
            coverage=Coverage.COVERED,
            referral_status=ApprovalStatus.REQUESTED,
            referral_requested_on=dt.date(2026, 11, 1),
        )
        step = rm.insurance_step(case(insurer="Acme"), op, [])
        assert step.status is rm.Status.IN_PROGRESS
        assert "requested 1 November 2026" in step.next

    def test_denied_referral_points_to_an_appeal(self):
        op = opinion(coverage=Coverage.COVERED, referral_status=ApprovalStatus.DENIED)
        assert "appeal" in rm.insurance_step(case(insurer="Acme"), op, []).next

    def test_done_when_covered_and_nothing_left_to_approve(self):
        op = opinion(
            coverage=Coverage.PARTLY,
            referral_status=ApprovalStatus.APPROVED,
            prior_auth_status=ApprovalStatus.NOT_NEEDED,
            in_network=YesNo.YES,
            estimated_cost=Decimal("250"),
        )
        step = rm.insurance_step(case(insurer="Acme"), op, [])
        assert step.status is rm.Status.DONE
        assert step.next == ""


class TestStep3:
    def test_all_needed_is_not_started(self):
        step = rm.records_step([record(), record()], TODAY)
        assert step.status is rm.Status.NOT_STARTED
        assert step.next == "Request the 2 records still needed."

    def test_some_requested_is_in_progress(self):
        step = rm.records_step([record(status="requested", requested_on=TODAY), record()], TODAY)
        assert step.status is rm.Status.IN_PROGRESS
        assert step.summary == "0 of 2 records ready."

    def test_a_late_record_asks_for_a_call(self):
        late = record(status="requested", requested_on=TODAY - dt.timedelta(days=11))
        assert rm.records_step([late], TODAY).next.startswith("Call about 1 record")

    def test_done_when_every_record_is_received_or_sent(self):
        step = rm.records_step([record(status="received"), record(status="sent")], TODAY)
        assert step.status is rm.Status.DONE
        assert step.url_name == "records"


class TestStep4:
    def test_not_started_without_a_specialist(self):
        assert rm.appointment_step(opinion(), case()).status is rm.Status.NOT_STARTED

    def test_a_specialist_without_a_date_is_in_progress(self):
        step = rm.appointment_step(opinion(specialist_name="Dr Okafor"), case())
        assert step.status is rm.Status.IN_PROGRESS
        assert "second opinion" in step.next

    def test_booked_is_done_and_reminds_to_check_the_records_arrived(self):
        op = opinion(appointment_at=at(dt.date(2026, 12, 3)), specialist_institution="UMC")
        step = rm.appointment_step(op, case())
        assert step.status is rm.Status.DONE
        assert "3 December 2026" in step.summary
        assert "records have arrived" in step.next
        op.records_arrived = YesNo.YES
        assert rm.appointment_step(op, case()).next == ""


class TestTimingWarnings:
    def test_nothing_to_say_when_on_track(self):
        assert rm.timing_warnings(case(), opinion(), [], TODAY) == []

    def test_appointment_after_the_treatment_start_date(self):
        c = case(treatment_start_by=dt.date(2026, 12, 1))
        op = opinion(appointment_at=at(dt.date(2026, 12, 10)))
        (warning,) = rm.timing_warnings(c, op, [], TODAY)
        assert "10 December 2026 is after the date treatment would start" in warning.message

    def test_start_date_close_and_no_appointment(self):
        c = case(treatment_start_by=TODAY + dt.timedelta(days=9))
        (warning,) = rm.timing_warnings(c, opinion(), [], TODAY)
        assert "in 9 days, and no appointment is booked yet" in warning.message
        far = case(treatment_start_by=TODAY + dt.timedelta(days=40))
        assert rm.timing_warnings(far, opinion(), [], TODAY) == []

    def test_start_date_passed_and_no_appointment(self):
        c = case(treatment_start_by=TODAY - dt.timedelta(days=1))
        (warning,) = rm.timing_warnings(c, opinion(), [], TODAY)
        assert "was due to start on 19 November 2026" in warning.message

    def test_record_requested_more_than_ten_days_ago(self):
        late = record(status="requested", requested_on=TODAY - dt.timedelta(days=11), name="MRI")
        recent = record(status="requested", requested_on=TODAY - dt.timedelta(days=10))
        (warning,) = rm.timing_warnings(case(), opinion(), [late, recent], TODAY)
        assert "1 record was requested more than 10 days ago" in warning.message
        assert "(MRI)" in warning.message

    def test_referral_with_no_decision_after_two_weeks(self):
        op = opinion(
            referral_status=ApprovalStatus.REQUESTED,
            referral_requested_on=TODAY - dt.timedelta(days=15),
        )
        (warning,) = rm.timing_warnings(case(), op, [], TODAY)
        assert "more than two weeks ago" in warning.message
        op.referral_requested_on = TODAY - dt.timedelta(days=14)
        assert rm.timing_warnings(case(), op, [], TODAY) == []


class TestWhatToBring:
    def test_everything_missing_on_an_empty_case(self):
        items = rm.what_to_bring([], [], [])
        assert [i.label for i in items] == [
            "Medical records and test results",
            "Imaging on disc or USB",
            "List of medications and dosages",
            "Treatment plan from the first provider",
            "Questions for the doctor",
            "A notebook and pen for notes",
        ]
        assert [i.ready for i in items] == [False, False, False, False, False, None]

    def test_ready_and_missing_come_from_the_records_medications_and_questions(self):
        records = [
            record(RecordKind.PATHOLOGY, "received", "Pathology report"),
            record(RecordKind.LABS, "requested", "Lab results"),
            record(RecordKind.IMAGES, "received", "MRI on disc"),
            record(RecordKind.TREATMENT_PLAN, "sent", "Plan"),
        ]
        items = {
            i.label: i
            for i in rm.what_to_bring(records, [Medication(name="Tamoxifen")], [Question(text="?")])
        }
        general = items["Medical records and test results"]
        assert general.ready is False
        assert general.detail == "1 of 2 ready. Still missing: Lab results."
        assert items["Imaging on disc or USB"].ready is True
        assert items["Treatment plan from the first provider"].ready is True
        assert items["List of medications and dosages"].detail == "1 medicine listed."
        assert items["Questions for the doctor"].ready is True


def test_roadmap_puts_the_four_steps_in_order():
    result = rm.roadmap(
        case(), opinion(), records=[], medications=[], questions=[], calls=[], today=TODAY
    )
    assert [s.number for s in result.steps] == [1, 2, 3, 4]
    assert [s.status for s in result.steps] == [rm.Status.NOT_STARTED] * 4


class TestNextStep:
    """The dashboard's one line: what to do next on the current opinion."""

    def plan(self, the_case=None, records=(), **fields) -> rm.Roadmap:
        return rm.roadmap(
            the_case or case(),
            opinion(**fields),
            records=list(records),
            medications=[],
            questions=[],
            calls=[],
            today=TODAY,
        )

    def all_done(self, **fields) -> rm.Roadmap:
        return self.plan(
            case(inform_choice=InformChoice.TOLD, insurer="Acme"),
            [record(status=RecordStatus.RECEIVED)],
            coverage=Coverage.COVERED,
            referral_status=ApprovalStatus.NOT_NEEDED,
            prior_auth_status=ApprovalStatus.NOT_NEEDED,
            in_network=YesNo.YES,
            appointment_at=at(TODAY + dt.timedelta(days=7)),
            **fields,
        )

    def test_a_decided_opinion_says_what_was_decided(self):
        plan = self.plan(result="confirmation", decision="return")
        assert plan.next_step == "Decided: return to the original doctor."

    def test_a_received_opinion_asks_to_compare_and_decide(self):
        plan = self.plan(result="adjustment")
        assert plan.next_step == "Compare the opinions and decide what to do next."

    def test_otherwise_the_first_unfinished_steps_next_thing(self):
        assert self.plan().next_step == (
            "Decide whether you are comfortable telling your primary provider."
        )
        told = self.plan(case(inform_choice=InformChoice.PREFER_NOT))
        assert told.next_step == "Add your insurance details, then call your insurer."

    def test_with_every_step_done_a_reminder_still_comes_first(self):
        plan = self.all_done()
        assert all(not s.status.is_open for s in plan.steps)
        assert plan.next_step == "Call the specialist's office to check your records have arrived."

    def test_booked_with_nothing_left_to_do_means_getting_ready(self):
        plan = self.all_done(records_arrived=YesNo.YES)
        assert plan.next_step == "Get ready for the appointment."
