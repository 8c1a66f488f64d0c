"""Recording what a specialist said, follow-up actions, deciding, and the decision summary."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases.models import Decision, FollowUpAction, Opinion, Question, Result
from cases.models.items import RecordStatus
from cases.models.opinion import Stage

TODAY = timezone.localdate()
TOMORROW = TODAY + dt.timedelta(days=1)


def outcome_url(case, opinion) -> str:
    return reverse("opinion_outcome", kwargs={"case_id": case.pk, "opinion_id": opinion.pk})


def decide_url(case, opinion) -> str:
    return reverse("opinion_decide", kwargs={"case_id": case.pk, "opinion_id": opinion.pk})


def outcome_data(client, case, opinion, **overrides) -> dict:
    """What the outcome form would post, starting from what the page showed."""
    form = client.get(outcome_url(case, opinion)).context["form"]
    data = {
        "version": form.initial["version"],
        "answers_version": form.initial["answers_version"],
        "result": Result.ADJUSTMENT,
        "outcome_on": TODAY.isoformat(),
        "outcome_diagnosis": "Early-stage breast cancer",
        "outcome_treatment": "Lumpectomy followed by radiation",
        "outcome_urgency": "weeks",
        "outcome_rationale": "Same outcomes with a less invasive procedure.",
        "other_options": "A clinical trial of shorter radiation courses.",
        "outcome_cost": "",
        "outcome_notes": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def maria(case):
    """The article's Maria: immediate surgery proposed, a university specialist booked."""
    case.diagnosed_by_name = "Dr. Okafor"
    case.treatment_kind = "surgery"
    case.treatment_description = "Immediate surgery (mastectomy)"
    case.treatment_urgency = "immediate"
    case.save()
    opinion = case.current_opinion()
    opinion.specialist_name = "Dr. Chen"
    opinion.specialist_institution = "University Medical Center"
    opinion.appointment_at = timezone.now() - dt.timedelta(days=1)
    opinion.save()
    return case


def record_outcome(opinion: Opinion, result: str = Result.ADJUSTMENT, **fields) -> Opinion:
    opinion.result = result
    opinion.outcome_on = TODAY
    opinion.outcome_diagnosis = fields.pop("outcome_diagnosis", "Early-stage breast cancer")
    opinion.outcome_treatment = fields.pop("outcome_treatment", "Lumpectomy followed by radiation")
    for name, value in fields.items():
        setattr(opinion, name, value)
    opinion.save()
    return opinion


@pytest.mark.django_db
class TestRecordOutcome:
    @pytest.mark.parametrize("result", Result.values)
    def test_editor_records_each_result(self, caregiver_client, maria, result):
        opinion = maria.current_opinion()
        data = outcome_data(
            caregiver_client, maria, opinion, result=result, outcome_cost="$1,250.50"
        )
        response = caregiver_client.post(outcome_url(maria, opinion), data)
        assert response.status_code == 302
        opinion.refresh_from_db()
        assert opinion.result == result
        assert opinion.outcome_cost == pytest.approx(1250.50)
        assert opinion.stage == Stage.RECEIVED

    def test_answers_are_saved_with_the_outcome_in_list_order(self, owner_client, maria):
        opinion = maria.current_opinion()
        second = Question.objects.create(opinion=opinion, text="How urgent is it?", position=2)
        first = Question.objects.create(opinion=opinion, text="Do you agree?", position=1)
        page = owner_client.get(outcome_url(maria, opinion))
        content = page.content.decode()
        assert content.index("Do you agree?") < content.index("How urgent is it?")
        data = outcome_data(owner_client, maria, opinion)
        data[f"answer_{first.pk}"] = "Yes, the diagnosis is right."
        data[f"answer_{second.pk}"] = "Within a few weeks."
        assert owner_client.post(outcome_url(maria, opinion), data).status_code == 302
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.answer == "Yes, the diagnosis is right."
        assert second.answer == "Within a few weeks."

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("result", "", "Select what the specialist concluded"),
            ("result", "maybe", "Select a valid choice"),
            ("outcome_on", TOMORROW.isoformat(), "The date of the opinion must be today or in"),
            ("outcome_on", "2026-02-31", "Enter a real date"),
            ("outcome_cost", "-5", "The amount must be 0 or more"),
            ("outcome_cost", "a lot", "Enter an amount in dollars"),
            ("outcome_cost", "12.345", "Enter the cents with no more than 2 digits"),
            ("outcome_urgency", "yesterday", "Select a valid choice"),
        ],
    )
    def test_bad_input_is_explained_and_nothing_is_saved(
        self, owner_client, maria, field, value, message
    ):
        opinion = maria.current_opinion()
        data = outcome_data(owner_client, maria, opinion, **{field: value})
        response = owner_client.post(outcome_url(maria, opinion), data)
        assert response.status_code == 200
        content = response.content.decode()
        assert "There is a problem" in content
        assert content.count(message) >= 2  # in the summary and at the field
        assert "Lumpectomy followed by radiation" in content  # what they typed stays
        opinion.refresh_from_db()
        assert opinion.result == ""

    def test_a_stale_form_shows_the_other_version_and_keeps_what_was_typed(
        self, owner_client, caregiver_client, maria
    ):
        opinion = maria.current_opinion()
        stale = outcome_data(owner_client, maria, opinion, outcome_treatment="Mine")
        newer = outcome_data(caregiver_client, maria, opinion, outcome_treatment="Bob's version")
        assert caregiver_client.post(outcome_url(maria, opinion), newer).status_code == 302
        response = owner_client.post(outcome_url(maria, opinion), stale)
        assert response.status_code == 200
        assert b"Someone else changed this" in response.content
        assert b"Bob&#x27;s version" in response.content
        assert b"Mine</textarea>" in response.content
        opinion.refresh_from_db()
        assert opinion.outcome_treatment == "Bob's version"

    def test_a_changed_answer_is_a_conflict_too(self, owner_client, maria):
        opinion = maria.current_opinion()
        question = Question.objects.create(opinion=opinion, text="Do you agree?")
        data = outcome_data(owner_client, maria, opinion)
        data[f"answer_{question.pk}"] = "Mine"
        Question.objects.filter(pk=question.pk).update(answer="Theirs")
        response = owner_client.post(outcome_url(maria, opinion), data)
        assert b"Someone else changed this" in response.content
        question.refresh_from_db()
        opinion.refresh_from_db()
        assert question.answer == "Theirs"
        assert opinion.result == ""
        # Saving again is now a deliberate choice and goes through.
        data["answers_version"] = response.context["form"].data["answers_version"]
        assert owner_client.post(outcome_url(maria, opinion), data).status_code == 302
        question.refresh_from_db()
        assert question.answer == "Mine"

    def test_viewer_cannot_record_an_outcome(self, viewer_client, maria):
        opinion = maria.current_opinion()
        assert viewer_client.get(outcome_url(maria, opinion)).status_code == 403
        assert viewer_client.post(outcome_url(maria, opinion), {"result": "x"}).status_code == 403

    def test_an_opinion_from_another_case_is_not_found(self, owner_client, owner, maria):
        from tests.factories import make_case

        other = make_case(owner, patient_name="Someone Else").current_opinion()
        url = reverse("opinion_outcome", kwargs={"case_id": maria.pk, "opinion_id": other.pk})
        assert owner_client.get(url).status_code == 404

    def test_page_query_count_does_not_grow_with_questions_and_actions(
        self, owner_client, maria, django_assert_max_num_queries
    ):
        opinion = maria.current_opinion()
        url = outcome_url(maria, opinion)
        Question.objects.create(opinion=opinion, text="Q")
        FollowUpAction.objects.create(opinion=opinion, description="A")
        with django_assert_max_num_queries(12) as one:
            owner_client.get(url)
        Question.objects.bulk_create(Question(opinion=opinion, text=f"Q{i}") for i in range(49))
        FollowUpAction.objects.bulk_create(
            FollowUpAction(opinion=opinion, description=f"A{i}") for i in range(49)
        )
        with django_assert_max_num_queries(len(one.captured_queries)):
            owner_client.get(url)


@pytest.mark.django_db
class TestFollowUpActions:
    def add_url(self, case, opinion):
        return reverse("outcome_action_add", kwargs={"case_id": case.pk, "opinion_id": opinion.pk})

    def test_editor_adds_marks_done_and_removes_an_action(self, caregiver_client, maria):
        opinion = maria.current_opinion()
        response = caregiver_client.post(
            self.add_url(maria, opinion),
            {"action-description": "Book the radiation consult", "action-due_on": "2026-12-01"},
        )
        assert response.status_code == 302
        action = opinion.actions.get()
        assert action.due_on == dt.date(2026, 12, 1)
        done = reverse("outcome_action_done", kwargs={"case_id": maria.pk, "action_id": action.pk})
        caregiver_client.post(done, {"done": "yes"})
        action.refresh_from_db()
        assert action.done
        remove = reverse(
            "outcome_action_remove", kwargs={"case_id": maria.pk, "action_id": action.pk}
        )
        caregiver_client.post(remove)
        assert not opinion.actions.exists()

    def test_htmx_add_returns_the_section_and_announces_it(self, owner_client, maria):
        opinion = maria.current_opinion()
        response = owner_client.post(
            self.add_url(maria, opinion),
            {"action-description": "Tell Dr. Okafor"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        assert "Follow-up action added." in response["HX-Trigger"]
        assert b'id="follow-up-actions"' in response.content
        assert b"<html" not in response.content
        assert b"Tell Dr. Okafor" in response.content

    @pytest.mark.parametrize("htmx", [False, True])
    def test_an_action_without_a_description_is_explained(self, owner_client, maria, htmx):
        opinion = maria.current_opinion()
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        response = owner_client.post(
            self.add_url(maria, opinion), {"action-due_on": "soon"}, **headers
        )
        assert response.status_code == 200
        assert response.content.count(b"Enter what needs to be done") == 2
        assert response.content.count(b"Enter a real date") == 2
        assert not opinion.actions.exists()

    def test_an_action_of_another_case_is_not_found(self, owner_client, owner, maria):
        from tests.factories import make_case

        other = make_case(owner).current_opinion()
        action = FollowUpAction.objects.create(opinion=other, description="X")
        url = reverse("outcome_action_done", kwargs={"case_id": maria.pk, "action_id": action.pk})
        assert owner_client.post(url).status_code == 404

    def test_viewer_cannot_change_actions(self, viewer_client, maria):
        opinion = maria.current_opinion()
        response = viewer_client.post(self.add_url(maria, opinion), {"action-description": "X"})
        assert response.status_code == 403
        assert not opinion.actions.exists()


@pytest.mark.django_db
class TestDecide:
    @pytest.mark.parametrize("result", Result.values)
    @pytest.mark.parametrize("decision", Decision.values)
    def test_every_result_and_decision(self, owner_client, maria, result, decision):
        opinion = record_outcome(maria.current_opinion(), result)
        form = owner_client.get(decide_url(maria, opinion)).context["form"]
        response = owner_client.post(
            decide_url(maria, opinion),
            {
                "version": form.initial["version"],
                "decision": decision,
                "decision_reason": "We talked it through as a family.",
                "decided_on": TODAY.isoformat(),
            },
        )
        assert response.status_code == 302
        assert response["Location"] == maria.get_absolute_url()
        opinion.refresh_from_db()
        assert (opinion.decision, opinion.stage) == (decision, Stage.DECIDED)
        current = maria.current_opinion()
        if decision == Decision.THIRD:
            assert current.number == 3
            assert current.stage == Stage.SEEKING
        else:
            assert current == opinion
        page = owner_client.get(maria.get_absolute_url()).content.decode()
        assert str(current.stage.label) in page

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("decision", "", "Select what you will do next"),
            ("decision", "shrug", "Select a valid choice"),
            ("decided_on", "", "Enter the date you decided"),
            ("decided_on", TOMORROW.isoformat(), "The date you decided must be today or in"),
            ("decided_on", "31/31/2026", "Enter a real date"),
        ],
    )
    def test_bad_decision_input_is_explained(self, owner_client, maria, field, value, message):
        opinion = record_outcome(maria.current_opinion())
        form = owner_client.get(decide_url(maria, opinion)).context["form"]
        data = {
            "version": form.initial["version"],
            "decision": Decision.SWITCH,
            "decision_reason": "Less invasive.",
            "decided_on": TODAY.isoformat(),
            field: value,
        }
        response = owner_client.post(decide_url(maria, opinion), data)
        assert response.status_code == 200
        assert response.content.decode().count(message) >= 2
        assert b"Less invasive." in response.content
        opinion.refresh_from_db()
        assert opinion.decision == ""

    def test_deciding_before_the_outcome_is_recorded_leads_there(self, owner_client, maria):
        opinion = maria.current_opinion()
        response = owner_client.get(decide_url(maria, opinion))
        assert response["Location"] == outcome_url(maria, opinion)

    def test_viewer_cannot_decide(self, viewer_client, maria):
        opinion = record_outcome(maria.current_opinion())
        response = viewer_client.post(decide_url(maria, opinion), {"decision": "switch"})
        assert response.status_code == 403
        opinion.refresh_from_db()
        assert opinion.decision == ""

    def test_deciding_twice_starts_only_one_further_opinion(self, owner_client, maria):
        opinion = record_outcome(maria.current_opinion(), Result.DISAGREEMENT)
        form = owner_client.get(decide_url(maria, opinion)).context["form"]
        data = {
            "version": form.initial["version"],
            "decision": Decision.THIRD,
            "decided_on": TODAY.isoformat(),
        }
        assert owner_client.post(decide_url(maria, opinion), data).status_code == 302
        again = owner_client.post(decide_url(maria, opinion), {**data, "decision": "switch"})
        assert again.status_code == 200
        assert b"can no longer be changed" in again.content
        assert maria.opinions.count() == 2
        opinion.refresh_from_db()
        assert opinion.decision == Decision.THIRD


@pytest.mark.django_db
class TestCasePanel:
    def test_the_panel_follows_the_stage(self, owner_client, viewer_client, maria):
        opinion = maria.current_opinion()
        page = owner_client.get(maria.get_absolute_url()).content.decode()
        assert "Appointment booked" in page
        assert "Record what the specialist said" in page
        record_outcome(opinion)
        page = owner_client.get(maria.get_absolute_url()).content.decode()
        assert "Opinion received" in page
        assert "Decide what to do next" in page
        viewer_page = viewer_client.get(maria.get_absolute_url()).content.decode()
        assert "Compare the opinions side by side" in viewer_page
        assert "Decide what to do next" not in viewer_page

    @pytest.mark.parametrize(
        ("fields", "stage"),
        [
            ({}, Stage.SEEKING),
            ({"appointment_at": timezone.now()}, Stage.BOOKED),
            ({"appointment_at": timezone.now(), "result": "confirmation"}, Stage.RECEIVED),
            ({"result": "disagreement", "decision": "return"}, Stage.DECIDED),
        ],
    )
    def test_stage_follows_the_work(self, owner_client, case, fields, stage):
        opinion = case.current_opinion()
        for name, value in fields.items():
            setattr(opinion, name, value)
        opinion.save()
        assert opinion.stage == stage
        assert str(stage.label) in owner_client.get(case.get_absolute_url()).content.decode()


@pytest.mark.django_db
class TestDecisionSummary:
    def summary_url(self, case):
        return reverse("decision_summary", kwargs={"case_id": case.pk})

    def decided(self, maria) -> Opinion:
        opinion = record_outcome(
            maria.current_opinion(),
            decision=Decision.SWITCH,
            decision_reason="A less invasive path with the same outcomes.",
            decided_on=dt.date(2026, 1, 25),
        )
        FollowUpAction.objects.create(
            opinion=opinion, description="Book the radiation consult", due_on=dt.date(2026, 2, 2)
        )
        return opinion

    def test_viewer_downloads_a_one_page_tagged_pdf(self, viewer_client, maria):
        from pypdf import PdfReader

        self.decided(maria)
        response = viewer_client.get(self.summary_url(maria))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert (
            response["Content-Disposition"]
            == 'attachment; filename="decision-summary-2026-01-25.pdf"'
        )
        reader = PdfReader(io.BytesIO(response.content))
        assert len(reader.pages) == 1
        text = " ".join(reader.pages[0].extract_text().split())
        for expected in [
            "Maria Lopez",
            "Switch to this provider",
            "A less invasive path with the same outcomes.",
            "25 January 2026",
            "Immediate surgery (mastectomy)",
            "Lumpectomy followed by radiation",
            "Differs from the original",
            "Book the radiation consult",
        ]:
            assert expected in text, expected
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root
        assert root["/MarkInfo"]["/Marked"]
        assert root["/Lang"] == "en"
        assert reader.metadata.title == "Decision summary for Maria Lopez"
        # Letter, and the paper by region, are checked in tests/test_pdf_structure.py.
        width, height = (float(v) for v in reader.pages[0].mediabox[2:])
        assert (round(width), round(height)) == (595, 842)

    def test_a_summary_before_any_decision_says_so(self, owner_client, maria):
        from pypdf import PdfReader

        response = owner_client.get(self.summary_url(maria))
        text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
        assert "No decision has been recorded yet" in " ".join(text.split())
        assert f"decision-summary-{TODAY.isoformat()}.pdf" in response["Content-Disposition"]


def test_record_status_names_used_by_the_copy_rules_exist():
    assert {RecordStatus.RECEIVED, RecordStatus.SENT} <= set(RecordStatus)


@pytest.mark.django_db
def test_deciding_with_csrf_enforced_starts_the_third_opinion(csrf_client, caregiver, maria):
    client = csrf_client(caregiver)
    opinion = record_outcome(maria.current_opinion(), Result.DISAGREEMENT)
    page = client.get(decide_url(maria, opinion))
    data = {
        "csrfmiddlewaretoken": page.cookies[settings.CSRF_COOKIE_NAME].value,
        "version": page.context["form"].initial["version"],
        "decision": Decision.THIRD,
        "decision_reason": "They disagree.",
        "decided_on": TODAY.isoformat(),
    }
    assert client.post(decide_url(maria, opinion), data).status_code == 302
    assert maria.current_opinion().number == 3
    without_token = {k: v for k, v in data.items() if k != "csrfmiddlewaretoken"}
    third = maria.current_opinion()
    assert client.post(outcome_url(maria, third), without_token).status_code == 403


@pytest.mark.django_db
def test_a_stale_decision_is_refused_and_starts_nothing(owner_client, caregiver_client, maria):
    opinion = record_outcome(maria.current_opinion(), Result.DISAGREEMENT)
    stale = owner_client.get(decide_url(maria, opinion)).context["form"].initial["version"]
    newer = caregiver_client.get(decide_url(maria, opinion)).context["form"].initial["version"]
    base = {"decided_on": TODAY.isoformat(), "decision_reason": ""}
    caregiver_client.post(
        decide_url(maria, opinion), {**base, "version": newer, "decision": Decision.RETURN}
    )
    response = owner_client.post(
        decide_url(maria, opinion), {**base, "version": stale, "decision": Decision.THIRD}
    )
    assert response.status_code == 200
    assert b"Someone else changed this" in response.content
    assert maria.opinions.count() == 1
    opinion.refresh_from_db()
    assert opinion.decision == Decision.RETURN


def test_the_outcome_date_starts_as_a_past_appointment_day(owner_client, maria):
    opinion = maria.current_opinion()
    form = owner_client.get(outcome_url(maria, opinion)).context["form"]
    assert form.initial["outcome_on"] == timezone.localtime(opinion.appointment_at).date()


def test_the_outcome_form_does_not_offer_a_future_appointment_day_it_would_refuse(
    owner_client, maria
):
    opinion = maria.current_opinion()
    opinion.appointment_at = timezone.now() + dt.timedelta(days=3)
    opinion.save(update_fields=["appointment_at"])
    response = owner_client.get(outcome_url(maria, opinion))
    assert not response.context["form"].initial.get("outcome_on")
    assert (TODAY + dt.timedelta(days=3)).isoformat() not in response.content.decode()
