"""Questions for the doctor: priority order, suggestions, answers."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cases.models import Opinion, Question
from cases.services.lists import SUGGESTED_QUESTIONS
from tests.factories import make_case
from tests.lists_support import HTMX, announced, is_partial, post_with_token

pytestmark = pytest.mark.django_db


def url(name: str, case, question=None) -> str:
    kwargs = {"case_id": case.pk}
    if question is not None:
        kwargs["item_id"] = question.pk
    return reverse(name, kwargs=kwargs)


def add_questions(case, *texts: str) -> list[Question]:
    opinion = case.current_opinion()
    return [
        Question.objects.create(opinion=opinion, text=t, position=i) for i, t in enumerate(texts)
    ]


def order(case) -> list[str]:
    return list(case.current_opinion().questions.values_list("text", flat=True))


class TestPage:
    def test_owner_sees_questions_in_order_and_the_suggestions(self, owner_client, case):
        add_questions(case, "Is surgery the only option?", "How urgent is it?")
        html = owner_client.get(url("questions", case)).content.decode()
        assert "<h1>Questions for the doctor</h1>" in html
        assert html.index("Is surgery the only option?") < html.index("How urgent is it?")
        # A suggestion already on the list is not offered again.
        assert 'value="How urgent is it?"' not in html
        assert 'value="Do you agree with the diagnosis?"' in html
        assert html.count('name="text" value=') == len(SUGGESTED_QUESTIONS) - 1

    def test_viewer_reads_without_controls_or_suggestions(self, viewer_client, case):
        add_questions(case, "How urgent is it?")
        html = viewer_client.get(url("questions", case)).content.decode()
        assert "How urgent is it?" in html
        assert "Add question" not in html and "Move up" not in html
        assert "Do you agree with the diagnosis?" not in html

    def test_only_the_current_opinions_questions_are_listed(self, owner_client, case):
        add_questions(case, "Asked of the second doctor")
        Opinion.objects.create(case=case, number=3)
        html = owner_client.get(url("questions", case)).content.decode()
        assert "Asked of the second doctor" not in html

    @pytest.mark.parametrize("count", [1, 50])
    def test_query_count_does_not_grow_with_the_list(
        self, owner_client, case, count, django_assert_max_num_queries
    ):
        add_questions(case, *[f"Question {i}?" for i in range(count)])
        with django_assert_max_num_queries(5):
            response = owner_client.get(url("questions", case))
        assert response.content.decode().count('class="item"') == count


class TestAdd:
    def test_caregiver_adds_a_question_at_the_end(self, caregiver_client, case):
        add_questions(case, "How urgent is it?")
        response = caregiver_client.post(url("question_add", case), {"text": "  Can I  wait? "})
        assert response.status_code == 302
        assert order(case) == ["How urgent is it?", "Can I wait?"]

    def test_adding_a_suggestion_hides_it(self, owner_client, case):
        response = owner_client.post(
            url("question_add", case), {"text": "What will it cost?"}, **HTMX
        )
        assert is_partial(response)
        assert announced(response) == "Added ‘What will it cost?’"
        assert b'<h3 class="item__title" data-focus>What will it cost?</h3>' in response.content
        assert b'value="What will it cost?"' not in response.content

    def test_empty_question_is_explained(self, owner_client, case):
        response = owner_client.post(url("question_add", case), {"text": "   "})
        assert response.status_code == 200
        assert b"There is a problem" in response.content
        assert b"Enter your question" in response.content
        assert order(case) == []

    def test_the_pages_csrf_token_lets_the_add_through(self, csrf_client, caregiver, case):
        client = csrf_client(caregiver)
        response = post_with_token(
            client, url("questions", case), url("question_add", case), {"text": "Why?"}
        )
        assert response.status_code == 302
        assert order(case) == ["Why?"]


class TestMove:
    def test_move_down_from_the_top_and_up_from_the_bottom(self, owner_client, case):
        a, b, c = add_questions(case, "A?", "B?", "C?")
        owner_client.post(url("question_move", case, a), {"direction": "down"})
        assert order(case) == ["B?", "A?", "C?"]
        owner_client.post(url("question_move", case, c), {"direction": "up"})
        assert order(case) == ["B?", "C?", "A?"]

    def test_nothing_moves_past_the_ends(self, owner_client, case):
        a, b = add_questions(case, "A?", "B?")
        response = owner_client.post(url("question_move", case, b), {"direction": "down"}, **HTMX)
        assert announced(response) == "‘B?’ is already at the bottom"
        assert order(case) == ["A?", "B?"]

    def test_htmx_move_announces_and_focuses_the_moved_button(self, caregiver_client, case):
        add_questions(case, "What will it cost?", "How urgent is it?", "What happens next?")
        urgent = case.current_opinion().questions.get(text="How urgent is it?")
        response = caregiver_client.post(
            url("question_move", case, urgent), {"direction": "up"}, **HTMX
        )
        assert announced(response) == "Moved ‘How urgent is it?’ up"
        assert order(case)[0] == "How urgent is it?"
        focused = re.findall(
            rb"<button[^>]*data-focus>([^<]*)<span[^>]*>([^<]*)<", response.content
        )
        assert focused == [(b"Move down", " ‘How urgent is it?’".encode())]

    def test_question_of_another_case_is_404(self, owner_client, owner, case):
        other = make_case(owner, patient_name="Someone else")
        (foreign,) = add_questions(other, "Secret?")
        response = owner_client.post(
            reverse("question_move", kwargs={"case_id": case.pk, "item_id": foreign.pk}),
            {"direction": "up"},
        )
        assert response.status_code == 404


class TestAnswer:
    def _data(self, q, version, **changes) -> dict:
        data = {"text": q.text, "answer": q.answer, "version": version, **changes}
        return {f"question-{q.pk}-{k}": v for k, v in data.items()}

    def test_note_an_answer_later(self, owner_client, case):
        (q,) = add_questions(case, "How urgent is it?")
        edit = url("question_edit", case, q)
        form = owner_client.get(edit, **HTMX)
        assert is_partial(form)
        version = form.context["edit_form"].initial["version"]
        response = owner_client.post(edit, self._data(q, version, answer="Within six weeks."))
        assert response.status_code == 302
        q.refresh_from_db()
        assert q.answer == "Within six weeks."
        assert b"Within six weeks." in owner_client.get(url("questions", case)).content

    def test_stale_answer_is_a_conflict(self, owner_client, caregiver_client, case):
        (q,) = add_questions(case, "How urgent is it?")
        edit = url("question_edit", case, q)
        version = owner_client.get(edit).context["edit_form"].initial["version"]
        caregiver_client.post(edit, self._data(q, version, answer="Bob: soon"))
        response = owner_client.post(edit, self._data(q, version, answer="Alice: weeks"), **HTMX)
        assert response.status_code == 200
        assert b"Someone else changed this" in response.content
        assert b"Bob: soon" in response.content and b"Alice: weeks" in response.content
        q.refresh_from_db()
        assert q.answer == "Bob: soon"

    def test_viewer_cannot_edit(self, viewer_client, case):
        (q,) = add_questions(case, "How urgent is it?")
        assert viewer_client.get(url("question_edit", case, q)).status_code == 403


class TestRemove:
    def test_confirm_then_remove_and_the_suggestion_returns(self, owner_client, case):
        (q,) = add_questions(case, "How urgent is it?")
        confirm = owner_client.get(url("question_remove", case, q))
        assert "Are you sure you want to remove ‘How urgent is it?’" in confirm.content.decode()
        response = owner_client.post(url("question_remove", case, q), **HTMX)
        assert announced(response) == "Removed ‘How urgent is it?’"
        assert b'id="question-list-heading" data-focus' in response.content
        assert b'value="How urgent is it?"' in response.content
        assert order(case) == []
