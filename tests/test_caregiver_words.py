"""In a caregiver's case the copy names the patient; in one's own case it says "you"."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cases.item_lists import LISTS
from cases.models import Relationship
from cases.roadmap.steps import appointment_step, inform_step, insurance_step
from tests.test_access_policy import _kwargs_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def johns_case(case):
    case.patient_name = "John Lopez"
    case.relationship = Relationship.SPOUSE
    case.save()
    return case


def test_the_roadmap_speaks_of_the_patient_by_name_in_a_caregivers_case(johns_case):
    opinion = johns_case.current_opinion()
    words = " ".join(
        [
            inform_step(johns_case).next,
            insurance_step(johns_case, opinion, []).next,
            appointment_step(opinion, johns_case).summary,
        ]
    )
    assert "your" not in words.lower().split()
    assert "John Lopez’s primary provider" in words
    assert "Add John Lopez’s insurance details, then call the insurer." in words


def test_ones_own_case_still_says_your(case):
    opinion = case.current_opinion()
    assert inform_step(case).next == (
        "Decide whether you are comfortable telling your primary provider."
    )
    assert insurance_step(case, opinion, []).next == (
        "Add your insurance details, then call your insurer."
    )


def test_questions_and_summaries_on_step_pages_name_the_patient(owner_client, johns_case):
    opinion = johns_case.current_opinion()
    opinion.referral_status = ""
    opinion.save()
    insurance = owner_client.get(
        reverse("step_insurance", kwargs={"case_id": johns_case.pk})
    ).content.decode()
    assert "Does John Lopez need a referral?" in insurance
    assert "Does John Lopez need prior authorization?" in insurance
    assert "Do you need a referral?" not in insurance
    inform = owner_client.get(
        reverse("step_inform", kwargs={"case_id": johns_case.pk})
    ).content.decode()
    assert "John Lopez’s primary provider’s name" in inform
    assert "Your primary provider" not in inform
    form = owner_client.get(
        reverse("insurance_referral", kwargs={"case_id": johns_case.pk})
    ).context["form"]
    assert form.fields["referral_status"].label == "Does John Lopez need a referral?"


def test_step_pages_speak_of_the_patients_records_by_name(owner_client, johns_case):
    for name in ("step_inform", "step_appointment"):
        html = owner_client.get(reverse(name, kwargs={"case_id": johns_case.pk})).content
        assert "your records" not in html.decode()
        assert "John Lopez’s records" in html.decode()


# What belongs to the patient: "your ..." would mean the caregiver's own.
PATIENTS = (
    r"\byour (primary provider|insurance|insurer|first doctor|medical records|records|"
    r"diagnosis|condition|doctor|medicines|medications|appointment|specialist)\b"
)
STEP_AND_LIST_PAGES = ["step_inform", "step_insurance", "step_appointment", "case_detail"] + [
    spec.url_name("list") for spec in LISTS.values()
]


def _main_text(html: str) -> str:
    main = html[html.index("<main") : html.index("</main>")]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


@pytest.mark.parametrize("name", STEP_AND_LIST_PAGES)
def test_every_step_and_list_page_names_the_patient_in_a_caregivers_case(
    owner_client, johns_case, name
):
    url = reverse(name, kwargs=_kwargs_for(name, johns_case))
    text = _main_text(owner_client.get(url).content.decode())
    assert not re.search(PATIENTS, text, flags=re.I), re.search(PATIENTS, text, flags=re.I)


@pytest.mark.parametrize("name", ["step_inform", "step_insurance", "records"])
def test_the_same_pages_say_your_in_ones_own_case(owner_client, case, name):
    text = _main_text(owner_client.get(reverse(name, kwargs={"case_id": case.pk})).content.decode())
    assert re.search(PATIENTS, text, flags=re.I)


def test_the_step_title_and_the_providers_help_name_the_patient(owner_client, johns_case):
    html = owner_client.get(reverse("step_inform", kwargs={"case_id": johns_case.pk}))
    text = _main_text(html.content.decode())
    assert "Step 1: Inform John Lopez’s primary provider" in text
    assert "Will you tell John Lopez’s primary provider?" in text
    form = owner_client.get(reverse("inform_provider", kwargs={"case_id": johns_case.pk})).context[
        "form"
    ]
    assert form.fields["primary_provider_name"].help_text == (
        "The doctor who usually looks after John Lopez."
    )
