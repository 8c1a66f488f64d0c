"""Words that fit: a summary says what its form said about an empty choice; link and button
names read cleanly to a screen reader."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from cases.item_lists import LISTS
from tests.pages import control_names
from tests.test_access_policy import _kwargs_for

pytestmark = pytest.mark.django_db


def test_an_unanswered_yes_no_reads_not_known_yet_as_its_form_offered(owner_client, case):
    html = owner_client.get(reverse("step_insurance", kwargs={"case_id": case.pk})).content
    text = re.sub(r"\s+", " ", html.decode())
    assert re.search(r"Is the specialist in network\?</dt> ?<dd>Not known yet</dd>", text)


def test_a_viewer_reads_the_relationship_neutrally_not_as_the_owners_my(
    owner_client, viewer_client, case
):
    case.relationship = "spouse"
    case.save()
    url = reverse("case_detail", kwargs={"case_id": case.pk})
    assert "My spouse or partner" in owner_client.get(url).content.decode()
    seen = viewer_client.get(url).content.decode()
    assert "My spouse or partner" not in seen
    assert "Kept by their spouse or partner" in seen


def test_a_viewer_is_not_offered_add_links_to_read_only_lists(viewer_client, case):
    html = viewer_client.get(reverse("case_detail", kwargs={"case_id": case.pk})).content
    bring = html.decode().split('id="bring-title"')[1].split("</section>")[0]
    assert ">Add " not in bring and ">Write " not in bring
    assert "See the records list" in bring


def test_an_editor_is_offered_to_add_what_is_missing(owner_client, case):
    html = owner_client.get(reverse("case_detail", kwargs={"case_id": case.pk})).content
    bring = html.decode().split('id="bring-title"')[1].split("</section>")[0]
    assert ">Add medications</a>" in bring
    assert ">Write questions for the doctor</a>" in bring


def test_a_record_added_on_disc_counts_as_imaging_to_bring(case):
    from cases.models import RecordItem
    from cases.roadmap.bring import what_to_bring

    opinion = case.current_opinion()
    scan = RecordItem.objects.create(opinion=opinion, name="MRI", format="disc")
    letter = RecordItem.objects.create(opinion=opinion, name="Letter", format="paper")
    items = {b.label: b for b in what_to_bring([scan, letter], [], [])}
    assert "MRI" in items["Imaging on disc or USB"].detail
    assert "MRI" not in items["Medical records and test results"].detail
    assert "Letter" in items["Medical records and test results"].detail


# Link and button names: what is seen is short, what is heard reads as one sentence.


def test_marking_a_follow_up_action_done_is_heard_with_its_name_inside(owner_client, case):
    from cases.models import FollowUpAction

    opinion = case.current_opinion()
    FollowUpAction.objects.create(opinion=opinion, description="Book the MRI")
    FollowUpAction.objects.create(opinion=opinion, description="Call the clinic", done=True)
    url = reverse("opinion_outcome", kwargs={"case_id": case.pk, "opinion_id": opinion.pk})
    names = control_names(owner_client.get(url).content.decode())
    assert ("Mark ‘Book the MRI’ as done", "Mark as done") in names
    assert ("Mark ‘Call the clinic’ as not done", "Mark as not done") in names


def test_making_someone_owner_is_heard_with_their_name_inside(owner_client, caregiver, case):
    caregiver.first_name, caregiver.last_name = "Bob", "Lopez"
    caregiver.save()
    url = reverse("case_members", kwargs={"case_id": case.pk})
    names = control_names(owner_client.get(url).content.decode())
    assert ("Make Bob Lopez the owner", "Make owner") in names


LIST_AND_STEP_PAGES = ["step_inform", "step_insurance", "step_appointment", "opinion_outcome"]


@pytest.mark.parametrize("name", LIST_AND_STEP_PAGES + [s.url_name("list") for s in LISTS.values()])
def test_no_control_on_a_list_or_step_page_tacks_its_subject_on_after_a_colon(
    owner_client, case, name
):
    """ "Mark as done: Book the MRI" or "Mark it received (‘Labs’)" read awkwardly."""
    opinion = case.current_opinion()
    opinion.actions.create(description="Book the MRI")
    opinion.calls.create(called_on=dt.date(2026, 10, 1), spoke_with="Denise")
    case.medications.create(name="Tamoxifen")
    opinion.questions.create(text="How urgent is it?")
    html = owner_client.get(reverse(name, kwargs=_kwargs_for(name, case))).content.decode()
    names = control_names(html)
    assert names, name
    for heard, seen in names:
        assert not re.search(r": ‘|\(‘", heard), (name, heard)
        assert heard.startswith(seen.split(" ")[0]), (name, heard, seen)
