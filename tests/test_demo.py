"""`manage.py load_demo`: a whole, realistic product on first run, and never in production."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cases import roadmap
from cases.models import (
    Attachment,
    AuthorityKind,
    Case,
    InsuranceCall,
    Medication,
    Membership,
    Question,
    RecordItem,
    Role,
)
from cases.models.items import RecordFormat, RecordStatus

pytestmark = pytest.mark.django_db

DEMO_EMAIL = "demo@example.org"
PASSWORD = "demo-second-opinion"


def load(*args: str) -> str:
    out = StringIO()
    with override_settings(DEBUG=True):
        call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [
        Case,
        Membership,
        RecordItem,
        Medication,
        Question,
        InsuranceCall,
        Attachment,
        get_user_model(),
    ]
    return {m.__name__: m.objects.count() for m in models}


def demo_case(name: str) -> Case:
    return Case.objects.get(patient_name=name)


def test_it_is_refused_while_debug_is_off():
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo", stdout=StringIO())
    assert not get_user_model().objects.filter(email=DEMO_EMAIL).exists()


def test_it_prints_where_to_go_and_how_to_sign_in():
    out = load()
    lines = out.strip().splitlines()
    assert "http://127.0.0.1:8000" in out
    assert any("Sign in as demo@example.org / demo-second-opinion" in line for line in lines[-3:])


def test_running_it_twice_changes_nothing():
    load()
    first = counts()
    ids = set(Case.objects.values_list("id", flat=True))
    out = load()
    assert counts() == first
    assert set(Case.objects.values_list("id", flat=True)) == ids
    assert "already loaded" in out
    assert first["Case"] == 3


def test_reset_rebuilds_the_cases_without_duplicates():
    load()
    first = counts()
    load("--reset")
    assert counts() == first


def test_the_demo_accounts_can_sign_in(client):
    load()
    response = client.post(reverse("account_login"), {"login": DEMO_EMAIL, "password": PASSWORD})
    assert response["Location"] == reverse("dashboard")
    page = client.get(reverse("dashboard"))
    assert b"Maria Lopez" in page.content and b"John Lopez" in page.content
    client.post(reverse("account_logout"))
    response = client.post(
        reverse("account_login"), {"login": "emma@example.org", "password": PASSWORD}
    )
    assert response["Location"] == reverse("dashboard")


def _assert_every_step_filled(case: Case) -> None:
    today = timezone.localdate()
    # The first opinion and why another is sought
    for field in ("condition", "prognosis", "diagnosed_by_name", "diagnosed_by_specialty"):
        assert getattr(case, field), field
    assert case.diagnosed_on < today
    assert case.treatment_kind and case.treatment_description and case.treatment_urgency
    assert case.treatment_start_by > today
    assert case.reasons
    # Step 1
    assert case.inform_choice == "told" and case.informed_on and case.provider_response
    assert case.provider_offered_records
    # Step 2
    assert case.insurer and case.insurance_plan and case.member_id and case.insurer_phone
    opinion = case.current_opinion()
    assert opinion.key_question
    assert opinion.coverage == "covered"
    assert opinion.referral_status == "approved" and opinion.referral_reference
    assert opinion.prior_auth_status == "not_needed"
    assert opinion.in_network == "yes" and opinion.estimated_cost
    assert opinion.calls.count() == 2
    assert all(c.reference and c.spoke_with and c.notes for c in opinion.calls.all())
    # Step 3
    records = list(opinion.records.all())
    assert 6 <= len(records) <= 7
    assert sum(r.is_ready for r in records) >= 4
    assert all(r.source for r in records)
    # Step 4
    assert opinion.specialist_name and opinion.specialist_specialty
    assert opinion.specialist_institution and opinion.specialist_address
    assert opinion.appointment_at.date() > today
    assert opinion.appointment_mode == "in_person" and opinion.will_ask_to_record
    assert opinion.records_arrived
    assert case.medications.count() >= 2
    assert all(m.dose and m.frequency for m in case.medications.all())
    assert opinion.questions.count() >= 5


def test_marias_case_fills_every_step_around_her_surgery():
    load()
    case = demo_case("Maria Lopez")
    _assert_every_step_filled(case)
    assert case.relationship == "self"
    assert case.treatment_kind == "surgery" and case.treatment_urgency == "weeks"
    assert set(case.reasons) == {"major_treatment", "less_invasive", "personal_comfort"}
    assert Membership.objects.get(case=case).user.email == DEMO_EMAIL
    records = case.current_opinion().records.all()
    assert records.get(kind="pathology").status == RecordStatus.SENT
    overdue = [r for r in records if r.needs_follow_up()]
    assert [(timezone.localdate() - r.requested_on).days for r in overdue] == [12, 34]
    # One records-request letter sent 12 days ago, one past its 30 days.
    today = timezone.localdate()
    clocks = {s.name: s.clock for s in roadmap.for_case(case).letter_clocks}
    assert clocks["Riverside imaging department, (555) 013-2290"].days_left == 18
    assert clocks["Bayview Women's Clinic"].overdue
    assert clocks["Bayview Women's Clinic"].deadline == today - dt.timedelta(days=4)
    assert 5 <= case.current_opinion().questions.count() <= 6
    # In 3 days, so that `make run` shows a reminder at once (tests/test_reminders.py).
    days_away = (case.current_opinion().appointment_at.date() - timezone.localdate()).days
    assert days_away == 3


def test_johns_case_is_run_by_maria_with_a_proxy_and_viewed_by_their_daughter():
    load()
    case = demo_case("John Lopez")
    _assert_every_step_filled(case)
    assert case.relationship == "spouse"
    assert "multiple sclerosis" in case.condition.lower()
    disc = case.current_opinion().records.get(name="MRI scans of the brain on CD")
    assert disc.format == RecordFormat.DISC and disc.status == RecordStatus.RECEIVED
    maria = Membership.objects.get(case=case, user__email=DEMO_EMAIL)
    assert maria.role == Role.OWNER
    assert maria.authority_kind == AuthorityKind.PROXY
    assert maria.authority_expires == timezone.localdate() + dt.timedelta(days=20)
    emma = Membership.objects.get(case=case, user__email="emma@example.org")
    assert emma.role == Role.VIEWER and emma.authority_kind == ""
    assert not Membership.objects.filter(
        user__email="emma@example.org", case=demo_case("Maria Lopez")
    ).exists()


def test_rosas_case_shows_an_outcome_compared_and_decided(client):
    load()
    case = demo_case("Rosa Alvarez")
    opinion = case.current_opinion()
    assert opinion.stage == "decided"
    assert opinion.result == "disagreement" and opinion.decision == "switch"
    assert all(q.answer for q in opinion.questions.all())
    client.force_login(Membership.objects.get(case=case).user)
    page = client.get(reverse("opinion_compare", kwargs={"case_id": case.pk})).content.decode()
    assert "Differs" in page
    assert "Twelve weeks of physiotherapy" in page


def test_maria_has_a_pathology_pdf_and_a_lab_image_and_john_a_dicom_zip(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        load()
    maria = Attachment.objects.in_case(demo_case("Maria Lopez")).order_by("id")
    assert [(a.kind, a.record.kind) for a in maria] == [("pdf", "pathology"), ("png", "labs")]
    assert maria[0].pages >= 1 and maria[1].thumbnail
    john = Attachment.objects.in_case(demo_case("John Lopez")).get()
    assert (john.kind, john.record.kind) == ("zip", "images")
    # A reset erases the old cases' stored objects with them.
    names = [n for a in Attachment.objects.all() for n in a.stored_names()]
    with django_capture_on_commit_callbacks(execute=True):
        load("--reset")
    from cases.models.files import attachments_storage

    assert not any(attachments_storage().exists(n) for n in names)
    assert Attachment.objects.count() == 3
