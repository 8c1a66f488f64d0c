"""Questions for the doctor of the current opinion, in priority order, with answers.

Same shape as the records page: one template for every state of the list, the whole
page for plain requests (post/redirect/get), the ``question-list`` partial for htmx.
A suggested question is added through the same form as a typed one.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases.access import Need, get_case, get_in_case
from cases.forms.lists import QuestionAddForm, QuestionEditForm
from cases.htmx import page_or_partial, saved
from cases.models import Case, Opinion, Question
from cases.services.lists import move, next_position, unused_suggestions
from cases.views.listing import focus_after_cancel, mark_items
from cases.views.removed import typed_again

TEMPLATE = "cases/questions/questions.html"
PARTIAL = "question-list"


def _page(
    request: HttpRequest,
    case: Case,
    opinion: Opinion,
    *,
    focus: tuple[int, str] | None = None,
    editing: Question | None = None,
    edit_form: QuestionEditForm | None = None,
    removing: Question | None = None,
    add_form: QuestionAddForm | None = None,
    failed_form: Form | None = None,
) -> dict[str, Any]:
    """Everything the page and its partial need; ``focus`` is (question id, what to focus)."""
    questions = list(opinion.questions.all())
    mark_items(questions, focus=focus, editing=editing, removing=removing)
    return {
        "case": case,
        "opinion": opinion,
        "questions": questions,
        "suggestions": unused_suggestions([q.text for q in questions]),
        "can_edit": case.membership.can_edit,
        "add_form": add_form or QuestionAddForm(),
        "edit_form": edit_form,
        "form": failed_form,
        "focus_heading": focus is not None and focus[1] == "heading",
    }


def _list_url(case: Case, question: Question | None = None) -> str:
    url = reverse("questions", kwargs={"case_id": case.pk})
    return f"{url}#question-{question.pk}" if question else url


def _saved(request, case, opinion, message: str, question=None, **page) -> HttpResponse:
    return saved(
        request,
        message=message,
        redirect_to=_list_url(case, question),
        template=TEMPLATE,
        partial=PARTIAL,
        context=_page(request, case, opinion, **page),
    )


def _get_question(case: Case, opinion: Opinion, question_id: int) -> Question:
    # Only the current opinion's questions are on this page; earlier ones are history.
    return get_in_case(case, opinion.questions.all(), question_id)


@require_safe
def question_list(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case(request, case_id)
    opinion = case.current_opinion()
    focus = focus_after_cancel(request)
    return page_or_partial(request, TEMPLATE, PARTIAL, _page(request, case, opinion, focus=focus))


@require_POST
def question_add(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case(request, case_id, Need.EDIT)
    opinion = case.current_opinion()
    form = QuestionAddForm(request.POST)
    if not form.is_valid():
        context = _page(request, case, opinion, add_form=form, failed_form=form)
        return page_or_partial(request, TEMPLATE, PARTIAL, context)
    question = form.save(commit=False)
    question.opinion = opinion
    question.position = next_position(opinion.questions.all())
    question.save()
    return _saved(
        request,
        case,
        opinion,
        f"Added ‘{question.text}’",
        question,
        focus=(question.pk, "text"),
    )


@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, case_id: uuid.UUID, question_id: int) -> HttpResponse:
    case = get_case(request, case_id, Need.EDIT)
    opinion = case.current_opinion()
    try:
        question = _get_question(case, opinion, question_id)
    except Http404:
        again = typed_again(
            request, case, Question, question_id, QuestionAddForm, f"question-{question_id}"
        )
        context = _page(request, case, opinion, add_form=again, failed_form=again)
        return page_or_partial(request, TEMPLATE, PARTIAL, context)
    form = QuestionEditForm(
        request.POST or None, instance=question, prefix=f"question-{question.pk}"
    )
    form.fields["text"].widget.attrs["data-focus"] = True
    if request.method == "POST" and form.is_valid() and form.save_guarded():
        return _saved(
            request,
            case,
            opinion,
            f"Saved ‘{question.text}’",
            question,
            focus=(question.pk, "edit"),
        )
    context = _page(
        request,
        case,
        opinion,
        editing=question,
        edit_form=form,
        failed_form=form if form.errors else None,
    )
    return page_or_partial(request, TEMPLATE, PARTIAL, context)


@require_POST
def question_move(request: HttpRequest, case_id: uuid.UUID, question_id: int) -> HttpResponse:
    case = get_case(request, case_id, Need.EDIT)
    opinion = case.current_opinion()
    question = _get_question(case, opinion, question_id)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponseBadRequest("Choose “Move up” or “Move down”.")
    if move(question, opinion.questions.all(), direction):
        message = f"Moved ‘{question.text}’ {direction}"
    else:
        end = "top" if direction == "up" else "bottom"
        message = f"‘{question.text}’ is already at the {end}"
    return _saved(
        request, case, opinion, message, question, focus=(question.pk, f"move-{direction}")
    )


@require_http_methods(["GET", "POST"])
def question_remove(request: HttpRequest, case_id: uuid.UUID, question_id: int) -> HttpResponse:
    case = get_case(request, case_id, Need.EDIT)
    opinion = case.current_opinion()
    question = _get_question(case, opinion, question_id)
    if request.method == "POST":
        text = question.text
        question.delete()
        return _saved(request, case, opinion, f"Removed ‘{text}’", focus=(0, "heading"))
    context = _page(request, case, opinion, removing=question)
    return page_or_partial(request, TEMPLATE, PARTIAL, context)
