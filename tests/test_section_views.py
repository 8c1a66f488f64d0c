"""A case's detail sections, through the test client: each one saved plainly and in place,
refused with a reason when it is wrong, and a stale save that keeps what was typed.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from tests.sections_support import HTMX, VALID, post_section, url, version_of

pytestmark = pytest.mark.django_db


def test_every_section_in_the_registry_has_a_url_and_every_section_url_a_section():
    from django.urls import resolve

    from cases.sections import SECTIONS
    from cases.urls.sections import urlpatterns
    from cases.views.sections import section_edit

    assert set(VALID) == {s.url_name for s in SECTIONS.values()}
    assert {p.name for p in urlpatterns} == set(VALID)
    for section in SECTIONS.values():
        match = resolve(reverse(section.url_name, kwargs={"case_id": uuid.uuid4()}))
        assert (match.func, match.kwargs["section"]) == (section_edit, section.key)


class TestSections:
    @pytest.mark.parametrize("name", sorted(VALID))
    def test_plain_post_saves_and_redirects_to_the_section(self, caregiver_client, case, name):
        page = caregiver_client.get(url(name, case))
        assert page.status_code == 200
        assert b"<h1" in page.content
        response = post_section(caregiver_client, name, case, VALID[name])
        assert response.status_code == 302, response.content.decode()[:3000]
        assert "#section-" in response["Location"]
        follow = caregiver_client.get(response["Location"])
        assert b"saved." in follow.content

    @pytest.mark.parametrize("name", sorted(VALID))
    def test_htmx_gets_the_form_in_place_and_the_summary_back_with_an_announcement(
        self, caregiver_client, case, name
    ):
        form = caregiver_client.get(url(name, case), **HTMX)
        html = form.content.decode()
        assert "<html" not in html
        assert f'hx-post="{url(name, case)}"' in html
        assert "data-focus" in html  # the first field takes focus
        response = post_section(caregiver_client, name, case, VALID[name], **HTMX)
        assert response.status_code == 200
        assert "<form" not in response.content.decode()
        assert json.loads(response["HX-Trigger"])["announce"]["message"].endswith("saved.")
        assert b"data-focus" in response.content
        assert "HX-Request" in response["Vary"]

    def test_saving_the_treatment_in_place_refreshes_the_roadmap_and_warnings(
        self, caregiver_client, case
    ):
        soon = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
        data = {**VALID["case_edit_treatment"], "treatment_start_by": soon}
        response = post_section(caregiver_client, "case_edit_treatment", case, data, **HTMX)
        html = response.content.decode()
        assert 'id="case-overview" hx-swap-oob="true"' in html
        assert "Time matters" in html  # start-by in 5 days and no appointment yet

    def test_sections_on_step_pages_send_no_case_overview(self, caregiver_client, case):
        response = post_section(
            caregiver_client, "insurance_policy", case, VALID["insurance_policy"], **HTMX
        )
        assert b"case-overview" not in response.content

    def test_saved_values_show_in_the_summary(self, caregiver_client, case):
        post_section(caregiver_client, "insurance_policy", case, VALID["insurance_policy"])
        post_section(caregiver_client, "insurance_coverage", case, VALID["insurance_coverage"])
        html = caregiver_client.get(url("step_insurance", case)).content.decode()
        assert "•••••••6789" in html
        assert "XJ123456789" not in html  # only masked on screen
        assert "$1,250.50" in html
        assert case.current_opinion().estimated_cost == Decimal("1250.50")

    def test_cancel_in_place_returns_the_summary(self, caregiver_client, case):
        response = caregiver_client.get(url("case_edit_diagnosis", case) + "?view=1", **HTMX)
        assert b'id="section-diagnosis"' in response.content
        assert b"<form" not in response.content

    def test_write_with_csrf_token_is_accepted(self, csrf_client, caregiver, case):
        client = csrf_client(caregiver)
        page = client.get(url("case_edit_diagnosis", case))
        response = client.post(
            url("case_edit_diagnosis", case),
            {
                "condition": "Changed",
                "version": page.context["form"].initial["version"],
                "csrfmiddlewaretoken": page.cookies[settings.CSRF_COOKIE_NAME].value,
            },
        )
        assert response.status_code == 302

    def test_viewer_cannot_open_or_save_a_section(self, viewer_client, case):
        assert viewer_client.get(url("case_edit_reasons", case)).status_code == 403
        assert viewer_client.post(url("case_edit_reasons", case), {}).status_code == 403


class TestValidation:
    def test_date_of_birth_in_the_future_is_explained_and_nothing_is_lost(
        self, caregiver_client, case
    ):
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        response = post_section(
            caregiver_client,
            "case_edit",
            case,
            {"patient_name": "Maria Typed", "relationship": "self", "patient_dob": tomorrow},
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in html
        assert "Date of birth must be today or in the past" in html
        assert 'value="Maria Typed"' in html
        case.refresh_from_db()
        assert case.patient_name == "Maria Lopez"

    def test_invalid_htmx_post_returns_the_form_with_errors_in_place(self, caregiver_client, case):
        response = post_section(
            caregiver_client,
            "insurance_coverage",
            case,
            {"coverage": "covered", "estimated_cost": "about fifty"},
            **HTMX,
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in html
        assert "data-error-summary" in html
        assert "Enter an amount in dollars, for example 250 or 1,250.50" in html
        assert 'value="about fifty"' in html
        assert "HX-Trigger" not in response

    def test_negative_cost_is_refused(self, caregiver_client, case):
        response = post_section(
            caregiver_client, "insurance_coverage", case, {"estimated_cost": "-5"}
        )
        assert b"The amount must be 0 or more" in response.content

    def test_other_reason_needs_its_text(self, caregiver_client, case):
        response = post_section(caregiver_client, "case_edit_reasons", case, {"reasons": ["other"]})
        assert "Enter your other reason, or untick “Another reason”" in response.content.decode()
        response = post_section(
            caregiver_client,
            "case_edit_reasons",
            case,
            {"reasons": ["other", "uncertain_diagnosis"], "reasons_other": "Family history"},
        )
        assert response.status_code == 302
        case.refresh_from_db()
        assert case.reasons == ["uncertain_diagnosis", "other"]
        assert case.reason_labels() == ["Uncertainty about the diagnosis", "Family history"]

    def test_unticking_other_clears_its_text(self, caregiver_client, case):
        Case.objects.filter(pk=case.pk).update(reasons=["other"], reasons_other="Old")
        post_section(caregiver_client, "case_edit_reasons", case, {"reasons": ["rare_condition"]})
        case.refresh_from_db()
        assert (case.reasons, case.reasons_other) == (["rare_condition"], "")

    def test_referral_decided_before_it_was_asked_for(self, caregiver_client, case):
        response = post_section(
            caregiver_client,
            "insurance_referral",
            case,
            {
                "referral_status": "approved",
                "referral_requested_on": "2026-11-10",
                "referral_decided_on": "2026-11-01",
            },
        )
        assert b"must be on or after the date you asked" in response.content

    def test_a_new_appointment_in_the_past_is_refused(self, caregiver_client, case):
        response = post_section(
            caregiver_client, "appointment_details", case, {"appointment_at": "2020-01-01T09:00"}
        )
        assert b"The appointment must be in the future" in response.content

    def test_telling_date_needs_the_told_choice(self, caregiver_client, case):
        response = post_section(
            caregiver_client,
            "inform_choice",
            case,
            {"inform_choice": "will_tell", "informed_on": "2026-11-01"},
        )
        assert "choose “I have told them”" in response.content.decode()


class TestConflicts:
    def test_stale_htmx_save_shows_their_values_and_keeps_mine(
        self, owner_client, caregiver_client, case
    ):
        name = "appointment_specialist"
        stale = version_of(owner_client, name, case)
        post_section(caregiver_client, name, case, {"specialist_name": "Dr By Bob"})
        response = owner_client.post(
            url(name, case), {"specialist_name": "Dr By Alice", "version": stale}, **HTMX
        )
        html = response.content.decode()
        assert "Someone else changed this" in html
        assert "Dr By Bob" in html
        assert 'value="Dr By Alice"' in html
        assert "<html" not in html
        assert case.current_opinion().specialist_name == "Dr By Bob"

    def test_editing_another_section_of_the_same_case_is_not_a_conflict(
        self, owner_client, caregiver_client, case
    ):
        stale = version_of(owner_client, "insurance_coverage", case)
        post_section(
            caregiver_client, "insurance_referral", case, {"referral_status": "to_request"}
        )
        response = owner_client.post(
            url("insurance_coverage", case), {"coverage": "covered", "version": stale}
        )
        assert response.status_code == 302
