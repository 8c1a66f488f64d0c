"""Deciding what to do after an opinion, the case page's panel for each stage, and the
decision summary."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cases.models import Decision, FollowUpAction, Opinion, Result
from cases.models.opinion import Stage
from tests.outcomes_support import (
    TODAY,
    TOMORROW,
    decide_url,
    maria_case,
    outcome_url,
    record_outcome,
)


@pytest.fixture
def maria(case):
    return maria_case(case)


@pytest.mark.django_db
class TestDecide:
    @pytest.mark.parametrize("result", Result.values)
    @pytest.mark.parametrize("decision", Decision.values)
    def test_every_result_and_decision(self, owner_client, maria, result, decision):
        opinion = record_outcome(maria.current_opinion(), result)
        form = owner_client.get(decide_url(maria, opinion)).context["form"]
        response = owner_client.post(
            decide_url(maria, opinion),
            {
                "version": form.initial["version"],
                "decision": decision,
                "decision_reason": "We talked it through as a family.",
                "decided_on": TODAY.isoformat(),
            },
        )
        assert response.status_code == 302
        assert response["Location"] == maria.get_absolute_url()
        opinion.refresh_from_db()
        assert (opinion.decision, opinion.stage) == (decision, Stage.DECIDED)
        current = maria.current_opinion()
        if decision == Decision.THIRD:
            assert current.number == 3
            assert current.stage == Stage.SEEKING
        else:
            assert current == opinion
        page = owner_client.get(maria.get_absolute_url()).content.decode()
        assert str(current.stage.label) in page

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("decision", "", "Select what you will do next"),
            ("decision", "shrug", "Select a valid choice"),
            ("decided_on", "", "Enter the date you decided"),
            ("decided_on", TOMORROW.isoformat(), "The date you decided must be today or in"),
            ("decided_on", "31/31/2026", "Enter a real date"),
        ],
    )
    def test_bad_decision_input_is_explained(self, owner_client, maria, field, value, message):
        opinion = record_outcome(maria.current_opinion())
        form = owner_client.get(decide_url(maria, opinion)).context["form"]
        data = {
            "version": form.initial["version"],
            "decision": Decision.SWITCH,
            "decision_reason": "Less invasive.",
            "decided_on": TODAY.isoformat(),
            field: value,
        }
        response = owner_client.post(decide_url(maria, opinion), data)
        assert response.status_code == 200
        assert response.content.decode().count(message) >= 2
        assert b"Less invasive." in response.content
        opinion.refresh_from_db()
        assert opinion.decision == ""

    def test_deciding_before_the_outcome_is_recorded_leads_there(self, owner_client, maria):
        opinion = maria.current_opinion()
        response = owner_client.get(decide_url(maria, opinion))
        assert response["Location"] == outcome_url(maria, opinion)

    def test_viewer_cannot_decide(self, viewer_client, maria):
        opinion = record_outcome(maria.current_opinion())
        response = viewer_client.post(decide_url(maria, opinion), {"decision": "switch"})
        assert response.status_code == 403
        opinion.refresh_from_db()
        assert opinion.decision == ""

    def test_deciding_twice_starts_only_one_further_opinion(self, owner_client, maria):
        opinion = record_outcome(maria.current_opinion(), Result.DISAGREEMENT)
        form = owner_client.get(decide_url(maria, opinion)).context["form"]
        data = {
            "version": form.initial["version"],
            "decision": Decision.THIRD,
            "decided_on": TODAY.isoformat(),
        }
        assert owner_client.post(decide_url(maria, opinion), data).status_code == 302
        again = owner_client.post(decide_url(maria, opinion), {**data, "decision": "switch"})
        assert again.status_code == 200
        assert b"can no longer be changed" in again.content
        assert maria.opinions.count() == 2
        opinion.refresh_from_db()
        assert opinion.decision == Decision.THIRD


@pytest.mark.django_db
class TestCasePanel:
    def test_the_panel_follows_the_stage(self, owner_client, viewer_client, maria):
        opinion = maria.current_opinion()
        page = owner_client.get(maria.get_absolute_url()).content.decode()
        assert "Appointment booked" in page
        assert "Record what the specialist said" in page
        record_outcome(opinion)
        page = owner_client.get(maria.get_absolute_url()).content.decode()
        assert "Opinion received" in page
        assert "Decide what to do next" in page
        viewer_page = viewer_client.get(maria.get_absolute_url()).content.decode()
        assert "Compare the opinions side by side" in viewer_page
        assert "Decide what to do next" not in viewer_page

    @pytest.mark.parametrize(
        ("fields", "stage"),
        [
            ({}, Stage.SEEKING),
            ({"appointment_at": timezone.now()}, Stage.BOOKED),
            ({"appointment_at": timezone.now(), "result": "confirmation"}, Stage.RECEIVED),
            ({"result": "disagreement", "decision": "return"}, Stage.DECIDED),
        ],
    )
    def test_stage_follows_the_work(self, owner_client, case, fields, stage):
        opinion = case.current_opinion()
        for name, value in fields.items():
            setattr(opinion, name, value)
        opinion.save()
        assert opinion.stage == stage
        assert str(stage.label) in owner_client.get(case.get_absolute_url()).content.decode()


@pytest.mark.django_db
class TestDecisionSummary:
    def summary_url(self, case):
        return reverse("decision_summary", kwargs={"case_id": case.pk})

    def decided(self, maria) -> Opinion:
        opinion = record_outcome(
            maria.current_opinion(),
            decision=Decision.SWITCH,
            decision_reason="A less invasive path with the same outcomes.",
            decided_on=dt.date(2026, 1, 25),
        )
        FollowUpAction.objects.create(
            opinion=opinion, description="Book the radiation consult", due_on=dt.date(2026, 2, 2)
        )
        return opinion

    def test_viewer_downloads_a_one_page_tagged_pdf(self, viewer_client, maria):
        from pypdf import PdfReader

        self.decided(maria)
        response = viewer_client.get(self.summary_url(maria))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert (
            response["Content-Disposition"]
            == 'attachment; filename="decision-summary-2026-01-25.pdf"'
        )
        reader = PdfReader(io.BytesIO(response.content))
        assert len(reader.pages) == 1
        text = " ".join(reader.pages[0].extract_text().split())
        for expected in [
            "Maria Lopez",
            "Switch to this provider",
            "A less invasive path with the same outcomes.",
            "25 January 2026",
            "Immediate surgery (mastectomy)",
            "Lumpectomy followed by radiation",
            "Differs from the original",
            "Book the radiation consult",
        ]:
            assert expected in text, expected
        root = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root
        assert root["/MarkInfo"]["/Marked"]
        assert root["/Lang"] == "en"
        assert reader.metadata.title == "Decision summary for Maria Lopez"
        # Letter, and the paper by region, are checked in tests/test_pdf_structure.py.
        width, height = (float(v) for v in reader.pages[0].mediabox[2:])
        assert (round(width), round(height)) == (595, 842)

    def test_a_summary_before_any_decision_says_so(self, owner_client, maria):
        from pypdf import PdfReader

        response = owner_client.get(self.summary_url(maria))
        text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
        assert "No decision has been recorded yet" in " ".join(text.split())
        assert f"decision-summary-{TODAY.isoformat()}.pdf" in response["Content-Disposition"]


@pytest.mark.django_db
def test_deciding_with_csrf_enforced_starts_the_third_opinion(csrf_client, caregiver, maria):
    client = csrf_client(caregiver)
    opinion = record_outcome(maria.current_opinion(), Result.DISAGREEMENT)
    page = client.get(decide_url(maria, opinion))
    data = {
        "csrfmiddlewaretoken": page.cookies[settings.CSRF_COOKIE_NAME].value,
        "version": page.context["form"].initial["version"],
        "decision": Decision.THIRD,
        "decision_reason": "They disagree.",
        "decided_on": TODAY.isoformat(),
    }
    assert client.post(decide_url(maria, opinion), data).status_code == 302
    assert maria.current_opinion().number == 3
    without_token = {k: v for k, v in data.items() if k != "csrfmiddlewaretoken"}
    third = maria.current_opinion()
    assert client.post(outcome_url(maria, third), without_token).status_code == 403


@pytest.mark.django_db
def test_a_stale_decision_is_refused_and_starts_nothing(owner_client, caregiver_client, maria):
    opinion = record_outcome(maria.current_opinion(), Result.DISAGREEMENT)
    stale = owner_client.get(decide_url(maria, opinion)).context["form"].initial["version"]
    newer = caregiver_client.get(decide_url(maria, opinion)).context["form"].initial["version"]
    base = {"decided_on": TODAY.isoformat(), "decision_reason": ""}
    caregiver_client.post(
        decide_url(maria, opinion), {**base, "version": newer, "decision": Decision.RETURN}
    )
    response = owner_client.post(
        decide_url(maria, opinion), {**base, "version": stale, "decision": Decision.THIRD}
    )
    assert response.status_code == 200
    assert b"Someone else changed this" in response.content
    assert maria.opinions.count() == 1
    opinion.refresh_from_db()
    assert opinion.decision == Decision.RETURN
