"""Words that fit: a summary says what its form said about an empty choice."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

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
