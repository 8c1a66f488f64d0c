"""The dashboard: a caregiver's cases grouped by the person they are for."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Role
from tests.factories import add_member, make_case

pytestmark = pytest.mark.django_db


def test_cases_are_grouped_by_person_with_status_next_step_appointment_and_role(
    owner, owner_client, stranger
):
    john = {"patient_name": "John Lopez", "patient_dob": dt.date(1958, 6, 1)}
    heart = make_case(owner, condition="Heart failure", **john)
    make_case(owner, condition="Prostate cancer", **john)
    theirs = make_case(stranger, patient_name="Rosa Diaz", condition="Lupus")
    add_member(theirs, owner, Role.VIEWER)
    opinion = heart.current_opinion()
    opinion.appointment_at = timezone.make_aware(dt.datetime(2026, 12, 3, 9, 30))
    opinion.save()

    page = owner_client.get(reverse("dashboard")).content.decode()
    assert page.count('class="person"') == 2
    assert page.index("John Lopez") < page.index("Heart failure") < page.index("Rosa Diaz")
    assert page.index("Prostate cancer") < page.index("Rosa Diaz")
    assert "Born 1 June 1958" in page
    assert "Appointment booked" in page and "Seeking an opinion" in page
    assert "3 December 2026 at 9:30am" in page
    assert "Viewer" in page and "Owner" in page
    assert "Next step" in page


def test_decided_cases_say_what_was_decided(owner, owner_client):
    case = make_case(owner)
    opinion = case.current_opinion()
    opinion.result, opinion.decision = "confirmation", "return"
    opinion.save()
    page = owner_client.get(reverse("dashboard")).content.decode()
    assert "Decided: return to the original doctor." in page


def test_dashboard_costs_the_same_with_1_or_30_cases(owner, owner_client):
    make_case(owner)
    with CaptureQueriesContext(connection) as one:
        owner_client.get(reverse("dashboard"))
    for i in range(29):
        case = make_case(owner, patient_name=f"Person {i}")
        case.medications.create(name="Aspirin")
        case.current_opinion().questions.create(text="How urgent is it?")
    with CaptureQueriesContext(connection) as thirty:
        response = owner_client.get(reverse("dashboard"))
    assert response.content.decode().count("case-card") == 30
    assert len(thirty) == len(one), [q["sql"] for q in thirty.captured_queries]
