"""Every list of a case has a limit (cases/limits.py): a full list says so instead of
offering its add form, the add is refused at the field, and the service refuses it too,
even when two people add the last item at once.
"""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from cases import limits
from cases.models import (
    Case,
    FollowUpAction,
    InsuranceCall,
    Invitation,
    Medication,
    Membership,
    Question,
    RecordItem,
    Role,
)
from cases.services import sharing
from cases.services.lists import append_within, save_within
from cases.services.opinions import start_next_opinion
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_at_most(settings):
    settings.CASE_LIMITS = dict.fromkeys(limits.DEFAULTS, 2)


def _fill(case: Case, name: str, count: int = 2) -> None:
    opinion = case.current_opinion()
    for i in range(count):
        if name == "records":
            opinion.records.create(name=f"Record {i}", position=i)
        elif name == "medications":
            case.medications.create(name=f"Medicine {i}", position=i)
        elif name == "questions":
            opinion.questions.create(text=f"Question {i}?", position=i)
        elif name == "calls":
            opinion.calls.create(called_on=dt.date(2026, 1, 1 + i))
        elif name == "actions":
            opinion.actions.create(description=f"Action {i}")


LIST_ADDS = {
    # list: (page URL name, add URL name, POST data, field the message is at)
    "records": ("records", "record_add", {"name": "Scans"}, "name"),
    "medications": ("medications", "medication_add", {"name": "Aspirin"}, "name"),
    "questions": ("questions", "question_add", {"text": "Why now?"}, "text"),
    "calls": ("step_insurance", "call_add", {"call-called_on": "2026-02-01"}, "call-called_on"),
}


@pytest.mark.parametrize("name", LIST_ADDS)
def test_a_full_list_says_so_instead_of_offering_its_add_form(
    two_at_most, owner_client, case, name
):
    page_name, add_name, data, field = LIST_ADDS[name]
    _fill(case, name)
    page = owner_client.get(reverse(page_name, args=[case.pk])).content.decode()
    assert limits.full_message(name) in page
    add = reverse(add_name, args=[case.pk])
    assert f'action="{add}"' not in page and f'action="{add}#' not in page


@pytest.mark.parametrize("name", LIST_ADDS)
@pytest.mark.parametrize("htmx", [False, True])
def test_adding_to_a_full_list_is_refused_at_the_field(two_at_most, owner_client, case, name, htmx):
    page_name, add_name, data, field = LIST_ADDS[name]
    _fill(case, name)
    before = _count(case, name)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = owner_client.post(reverse(add_name, args=[case.pk]), data, **headers)
    assert response.status_code == 200
    body = response.content.decode()
    error = re.search(rf'id="[^"]*{re.escape(field.split("-")[-1])}_error">(.*?)</p>', body, re.S)
    assert error and limits.full_message(name) in error.group(1), body
    assert _count(case, name) == before


def _count(case: Case, name: str) -> int:
    owner = case if name == "medications" else case.current_opinion()
    return getattr(owner, name).count()


def test_a_full_list_of_follow_up_actions_is_refused_at_the_field(two_at_most, owner_client, case):
    _fill(case, "actions")
    opinion = case.current_opinion()
    url = reverse("opinion_outcome", args=[case.pk, opinion.pk])
    assert limits.full_message("actions") in owner_client.get(url).content.decode()
    add = reverse("outcome_action_add", args=[case.pk, opinion.pk])
    response = owner_client.post(add, {"action-description": "Book the scan"})
    body = response.content.decode()
    assert response.status_code == 200
    error = re.search(r'id="id_action-description_error">(.*?)</p>', body, re.S)
    assert error and limits.full_message("actions") in error.group(1)
    assert opinion.actions.count() == 2


def test_a_question_suggested_with_one_click_counts_too(two_at_most, owner_client, case):
    _fill(case, "questions")
    response = owner_client.post(
        reverse("question_add", args=[case.pk]), {"text": "Do you agree with the diagnosis?"}
    )
    assert limits.full_message("questions") in response.content.decode()
    assert case.current_opinion().questions.count() == 2


@pytest.mark.parametrize("name", ["records", "questions", "medications", "calls", "actions"])
def test_the_service_refuses_the_item_past_the_limit(two_at_most, case, name):
    _fill(case, name)
    opinion = case.current_opinion()
    new = {
        "records": RecordItem(opinion=opinion, name="One more"),
        "questions": Question(opinion=opinion, text="One more?"),
        "medications": Medication(case=case, name="One more"),
        "calls": InsuranceCall(opinion=opinion, called_on=dt.date(2026, 3, 1)),
        "actions": FollowUpAction(opinion=opinion, description="One more"),
    }[name]
    siblings = getattr(case if name == "medications" else opinion, name).all()
    before = siblings.count()
    with pytest.raises(limits.ListFull, match="the most it can hold"):
        if name in ("calls", "actions"):
            save_within(new, siblings, case_id=case.pk, limit=name)
        else:
            append_within(new, siblings, case_id=case.pk, limit=name)
    assert _count(case, name) == before


def test_pending_invitations_are_limited(two_at_most, owner, owner_client):
    case = make_case(owner)
    for email in ("a@example.org", "b@example.org"):
        Invitation.objects.create(case=case, email=email, role=Role.VIEWER, invited_by=owner)
    url = reverse("case_invite", args=[case.pk])
    assert limits.full_message("invitations") in owner_client.get(url).content.decode()
    response = owner_client.post(url, {"email": "c@example.org", "role": Role.VIEWER})
    body = response.content.decode()
    error = re.search(r'id="id_email_error">(.*?)</p>', body, re.S)
    assert error and limits.full_message("invitations") in error.group(1)
    assert Invitation.objects.filter(case=case).count() == 2


def test_people_with_access_are_limited_when_inviting_and_accepting(two_at_most, rf, owner):
    case = make_case(owner)  # the owner is one of the two
    request = rf.post("/")
    request.user = owner
    invitation = sharing.invite(request, case, email="ann@example.org", role=Role.VIEWER)
    with pytest.raises(limits.ListFull):
        sharing.invite(request, case, email="bob2@example.org", role=Role.VIEWER)
    # Someone else joined meanwhile by another way: the pending invitation cannot add a third.
    Membership.objects.create(case=case, user=make_user("carl@example.org"), role=Role.VIEWER)
    ann = make_user("ann@example.org")
    with pytest.raises(limits.ListFull):
        sharing.accept(invitation, ann)
    assert not Membership.objects.filter(case=case, user=ann).exists()


def test_accepting_into_a_full_case_says_so_in_plain_words(two_at_most, owner, stranger):
    case = make_case(owner)
    Membership.objects.create(case=case, user=make_user("carl@example.org"), role=Role.VIEWER)
    invitation = Invitation.objects.create(
        case=case, email=stranger.email, role=Role.VIEWER, invited_by=owner
    )
    client = Client()
    client.force_login(stranger)
    token = sharing.invitation_token(invitation)
    response = client.post(reverse("invitation_accept", args=[token]))
    assert response.status_code == 409
    assert "This case cannot take anyone else" in response.content.decode()


def test_another_opinion_past_the_limit_is_refused_at_the_decision(
    two_at_most, owner, owner_client
):
    case = make_case(owner)
    second = case.current_opinion()
    second.result = "disagreement"
    second.save()
    start_next_opinion(second)  # the third: two opinions, the limit
    third = case.current_opinion()
    third.result = "disagreement"
    third.save()
    url = reverse("opinion_decide", args=[case.pk, third.pk])
    page = owner_client.get(url)
    data = {"decision": "third", "decision_reason": "Still unsure", "decided_on": "2026-01-05"}
    data["version"] = page.context["form"].initial["version"]
    response = owner_client.post(url, data)
    assert response.status_code == 200
    error = re.search(r'id="id_decision_error">(.*?)</p>', response.content.decode(), re.S)
    assert error and limits.full_message("opinions") in error.group(1)
    third.refresh_from_db()
    assert (case.opinions.count(), third.decision) == (2, "")


def test_another_opinion_copies_records_and_questions_within_the_limits(settings, owner):
    case = make_case(owner)
    second = case.current_opinion()
    _fill(case, "records", 4)
    _fill(case, "questions", 4)
    settings.CASE_LIMITS = {"records": 3, "questions": 2}
    third = start_next_opinion(second)
    assert (third.records.count(), third.questions.count()) == (3, 2)


@pytest.mark.django_db(transaction=True)
def test_two_people_adding_the_last_item_at_once_cannot_both_succeed(settings, owner):
    """The count is taken under the case's lock: one of the two is refused."""
    settings.CASE_LIMITS = {"questions": 1}
    case = make_case(owner)
    opinion = case.current_opinion()
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def add(text_: str) -> None:
        try:
            start.wait()
            append_within(
                Question(opinion=opinion, text=text_),
                Question.objects.filter(opinion=opinion),
                case_id=case.pk,
                limit="questions",
            )
            outcomes.append("added")
        except limits.ListFull:
            outcomes.append("full")
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(f"Question {i}?",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["added", "full"]
    assert Question.objects.filter(opinion=opinion).count() == 1


def test_attached_documents_are_limited_per_case(two_at_most, owner_client, case):
    from tests.files_support import pdf_bytes, upload
    from tests.test_files import attach, first_record

    record = first_record(case)
    attach(owner_client, case, record, upload("a.pdf", pdf_bytes()))
    attach(owner_client, case, record, upload("b.pdf", pdf_bytes()))
    response = attach(owner_client, case, record, upload("c.pdf", pdf_bytes()))
    assert limits.full_message("files") in response.content.decode()
    assert record.files.count() == 2
