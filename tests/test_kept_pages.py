"""Parts of the case page and the dashboard are kept under the case's revision
(cases/revisions.py, cases/fragments.py): every change shows at once, and nobody is
ever shown what was kept for someone else, in another language or on another day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import revisions
from cases.models import (
    Attachment,
    Case,
    FileKind,
    FollowUpAction,
    InsuranceCall,
    Invitation,
    Medication,
    Membership,
    Opinion,
    Question,
    RecordItem,
    RecordRequest,
    Role,
)
from cases.services.opinions import start_next_opinion
from tests.factories import add_member, make_user
from tests.sections_support import VALID, post_section

# Rows that belong to a case but show on no kept part: each with the reason.
NOT_SHOWN = {
    "SentReminder": "which reminders were sent: read by the daily job only",
}


def _path_to_case(model: type[models.Model], depth: int = 3) -> bool:
    if model is Case:
        return True
    if depth == 0:
        return False
    return any(
        f.many_to_one and f.related_model is not None and _path_to_case(f.related_model, depth - 1)
        for f in model._meta.concrete_fields
    )


def test_every_model_that_belongs_to_a_case_gives_it_a_new_revision():
    belongs = {
        m.__name__
        for m in apps.get_app_config("cases").get_models()
        if m is not Case and _path_to_case(m)
    }
    listed = {m.__name__ for m in revisions.CASE_LOOKUPS}
    assert belongs - set(NOT_SHOWN) == listed


def _revision(case: Case) -> int:
    return Case.objects.values_list("revision", flat=True).get(pk=case.pk)


def _record(case: Case) -> RecordItem:
    return RecordItem.objects.create(opinion=case.current_opinion(), name="Blood tests")


MAKERS = {
    "opinion": lambda case: Opinion.objects.create(case=case, number=3),
    "medication": lambda case: Medication.objects.create(case=case, name="Metformin"),
    "membership": lambda case: add_member(case, make_user("dora@example.org"), Role.VIEWER),
    "invitation": lambda case: Invitation.objects.create(case=case, email="eve@example.org"),
    "record": _record,
    "question": lambda case: Question.objects.create(opinion=case.current_opinion(), text="Why?"),
    "call": lambda case: InsuranceCall.objects.create(
        opinion=case.current_opinion(), called_on=dt.date(2026, 11, 2)
    ),
    "action": lambda case: FollowUpAction.objects.create(
        opinion=case.current_opinion(), description="Book a scan"
    ),
    "letter": lambda case: RecordRequest.objects.create(
        opinion=case.current_opinion(), source="City Hospital"
    ),
    "attachment": lambda case: Attachment.objects.create(
        record=_record(case), file="kept/scan.pdf", name="scan.pdf", kind=FileKind.PDF, size=1
    ),
}


@pytest.mark.parametrize("kind", MAKERS)
def test_adding_changing_and_removing_anything_of_a_case_gives_it_a_new_revision(case, kind):
    seen = {_revision(case)}
    row = MAKERS[kind](case)
    assert _revision(case) not in seen
    seen.add(_revision(case))
    row.save()
    assert _revision(case) not in seen
    seen.add(_revision(case))
    row.delete()
    assert _revision(case) not in seen


def test_a_stale_copy_of_the_case_saved_late_never_brings_back_an_old_revision(case):
    stale = Case.objects.get(pk=case.pk)
    old = stale.revision
    Medication.objects.create(case=case, name="Metformin")
    after_the_medicine = _revision(case)
    stale.notes = "Written in another tab"
    stale.save(update_fields=["notes"])
    assert _revision(case) not in (old, after_the_medicine)


def test_a_members_new_name_shows_on_their_cases(case, caregiver, owner_client):
    url = case.get_absolute_url()
    assert "Roberto" not in owner_client.get(url).content.decode()
    caregiver.first_name = "Roberto"
    caregiver.save()
    assert "Roberto" in owner_client.get(url).content.decode()


def test_signing_in_does_not_throw_away_what_was_kept(case, owner):
    before = _revision(case)
    owner.last_login = timezone.now()
    owner.save(update_fields=["last_login"])
    assert _revision(case) == before


def _both_pages(client, case) -> str:
    return (
        client.get(case.get_absolute_url()).content.decode()
        + client.get(reverse("dashboard")).content.decode()
    )


def test_a_save_through_the_app_shows_at_once_on_the_case_page_and_the_dashboard(
    case, owner_client
):
    assert "Lymphoma" not in _both_pages(owner_client, case)
    response = post_section(
        owner_client,
        "case_edit_diagnosis",
        case,
        {**VALID["case_edit_diagnosis"], "condition": "Lymphoma"},
    )
    assert response.status_code == 302
    # The condition is on the case page (twice: heading, diagnosis) and on its card.
    assert _both_pages(owner_client, case).count("Lymphoma") >= 3


def test_moving_an_item_and_a_new_opinion_show_at_once(case, owner, owner_client):
    """The two services that write in bulk (no signals) give the case a new revision."""
    opinion = case.current_opinion()
    before = owner_client.get(case.get_absolute_url()).content.decode()
    assert "Getting the second opinion" in before
    first, second = (
        Question.objects.create(opinion=opinion, text=t, position=i)
        for i, t in enumerate(["First?", "Second?"])
    )
    revision = _revision(case)
    owner_client.post(
        reverse("question_move", kwargs={"case_id": case.pk, "item_id": second.pk}),
        {"direction": "up"},
    )
    assert _revision(case) != revision
    opinion.result = "confirmed"
    opinion.save()
    start_next_opinion(opinion)
    assert "Getting the third opinion" in owner_client.get(case.get_absolute_url()).content.decode()


def test_each_reader_gets_their_own_words(case, owner_client, viewer_client):
    owner_page = owner_client.get(case.get_absolute_url()).content.decode()
    viewer_page = viewer_client.get(case.get_absolute_url()).content.decode()
    assert "Change<span" in owner_page
    assert "Change<span" not in viewer_page
    assert "(you)" in viewer_page.split("Who can see this case", 1)[1][:2000]


def test_spanish_after_english_is_spanish(case, owner_client):
    owner_client.get(case.get_absolute_url())
    owner_client.post(reverse("set_language"), {"language": "es", "next": "/"})
    page = owner_client.get(case.get_absolute_url()).content.decode()
    assert "Quién puede ver este caso" in page
    assert "Who can see this case" not in page


def test_a_new_day_counts_the_days_afresh(case, owner_client, monkeypatch):
    case.treatment_start_by = timezone.localdate() + dt.timedelta(days=20)
    case.save()
    first = owner_client.get(case.get_absolute_url()).content.decode()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: tomorrow)
    second = owner_client.get(case.get_absolute_url()).content.decode()
    assert first != second


def test_a_kept_case_page_reads_only_the_session_the_person_and_the_case(case, owner_client):
    url = case.get_absolute_url()
    owner_client.get(url)  # the session, and the parts kept
    with CaptureQueriesContext(connection) as kept:
        owner_client.get(url)
    revisions.touch(case)
    with CaptureQueriesContext(connection) as built:
        owner_client.get(url)
    assert len(kept) < len(built)
    assert len(kept) <= 3


def test_the_dashboard_builds_only_the_cards_of_cases_that_changed(owner, owner_client, case):
    others = [Case.objects.create(patient_name=f"P{i}", condition="C") for i in range(3)]
    for other in others:
        Membership.objects.create(case=other, user=owner, role=Role.OWNER)
    owner_client.get(reverse("dashboard"))
    other = others[0]
    other.condition = "Changed condition"
    other.save()
    page = owner_client.get(reverse("dashboard")).content.decode()
    assert "Changed condition" in page


def test_deleting_a_case_does_not_renumber_it_for_every_row_it_takes_along(case):
    for i in range(5):
        Question.objects.create(opinion=case.current_opinion(), text=f"Q{i}?")
    with CaptureQueriesContext(connection) as deleting:
        Case.objects.get(pk=case.pk).delete()
    updates = [
        q["sql"] for q in deleting if q["sql"].startswith("UPDATE") and "revision" in q["sql"]
    ]
    assert updates == []
    assert not Case.objects.filter(pk=case.pk).exists()
