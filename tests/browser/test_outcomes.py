"""After the appointment, in a real browser: record, compare, decide; and a third opinion."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Question, Result
from cases.models.items import RecordStatus
from tests.factories import PASSWORD, make_case, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def maria_case():
    """The article's first example, up to the day of the second opinion."""
    owner = make_user("maria@example.org")
    case = make_case(owner, patient_name="Maria Lopez", condition="Early-stage breast cancer")
    case.diagnosed_by_name = "Dr. Okafor"
    case.treatment_kind = "surgery"
    case.treatment_description = "Immediate surgery"
    case.treatment_urgency = "immediate"
    case.save()
    opinion = case.current_opinion()
    opinion.specialist_name = "Dr. Chen"
    opinion.specialist_institution = "University Medical Center"
    opinion.appointment_at = timezone.now() - dt.timedelta(days=1)
    opinion.save()
    return owner, case, opinion


def test_maria_records_an_adjustment_compares_and_switches(page, axe_check, login):
    owner, case, opinion = maria_case()
    Question.objects.create(opinion=opinion, text="Is there a less invasive option?")
    login(owner.email, PASSWORD)
    axe_check("dashboard")
    page.goto(case.get_absolute_url())
    panel = page.locator(".outcome-panel")
    expect(panel.locator(".tag")).to_have_text("Appointment booked")
    axe_check("case page, appointment booked")

    panel.get_by_role("link", name="Record what the specialist said").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What the specialist said")
    axe_check("outcome form")
    page.get_by_role("button", name="Save what they said").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Select what the specialist concluded")
    axe_check("outcome form with errors")

    page.get_by_label("Adjustment").check()
    page.get_by_label("Their diagnosis", exact=True).fill("Early-stage breast cancer")
    page.get_by_label("Their recommended treatment", exact=True).fill(
        "Lumpectomy (a less invasive procedure) followed by radiation"
    )
    page.get_by_label("Within a few weeks").check()
    page.get_by_label("Is there a less invasive option?").fill("Yes: lumpectomy, then radiation.")
    page.get_by_role("button", name="Save what they said").click()
    expect(page.get_by_text("Saved what the second opinion said")).to_be_visible()
    expect(page.get_by_label("Is there a less invasive option?")).to_have_value(
        "Yes: lumpectomy, then radiation."
    )
    axe_check("outcome saved")

    # Added in place by htmx: what was on the page stays, focus goes to the section.
    page.get_by_label("What to do").fill("Book the radiation oncology consultation")
    page.get_by_label("By when").fill("2026-12-01")
    page.get_by_role("button", name="Add action").click()
    actions = page.locator("#follow-up-actions")
    expect(actions).to_contain_text("Book the radiation oncology consultation")
    expect(actions).to_contain_text("1 December 2026")
    expect(page.get_by_role("heading", name="Things to do next")).to_be_focused()
    expect(page.locator("#announcer")).to_have_text("Follow-up action added.")
    axe_check("follow-up action added")

    page.get_by_role("link", name="Next: compare the opinions side by side").click()
    table = page.get_by_role("table", name="The opinions side by side")
    treatment = table.get_by_role("row").filter(has_text="Recommended treatment")
    expect(treatment.get_by_role("rowheader")).to_contain_text("Differs")
    expect(treatment).to_contain_text("Differs from the original")
    expect(table.get_by_role("rowheader", name="Diagnosis", exact=True)).to_be_visible()
    axe_check("comparison")

    page.get_by_role("link", name="Decide what to do next").click()
    axe_check("decision form")
    page.get_by_label("Switch to this provider").check()
    page.get_by_label("Why", exact=True).fill(
        "A less invasive path, and the team at the university."
    )
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_role("heading", level=1, name="Maria Lopez")).to_be_visible()
    expect(page.locator(".outcome-panel .tag")).to_have_text("Decided")
    summary = page.get_by_role("link", name="Download the decision summary (PDF, US Letter)")
    expect(summary).to_be_visible()
    axe_check("case page, decided")


def test_a_disagreement_leads_to_a_third_opinion(page, axe_check, login):
    owner, case, opinion = maria_case()
    opinion.result = Result.DISAGREEMENT
    opinion.outcome_on = timezone.localdate()
    opinion.outcome_diagnosis = "Atypical ductal hyperplasia, not cancer"
    opinion.outcome_treatment = "Watchful waiting with imaging every six months"
    opinion.save()
    records = list(opinion.records.all())
    records[0].status = RecordStatus.SENT
    records[0].sent_on = timezone.localdate()
    records[1].status = RecordStatus.RECEIVED
    for record in records[:2]:
        record.save()
    login(owner.email, PASSWORD)
    axe_check("dashboard")

    page.goto(case.get_absolute_url())
    panel = page.locator(".outcome-panel")
    expect(panel.locator(".tag")).to_have_text("Opinion received")
    axe_check("case page, opinion received")
    panel.get_by_role("link", name="Decide what to do next").click()
    axe_check("decision form")
    page.get_by_label("Seek another opinion").check()
    page.get_by_label("Why", exact=True).fill("The two doctors disagree about the diagnosis.")
    page.get_by_role("button", name="Save the decision").click()

    expect(page.get_by_text("The third opinion has started")).to_be_visible()
    expect(panel.get_by_role("heading", name="Third opinion")).to_be_visible()
    expect(panel.locator(".tag")).to_have_text("Seeking an opinion")
    expect(panel).to_contain_text("Insurance and referral: not started")
    expect(panel).to_contain_text("Appointment: not booked")
    expect(panel).to_contain_text("Records: 2 received, to send again to the new specialist")
    expect(panel).to_contain_text("Second opinion: Disagreement")
    expect(panel.get_by_role("link", name="Record what the specialist said")).to_be_visible()
    axe_check("case page, third opinion")
