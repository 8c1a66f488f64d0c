"""The medication list: add, edit, remove and reorder."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cases.models import Medication
from tests.factories import make_case
from tests.lists_support import HTMX, announced, is_partial, post_with_token

pytestmark = pytest.mark.django_db


def url(name: str, case, med=None) -> str:
    kwargs = {"case_id": case.pk}
    if med is not None:
        kwargs["item_id"] = med.pk
    return reverse(name, kwargs=kwargs)


def add_meds(case, *names: str) -> list[Medication]:
    return [Medication.objects.create(case=case, name=n, position=i) for i, n in enumerate(names)]


def order(case) -> list[str]:
    return list(case.medications.values_list("name", flat=True))


class TestPage:
    def test_owner_sees_the_list_and_the_hint(self, owner_client, case):
        add_meds(case, "Tamoxifen")
        response = owner_client.get(url("medications", case))
        assert response.status_code == 200
        html = response.content.decode()
        assert "<h1>Medications</h1>" in html
        assert "Tamoxifen" in html
        assert "without a prescription" in html and "supplements" in html and "allergies" in html

    def test_viewer_reads_without_controls(self, viewer_client, case):
        add_meds(case, "Tamoxifen", "Vitamin D")
        html = viewer_client.get(url("medications", case)).content.decode()
        assert "Tamoxifen" in html
        assert "Move up" not in html and "Add medication" not in html and "Remove" not in html

    @pytest.mark.parametrize("count", [1, 50])
    def test_query_count_does_not_grow_with_the_list(
        self, owner_client, case, count, django_assert_max_num_queries
    ):
        add_meds(case, *[f"Medicine {i}" for i in range(count)])
        with django_assert_max_num_queries(4):
            response = owner_client.get(url("medications", case))
        assert response.content.decode().count('class="item"') == count


class TestAdd:
    def test_caregiver_adds_at_the_end(self, caregiver_client, case):
        add_meds(case, "Tamoxifen")
        response = caregiver_client.post(
            url("medication_add", case),
            {"name": "Vitamin D", "dose": "1000 IU", "frequency": "Daily", "prescriber": ""},
        )
        med = case.medications.get(name="Vitamin D")
        assert response.status_code == 302
        assert response["Location"] == f"{url('medications', case)}#medication-{med.pk}"
        assert order(case) == ["Tamoxifen", "Vitamin D"]
        assert med.dose == "1000 IU"

    def test_htmx_add_focuses_the_new_item_and_announces(self, owner_client, case):
        response = owner_client.post(url("medication_add", case), {"name": "Vitamin D"}, **HTMX)
        assert is_partial(response)
        assert announced(response) == "Added ‘Vitamin D’"
        assert b'<h3 class="item__title" data-focus>Vitamin D</h3>' in response.content

    def test_missing_name_is_explained_and_the_rest_kept(self, owner_client, case):
        response = owner_client.post(url("medication_add", case), {"name": "", "dose": "20 mg"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "There is a problem" in html
        assert "Enter the name of the medicine" in html
        assert 'value="20 mg"' in html
        assert not case.medications.exists()

    def test_too_long_name_is_explained(self, owner_client, case):
        response = owner_client.post(url("medication_add", case), {"name": "x" * 121}, **HTMX)
        assert b"must be 120 characters or fewer" in response.content
        assert b"data-error-summary" in response.content

    def test_the_pages_csrf_token_lets_the_add_through(self, csrf_client, owner, case):
        client = csrf_client(owner)
        response = post_with_token(
            client, url("medications", case), url("medication_add", case), {"name": "X"}
        )
        assert response.status_code == 302
        assert order(case) == ["X"]


class TestMove:
    def test_move_up_and_down(self, caregiver_client, case):
        a, b, c = add_meds(case, "A", "B", "C")
        caregiver_client.post(url("medication_move", case, c), {"direction": "up"})
        assert order(case) == ["A", "C", "B"]
        caregiver_client.post(url("medication_move", case, a), {"direction": "down"})
        assert order(case) == ["C", "A", "B"]

    def test_moving_past_either_end_changes_nothing(self, owner_client, case):
        a, b, c = add_meds(case, "A", "B", "C")
        response = owner_client.post(url("medication_move", case, a), {"direction": "up"}, **HTMX)
        assert announced(response) == "‘A’ is already at the top"
        owner_client.post(url("medication_move", case, c), {"direction": "down"})
        assert order(case) == ["A", "B", "C"]

    def test_moving_to_the_top_focuses_move_down(self, owner_client, case):
        a, b = add_meds(case, "A", "B")
        response = owner_client.post(url("medication_move", case, b), {"direction": "up"}, **HTMX)
        assert order(case) == ["B", "A"]
        assert announced(response) == "Moved ‘B’ up"
        focused = re.findall(
            rb"<button[^>]*data-focus>([^<]*)<span[^>]*>([^<]*)<", response.content
        )
        assert focused == [(b"Move down", " ‘B’".encode())]

    def test_moving_in_the_middle_keeps_focus_on_the_same_button(self, owner_client, case):
        a, b, c = add_meds(case, "A", "B", "C")
        response = owner_client.post(url("medication_move", case, c), {"direction": "up"}, **HTMX)
        focused = re.findall(
            rb"<button[^>]*data-focus>([^<]*)<span[^>]*>([^<]*)<", response.content
        )
        assert focused == [(b"Move up", " ‘C’".encode())]

    def test_items_with_equal_positions_still_move(self, owner_client, case):
        for name in ("A", "B", "C"):
            Medication.objects.create(case=case, name=name, position=0)
        c = case.medications.get(name="C")
        owner_client.post(url("medication_move", case, c), {"direction": "up"})
        assert order(case) == ["A", "C", "B"]

    def test_without_javascript_it_redirects_to_the_item(self, owner_client, case):
        a, b = add_meds(case, "A", "B")
        response = owner_client.post(url("medication_move", case, b), {"direction": "up"})
        assert response.status_code == 302
        assert response["Location"].endswith(f"#medication-{b.pk}")

    def test_unknown_direction_is_a_bad_request(self, owner_client, case):
        (a,) = add_meds(case, "A")
        response = owner_client.post(url("medication_move", case, a), {"direction": "sideways"})
        assert response.status_code == 400

    def test_medication_of_another_case_is_404(self, owner_client, owner, case):
        other = make_case(owner, patient_name="Someone else")
        (foreign,) = add_meds(other, "Secret")
        response = owner_client.post(
            reverse("medication_move", kwargs={"case_id": case.pk, "item_id": foreign.pk}),
            {"direction": "up"},
        )
        assert response.status_code == 404


class TestEdit:
    def _version(self, client, case, med) -> str:
        return client.get(url("medication_edit", case, med)).context["edit_form"].initial["version"]

    def _data(self, med, version, **changes) -> dict:
        data = {"name": med.name, "dose": med.dose, "frequency": med.frequency}
        data.update(prescriber=med.prescriber, notes=med.notes, version=version, **changes)
        return {f"medication-{med.pk}-{k}": v for k, v in data.items()}

    def test_caregiver_edits_the_dose(self, caregiver_client, case):
        (med,) = add_meds(case, "Tamoxifen")
        version = self._version(caregiver_client, case, med)
        response = caregiver_client.post(
            url("medication_edit", case, med), self._data(med, version, dose="20 mg"), **HTMX
        )
        assert announced(response) == "Saved ‘Tamoxifen’"
        med.refresh_from_db()
        assert med.dose == "20 mg"

    def test_stale_form_is_a_conflict(self, owner_client, caregiver_client, case):
        (med,) = add_meds(case, "Tamoxifen")
        version = self._version(owner_client, case, med)
        edit = url("medication_edit", case, med)
        assert (
            caregiver_client.post(edit, self._data(med, version, dose="10 mg")).status_code == 302
        )
        response = owner_client.post(edit, self._data(med, version, dose="20 mg"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Someone else changed this" in html
        assert "10 mg" in html and 'value="20 mg"' in html
        med.refresh_from_db()
        assert med.dose == "10 mg"

    def test_empty_name_is_refused(self, owner_client, case):
        (med,) = add_meds(case, "Tamoxifen")
        version = self._version(owner_client, case, med)
        response = owner_client.post(
            url("medication_edit", case, med), self._data(med, version, name="")
        )
        assert response.status_code == 200
        assert b"Enter the name of the medicine" in response.content
        med.refresh_from_db()
        assert med.name == "Tamoxifen"

    def test_viewer_cannot_edit(self, viewer_client, case):
        (med,) = add_meds(case, "Tamoxifen")
        assert viewer_client.get(url("medication_edit", case, med)).status_code == 403


class TestRemove:
    def test_confirm_then_remove(self, owner_client, case):
        (med,) = add_meds(case, "Tamoxifen")
        confirm = owner_client.get(url("medication_remove", case, med))
        assert "Are you sure you want to remove ‘Tamoxifen’" in confirm.content.decode()
        response = owner_client.post(url("medication_remove", case, med), **HTMX)
        assert announced(response) == "Removed ‘Tamoxifen’"
        assert b'id="medication-list-heading" data-focus' in response.content
        assert not case.medications.exists()
