"""Posting a case's detail sections through the test client: a valid POST for each section,
and a post that carries the version the form was shown with.

Shared by the section, roadmap, kept-page and stale-save tests.
"""

from __future__ import annotations

from django.urls import reverse

from cases.models import Case

HTMX = {"HTTP_HX_REQUEST": "true"}

# A valid POST for every section, by URL name.
VALID = {
    "case_edit": {"patient_name": "Maria L. Lopez", "relationship": "self", "patient_dob": ""},
    "case_edit_diagnosis": {
        "condition": "Stage 1 breast cancer",
        "diagnosed_by_name": "Dr Chen",
        "diagnosed_on": "2026-10-01",
    },
    "case_edit_treatment": {
        "treatment_kind": "surgery",
        "treatment_description": "Mastectomy",
        "treatment_urgency": "weeks",
        "treatment_start_by": "2026-12-15",
    },
    "case_edit_reasons": {"reasons": ["less_invasive", "personal_comfort"]},
    "inform_provider": {"primary_provider_name": "Dr Patel", "primary_provider_contact": "555"},
    "inform_choice": {"inform_choice": "will_tell", "provider_response": ""},
    "insurance_policy": {"insurer": "Acme Health", "member_id": "XJ123456789"},
    "insurance_coverage": {
        "coverage": "covered",
        "in_network": "yes",
        "estimated_cost": "$1,250.50",
    },
    "insurance_referral": {"referral_status": "requested", "referral_requested_on": "2026-11-02"},
    "insurance_prior_auth": {"prior_auth_status": "not_needed"},
    "appointment_specialist": {"specialist_name": "Dr Okafor", "specialist_institution": "UMC"},
    "appointment_details": {"appointment_at": "2030-03-04T10:30", "appointment_mode": "in_person"},
}


def url(name: str, case: Case, **kw) -> str:
    return reverse(name, kwargs={"case_id": case.pk, **kw})


def version_of(client, name: str, case: Case) -> str:
    return client.get(url(name, case)).context["form"].initial["version"]


def post_section(client, name: str, case: Case, data: dict, **extra):
    return client.post(
        url(name, case), {**data, "version": version_of(client, name, case)}, **extra
    )
