from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from cases.models import Case, Membership, Role
from tests.factories import make_case, reauthenticate


@pytest.mark.django_db
class TestDashboard:
    def test_it_lists_only_cases_the_user_belongs_to(self, owner_client, owner, stranger):
        make_case(owner, patient_name="Maria Lopez")
        make_case(stranger, patient_name="Someone Else")
        response = owner_client.get(reverse("dashboard"))
        assert b"Maria Lopez" in response.content
        assert b"Someone Else" not in response.content

    def test_it_requires_login(self, client):
        response = client.get(reverse("dashboard"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    def test_pages_are_never_cached(self, owner_client, case):
        response = owner_client.get(case.get_absolute_url())
        assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
class TestCreateCase:
    def test_creator_becomes_owner_with_a_second_opinion_and_checklist(self, csrf_client, owner):
        client = csrf_client(owner)
        page = client.get(reverse("case_create"))
        token = page.cookies[settings.CSRF_COOKIE_NAME].value
        response = client.post(
            reverse("case_create"),
            {
                "patient_name": "John Smith",
                "relationship": "spouse",
                "condition": "Suspected multiple sclerosis",
                "csrfmiddlewaretoken": token,
            },
        )
        case = Case.objects.get(patient_name="John Smith")
        assert response.status_code == 302
        assert response["Location"] == case.get_absolute_url()
        assert Membership.objects.get(case=case, user=owner).role == Role.OWNER
        opinion = case.current_opinion()
        assert opinion.number == 2
        assert opinion.records.count() == 6

    def test_write_without_csrf_token_is_refused(self, csrf_client, owner):
        response = csrf_client(owner).post(
            reverse("case_create"), {"patient_name": "X", "relationship": "self", "condition": "Y"}
        )
        assert response.status_code == 403
        assert not Case.objects.exists()

    def test_missing_fields_are_explained_at_the_field(self, owner_client):
        response = owner_client.post(reverse("case_create"), {"relationship": "self"})
        assert response.status_code == 200
        assert b"There is a problem" in response.content
        assert b"Enter the name of the person this case is for" in response.content
        assert b'aria-invalid="true"' in response.content


@pytest.mark.django_db
class TestEditCase:
    def test_editor_can_change_details(self, caregiver_client, case):
        form = caregiver_client.get(reverse("case_edit", args=[case.pk])).context["form"]
        response = caregiver_client.post(
            reverse("case_edit", args=[case.pk]),
            {
                "patient_name": "Maria L. Lopez",
                "relationship": "self",
                "condition": case.condition,
                "version": form.initial["version"],
            },
        )
        assert response.status_code == 302
        case.refresh_from_db()
        assert case.patient_name == "Maria L. Lopez"

    def test_second_save_of_stale_form_is_a_conflict_not_an_overwrite(
        self, owner_client, caregiver_client, case
    ):
        url = reverse("case_edit", args=[case.pk])
        version = owner_client.get(url).context["form"].initial["version"]
        base = {"relationship": "self", "condition": case.condition, "version": version}
        assert caregiver_client.post(url, {**base, "patient_name": "By Bob"}).status_code == 302
        response = owner_client.post(url, {**base, "patient_name": "By Alice"})
        assert response.status_code == 200
        assert b"Someone else changed this" in response.content
        assert b"By Bob" in response.content  # their version shown
        assert b"By Alice" in response.content  # what I typed kept
        case.refresh_from_db()
        assert case.patient_name == "By Bob"
        # Saving again, knowingly, keeps mine.
        again = response.context["form"].data["version"]
        response = owner_client.post(url, {**base, "version": again, "patient_name": "By Alice"})
        assert response.status_code == 302
        case.refresh_from_db()
        assert case.patient_name == "By Alice"


@pytest.mark.django_db
class TestDeleteCase:
    def test_owner_deletes_after_confirmation(self, owner_client, case):
        reauthenticate(owner_client)
        assert owner_client.get(reverse("case_delete", args=[case.pk])).status_code == 200
        response = owner_client.post(reverse("case_delete", args=[case.pk]))
        assert response.status_code == 302
        assert not Case.objects.filter(pk=case.pk).exists()

    def test_editor_cannot_delete(self, caregiver_client, case):
        assert caregiver_client.post(reverse("case_delete", args=[case.pk])).status_code == 403
        assert Case.objects.filter(pk=case.pk).exists()


@pytest.mark.django_db
class TestEveryCaseHasAnOpinion:
    def test_a_case_however_it_is_made_starts_with_its_second_opinion(self, owner):
        made = Case.objects.create(patient_name="Rosa Diaz", condition="Knee arthritis")
        opinion = made.current_opinion()
        assert (opinion.case_id, opinion.number) == (made.pk, 2)
        assert make_case(owner).opinions.count() == 1

    def test_saving_a_case_again_adds_no_opinion(self, case):
        case.condition = "Stage 1 breast cancer"
        case.save()
        assert case.opinions.count() == 1

    def test_the_current_opinion_is_the_latest(self, case):
        third = case.opinions.create(number=3)
        assert case.current_opinion() == third
        fetched = Case.objects.prefetch_related("opinions").get(pk=case.pk)
        assert fetched.current_opinion() == third
