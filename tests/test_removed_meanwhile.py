"""One person removes an item while another is editing it: the editor's text survives."""

from __future__ import annotations

import pytest
from auditlog.context import set_actor
from django.urls import reverse

from cases.models import Medication, Question
from tests.factories import make_case

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _edit_url(name: str, case, **kwargs) -> str:
    return reverse(name, kwargs={"case_id": case.pk, **kwargs})


@pytest.mark.parametrize("htmx", [False, True])
def test_editing_a_medication_someone_removed_keeps_what_was_typed(
    owner, owner_client, caregiver, case, htmx
):
    med = Medication.objects.create(case=case, name="Tamoxifen", dose="20 mg")
    url = _edit_url("medication_edit", case, item_id=med.pk)
    form = owner_client.get(url).context["edit_form"]
    pk = med.pk
    with set_actor(caregiver):
        med.delete()
    data = {
        f"medication-{pk}-name": "Tamoxifen",
        f"medication-{pk}-dose": "40 mg, changed by Alice",
        f"medication-{pk}-version": form.initial["version"],
    }
    response = owner_client.post(url, data, **(HTMX if htmx else {}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else removed this while you were editing it" in html
    assert "40 mg, changed by Alice" in html  # in the add form, ready to add again
    assert not Medication.objects.exists()  # nothing was silently re-created


def test_editing_a_question_someone_removed_keeps_what_was_typed(owner_client, caregiver, case):
    question = case.current_opinion().questions.create(text="How urgent is it?")
    pk = question.pk
    url = _edit_url("question_edit", case, item_id=pk)
    with set_actor(caregiver):
        question.delete()
    response = owner_client.post(url, {f"question-{pk}-text": "How urgent is it, really?"})
    assert response.status_code == 200
    assert "How urgent is it, really?" in response.content.decode()
    assert not Question.objects.exists()


def test_editing_a_record_someone_removed_keeps_its_name_and_source(owner_client, caregiver, case):
    record = case.current_opinion().records.first()
    pk = record.pk
    url = _edit_url("record_edit", case, item_id=pk)
    with set_actor(caregiver):
        record.delete()
    response = owner_client.post(
        url, {f"record-{pk}-name": "Pathology slides", f"record-{pk}-source": "Lab"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else removed this" in html and "Pathology slides" in html


def test_an_item_of_another_case_is_still_404(owner, owner_client, case):
    other = make_case(owner, patient_name="Someone else")
    med = Medication.objects.create(case=other, name="Other")
    url = _edit_url("medication_edit", case, item_id=med.pk)
    data = {f"medication-{med.pk}-name": "x"}
    assert owner_client.post(url, data).status_code == 404
    with set_actor(owner):
        med.delete()
    # Removed, but from another case: this case's page reveals nothing about it.
    assert owner_client.post(url, data).status_code == 404


def test_an_id_never_seen_is_404_and_get_is_404(owner_client, case):
    url = _edit_url("medication_edit", case, item_id=999999)
    assert owner_client.post(url, {}).status_code == 404
    assert owner_client.get(url).status_code == 404
