"""The article's first example case, walked through all four steps of the roadmap.

Maria (early-stage breast cancer, immediate surgery proposed) does everything with the
keyboard alone, with JavaScript and htmx on. John's case, in a browser with JavaScript
off, is in test_journeys_nojs.py. Every page and state they see is checked with axe-core.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.helpers import tab_to
from tests.browser.journeys_support import bring_item, long_date, status_of, typed
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)


# Maria: the keyboard alone ----------------------------------------------------------


def test_maria_walks_all_four_steps_with_the_keyboard_alone(page: Page, axe_check, login):
    today = timezone.localdate()
    diagnosed = today - dt.timedelta(days=9)
    start_by = today + dt.timedelta(days=12)
    appointment_day = today + dt.timedelta(days=6)
    keys = page.keyboard
    announcer = page.locator("#announcer")

    make_user("maria@example.org")
    login("maria@example.org", PASSWORD)
    axe_check("dashboard")

    def press_link(name: str, **kwargs) -> None:
        tab_to(page, page.get_by_role("link", name=name, **kwargs))
        with page.expect_navigation():
            keys.press("Enter")

    def open_section(thing: str, key: str, first_field: str) -> None:
        """Open a section's form in place; focus moves to its first field."""
        tab_to(page, page.get_by_role("link", name=f"Change {thing}"))
        keys.press("Enter")
        expect(page.locator(f"#section-{key}").get_by_label(first_field).first).to_be_focused()
        axe_check(f"{key} form in place")

    def save_section(key: str, title: str) -> None:
        tab_to(page, page.locator(f"#section-{key}").get_by_role("button", name="Save"))
        keys.press("Enter")
        expect(page.locator(f"#section-{key}-title")).to_be_focused()
        expect(announcer).to_have_text(f"{title} saved.")
        axe_check(f"{key} saved")

    def field(key: str, label: str, **kwargs):
        return page.locator(f"#section-{key}").get_by_label(label, **kwargs)

    # Start the case.
    press_link("Start a new case")
    axe_check("new case form")
    tab_to(page, page.get_by_label("Full name of the patient"))
    keys.type("Maria Lopez")
    tab_to(page, page.get_by_label("Myself"))
    expect(page.get_by_label("Myself")).to_be_checked()
    tab_to(page, page.get_by_label("Diagnosis or condition"))
    keys.type("Early-stage breast cancer")
    tab_to(page, page.get_by_role("button", name="Create case"))
    with page.expect_navigation():
        keys.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Maria Lopez")).to_be_visible()
    expect(page.locator(".flash")).to_contain_text("Case created for Maria Lopez.")
    axe_check("new case page")

    # The diagnosis, and who gave it.
    open_section("diagnosis", "diagnosis", "Diagnosis or condition")
    tab_to(page, field("diagnosis", "Clinician's name"))
    keys.type("Dr. Alan Reed")
    tab_to(page, field("diagnosis", "Specialty"))
    keys.type("Breast surgery")
    tab_to(page, field("diagnosis", "Hospital or practice"))
    keys.type("Riverside Community Hospital")
    tab_to(page, field("diagnosis", "Date of the diagnosis"))
    keys.type(typed(diagnosed))
    save_section("diagnosis", "Diagnosis")
    expect(page.locator("#section-diagnosis")).to_contain_text("Dr. Alan Reed")
    expect(page.locator("#section-diagnosis")).to_contain_text(long_date(diagnosed))

    # The proposed treatment: surgery, immediately, with a start-by date.
    open_section("proposed treatment", "treatment", "Surgery")
    keys.press("Space")
    tab_to(page, field("treatment", "What was proposed"))
    keys.type("Lumpectomy or mastectomy, as soon as possible")
    tab_to(page, field("treatment", "Immediately, within days"))
    keys.press("Space")
    tab_to(page, field("treatment", "Treatment would start by"))
    keys.type(typed(start_by))
    save_section("treatment", "Proposed treatment")
    treatment = page.locator("#section-treatment")
    expect(treatment).to_contain_text("Surgery")
    expect(treatment).to_contain_text("Immediately, within days")
    expect(treatment).to_contain_text(long_date(start_by))

    # Her reasons.
    open_section("reasons", "reasons", "Uncertainty about the diagnosis")
    tab_to(page, field("reasons", "A major treatment was recommended"))
    keys.press("Space")
    tab_to(page, field("reasons", "Wanting less invasive or alternative options"))
    keys.press("Space")
    save_section("reasons", "Reasons for another opinion")
    expect(page.locator("#section-reasons li")).to_have_text(
        ["A major treatment was recommended", "Wanting less invasive or alternative options"]
    )

    # Step 1: she tells her primary provider, who offers to forward her records.
    press_link("1. Inform your primary provider")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Step 1: Inform your primary provider"
    )
    axe_check("step 1")
    open_section("primary provider", "provider", "Your primary provider’s name")
    keys.type("Dr. Susan Park")
    save_section("provider", "Your primary provider")
    open_section("whether you told them", "inform", "Not decided yet")
    keys.press("ArrowDown")
    keys.press("ArrowDown")
    expect(field("inform", "I have told them")).to_be_checked()
    tab_to(page, field("inform", "When you told them"))
    keys.type(typed(today - dt.timedelta(days=2)))
    tab_to(page, field("inform", "How they responded"))
    keys.type("Supportive. Said a second opinion is sensible.")
    tab_to(page, field("inform", "They offered to forward records"))
    keys.press("Space")
    save_section("inform", "Telling them")

    # Step 2: insurer, coverage, an approved referral, and the call that settled it.
    press_link("Go to step 2: Check insurance and referral")
    axe_check("step 2")
    open_section("insurance policy", "policy", "Insurer")
    keys.type("Acme Health")
    tab_to(page, field("policy", "Member ID"))
    keys.type("XJ123456789")
    save_section("policy", "Your insurance policy")
    expect(page.locator("#section-policy")).to_contain_text("•••••••6789")

    open_section("coverage and cost", "coverage", "Not checked yet")
    keys.press("ArrowDown")
    expect(field("coverage", "Covered", exact=True)).to_be_checked()
    tab_to(page, field("coverage", "Estimated out-of-pocket cost"))
    keys.type("$150")
    save_section("coverage", "Coverage and cost")
    expect(page.locator("#section-coverage")).to_contain_text("$150.00")

    open_section("referral", "referral", "Not checked yet")
    for _ in range(4):  # Not needed, To request, Requested, Approved
        keys.press("ArrowDown")
    expect(field("referral", "Approved", exact=True)).to_be_checked()
    tab_to(page, field("referral", "Referral requested on"))
    keys.type(typed(today - dt.timedelta(days=5)))
    tab_to(page, field("referral", "Referral approved or denied on"))
    keys.type(typed(today - dt.timedelta(days=1)))
    tab_to(page, field("referral", "Referral reference number"))
    keys.type("REF-20417")
    save_section("referral", "Referral")
    expect(page.locator("#section-referral")).to_contain_text("REF-20417")

    open_section("prior authorization", "prior_auth", "Not checked yet")
    keys.press("ArrowDown")
    expect(field("prior_auth", "Not needed")).to_be_checked()
    save_section("prior_auth", "Prior authorization")

    calls = page.locator("#calls")
    tab_to(page, calls.get_by_label("Date of the call"))
    keys.type(typed(today - dt.timedelta(days=1)))
    tab_to(page, calls.get_by_label("Who you spoke with"))
    keys.type("Dana")
    tab_to(page, calls.get_by_label("Reference number", exact=True))
    keys.type("CALL-778")
    tab_to(page, calls.get_by_label("What they said"))
    keys.type("Referral approved. The university medical center is in network.")
    tab_to(page, calls.get_by_role("button", name="Add call"))
    keys.press("Enter")
    expect(page.locator("#calls-title")).to_be_focused()
    expect(announcer).to_have_text("Call added to the log.")
    expect(page.locator("#calls")).to_contain_text("CALL-778")
    axe_check("step 2 with a call")

    # Step 3: the pathology report has arrived; the imaging on disc is requested.
    press_link("Go to step 3: Request medical records")
    axe_check("step 3")

    def set_status(record: str, presses: int, status: str) -> None:
        item = page.locator("li.item", has=page.get_by_role("heading", name=record))
        tab_to(page, item.get_by_label("Status"))
        for _ in range(presses):
            keys.press("ArrowDown")
        keys.press("Tab")
        expect(item.get_by_role("button", name="Update")).to_be_focused()
        keys.press("Enter")
        expect(announcer).to_have_text(f"Marked ‘{record}’ as {status.lower()}")
        item = page.locator("li.item", has=page.get_by_role("heading", name=record))
        expect(item.locator(".tag").first).to_have_text(status)
        expect(item.get_by_label("Status")).to_be_focused()
        axe_check(f"records after marking {record}")

    set_status("Diagnosis or pathology report", 2, "Received")
    set_status("The images themselves (MRI, X-ray, CT) on disc or USB", 1, "Requested")

    # Medications and questions, reached from the case page.
    press_link("Back to Maria Lopez’s case")
    axe_check("case page")
    # With surgery due soon and nothing booked, the case page says time matters.
    expect(page.locator(".timing-warnings")).to_contain_text(
        f"Treatment would start by {long_date(start_by)}, in 12 days, and no appointment"
    )
    press_link("Medications", exact=True)
    axe_check("medications")
    tab_to(page, page.get_by_label("Medicine"))
    keys.type("Lisinopril")
    tab_to(page, page.get_by_label("Dose"))
    keys.type("10 mg")
    tab_to(page, page.get_by_label("How often"))
    keys.type("Once a day")
    tab_to(page, page.get_by_role("button", name="Add medication"))
    keys.press("Enter")
    expect(page.get_by_role("heading", level=3, name="Lisinopril")).to_be_focused()
    expect(announcer).to_have_text("Added ‘Lisinopril’")
    axe_check("medications after adding one")

    press_link("Back to Maria Lopez’s case")
    axe_check("case page")
    press_link("Questions for the doctor", exact=True)
    axe_check("questions")
    suggestion = "What are the options, including less invasive ones and clinical trials?"
    tab_to(page, page.get_by_role("button", name=f"Add ‘{suggestion}’"))
    keys.press("Enter")
    expect(page.get_by_role("heading", level=3, name=suggestion)).to_be_focused()
    expect(announcer).to_have_text(f"Added ‘{suggestion}’")
    axe_check("questions after adding a suggestion")

    # Step 4: a specialist at a university medical center, in person, before surgery.
    press_link("Back to Maria Lopez’s case")
    axe_check("case page")
    press_link("4. Schedule the appointment")
    axe_check("step 4")
    open_section("specialist", "specialist", "Specialist's name")
    keys.type("Dr. Priya Natarajan")
    tab_to(page, field("specialist", "Specialty"))
    keys.type("Breast surgical oncology")
    tab_to(page, field("specialist", "Hospital or clinic"))
    keys.type("University Medical Center")
    save_section("specialist", "The specialist")

    open_section("appointment", "appointment", "Date and time")
    keys.type(typed(appointment_day))
    keys.press("ArrowRight")  # from the year on to the time
    keys.type("1030A")
    tab_to(page, field("appointment", "In person"))
    keys.press("Space")
    save_section("appointment", "The appointment")
    appointment = page.locator("#section-appointment")
    expect(appointment).to_contain_text(f"{appointment_day:%A %-d %B %Y} at 10:30am")
    expect(appointment).to_contain_text("In person")
    expect(appointment.get_by_role("link", name="Add to calendar")).to_be_visible()

    # Back on the case page: where each step stands and what is ready to bring.
    press_link("Back to the case and all four steps")
    axe_check("case page at the end")
    expect(status_of(page, 1)).to_have_text("Done")
    expect(status_of(page, 2)).to_have_text("Done")
    expect(status_of(page, 3)).to_have_text("In progress")
    expect(status_of(page, 4)).to_have_text("Done")
    expect(page.locator(".roadmap")).to_contain_text(
        "You told Dr. Susan Park on "
        f"{long_date(today - dt.timedelta(days=2))}. They offered to forward your records."
    )
    expect(page.locator(".roadmap")).to_contain_text(
        f"Booked for {long_date(appointment_day)} at 10:30am at University Medical Center."
    )
    # Booked before the surgery date: the warning about time has gone.
    expect(page.locator(".timing-warnings")).to_have_count(0)

    records = bring_item(page, "Medical records and test results")
    expect(records.locator(".tag")).to_have_text("Missing")
    expect(records).to_contain_text("1 of 3 ready. Still missing: Lab results, Imaging reports.")
    expect(bring_item(page, "Imaging on disc or USB").locator(".tag")).to_have_text("Missing")
    medicines = bring_item(page, "List of medications and dosages")
    expect(medicines.locator(".tag")).to_have_text("Ready")
    expect(medicines).to_contain_text("1 medicine listed.")
    questions = bring_item(page, "Questions for the doctor")
    expect(questions.locator(".tag")).to_have_text("Ready")
    expect(questions).to_contain_text("1 question written down.")
    expect(bring_item(page, "Treatment plan").locator(".tag")).to_have_text("Missing")
    expect(bring_item(page, "A notebook").locator(".tag")).to_have_text("Remember")

    # After dozens of htmx swaps nothing of the case is kept in the browser's storage:
    # htmx keeps only the current path (opaque ids) in sessionStorage, no page copies.
    local, session = page.evaluate("() => [{...localStorage}, {...sessionStorage}]")
    assert local == {}
    assert set(session) <= {"htmx-current-path-for-history"}
    assert not any(
        word in str(session) + page.evaluate("document.cookie") for word in ("Maria", "cancer")
    )
