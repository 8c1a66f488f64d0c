"""Recording what a specialist said, and follow-up actions.

Deciding and the decision summary are in tests/test_decisions.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import FollowUpAction, Question, Result
from cases.models.items import RecordStatus
from cases.models.opinion import Stage
from tests.outcomes_support import TODAY, TOMORROW, maria_case, outcome_data, outcome_url


@pytest.fixture
def maria(case):
    return maria_case(case)


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


def test_record_status_names_used_by_the_copy_rules_exist():
    assert {RecordStatus.RECEIVED, RecordStatus.SENT} <= set(RecordStatus)


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
