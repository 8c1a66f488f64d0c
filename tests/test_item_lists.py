"""The list specifications (cases/item_lists.py): what each list screen gets from them,
and the hooks a list uses to differ (a record's status, a list's limit)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import NoReverseMatch, reverse

from cases.item_lists import LISTS
from cases.models.items import RecordStatus
from cases.services.lists import StatusChangedMeanwhile, change_record_status
from tests.lists_support import HTMX

pytestmark = pytest.mark.django_db


def test_every_list_gets_its_urls_from_its_specification(case):
    item = case.current_opinion().records.first()
    for spec in LISTS.values():
        assert reverse(spec.key, args=[case.pk]) == f"/cases/{case.pk}/{spec.key}/"
        for verb in ("edit", "remove"):
            url = reverse(f"{spec.item}_{verb}", args=[case.pk, item.pk])
            assert url == f"/cases/{case.pk}/{spec.key}/{item.pk}/{verb}/"
    assert reverse("record_status", args=[case.pk, item.pk]).endswith("/status/")
    # The checklist is not in an order of the person's own: it has no "move".
    with pytest.raises(NoReverseMatch):
        reverse("record_move", args=[case.pk, item.pk])


class TestRecordStatusService:
    def test_a_status_someone_else_changed_meanwhile_is_refused_and_nothing_saved(self, case):
        record = case.current_opinion().records.first()
        change_record_status(record, RecordStatus.RECEIVED, was=RecordStatus.NEEDED)
        with pytest.raises(StatusChangedMeanwhile, match="Someone else marked this ‘received’"):
            change_record_status(record, RecordStatus.REQUESTED, was=RecordStatus.NEEDED)
        record.refresh_from_db()
        assert (record.status, record.requested_on) == (RecordStatus.RECEIVED, None)

    def test_without_what_was_seen_the_change_is_made(self, case):
        record = case.current_opinion().records.first()
        saved = change_record_status(record, RecordStatus.SENT)
        record.refresh_from_db()
        assert record.status == saved.status == RecordStatus.SENT
        assert record.sent_on is not None


class TestLimit:
    @pytest.fixture
    def two_at_most(self, settings):
        settings.CASE_LIMITS = {"questions": 2}

    def test_a_full_list_offers_no_add_form_and_says_why(self, two_at_most, owner_client, case):
        case.current_opinion().questions.create(text="Why?")
        page = owner_client.get(reverse("questions", args=[case.pk])).content.decode()
        assert "Add question" in page and "Questions other patients ask" in page
        case.current_opinion().questions.create(text="When?")
        page = owner_client.get(reverse("questions", args=[case.pk])).content.decode()
        assert "This case has 2 questions, the most it can hold." in page
        assert "Add question" not in page and "Questions other patients ask" not in page

    def test_adding_to_a_full_list_is_refused(self, two_at_most, owner_client, case):
        opinion = case.current_opinion()
        opinion.questions.create(text="Why?")
        opinion.questions.create(text="When?")
        response = owner_client.post(
            reverse("question_add", args=[case.pk]), {"text": "How urgent is it?"}, **HTMX
        )
        assert response.status_code == 200
        assert b"data-error-summary" in response.content
        assert b"This case has 2 questions, the most it can hold." in response.content
        assert opinion.questions.count() == 2


# Every list asks before removing, the same way: in place, on the whole page without
# JavaScript, and "No, keep it" brings focus back to the item's controls.
def _call(case):
    return case.current_opinion().calls.create(called_on=dt.date(2026, 11, 3), reference="R-1")


REMOVABLE = {
    "records": (
        lambda case: case.current_opinion().records.get(name="Lab results"),
        "record_remove",
        "item_id",
        "‘Lab results’ from the checklist",
        "Edit",
    ),
    "medications": (
        lambda case: case.medications.create(name="Tamoxifen"),
        "medication_remove",
        "item_id",
        "‘Tamoxifen’ from the list",
        "Edit",
    ),
    "questions": (
        lambda case: case.current_opinion().questions.create(text="Why?"),
        "question_remove",
        "item_id",
        "‘Why?’ from your questions",
        "Edit or note the answer",
    ),
    "calls": (_call, "call_delete", "call_id", "the call on 3 November 2026 from the log", ""),
    "actions": (
        lambda case: case.current_opinion().actions.create(description="Book the MRI"),
        "outcome_action_remove",
        "action_id",
        "‘Book the MRI’ from the things to do",
        "",
    ),
}


@pytest.mark.parametrize("kind", sorted(REMOVABLE))
def test_removing_asks_first_the_same_way_on_every_list(kind, caregiver_client, case):
    make, name, kwarg, what, edit = REMOVABLE[kind]
    item = make(case)
    url = reverse(name, kwargs={"case_id": case.pk, kwarg: item.pk})
    question = f'<p class="item__confirm" data-focus>Are you sure you want to remove {what}?</p>'

    page = caregiver_client.get(url)  # without JavaScript: the whole page, asking
    assert b"<html" in page.content and question in page.content.decode()
    partial = caregiver_client.get(url, **HTMX)  # with it: in place
    assert b"<html" not in partial.content and question in partial.content.decode()
    assert type(item).objects.filter(pk=item.pk).exists()

    keep = re.search(r'<a href="([^"]+)" hx-get="[^"]+">No, keep it</a>', partial.content.decode())
    back = caregiver_client.get(keep.group(1).replace("&amp;", "&"), **HTMX).content.decode()
    focused = re.search(r"<(a|button)[^>]*data-focus>([^<]*)<", back)
    assert focused.group(2) == (edit or "Remove")

    removed = caregiver_client.post(url, **HTMX)
    assert removed.status_code == 200 and "HX-Trigger" in removed
    assert not type(item).objects.filter(pk=item.pk).exists()
