"""A save writes only what its form shows: a copy loaded before someone else's save landed
can no longer put back the other person's old values.

Each test lets another person's change land right after the request under test has
loaded the row (``lands_meanwhile``), which is exactly the moment two people saving at
once produce, then checks that both changes are in the database.
"""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.db.models.signals import post_init
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    AuthorityKind,
    Case,
    FollowUpAction,
    Invitation,
    Medication,
    Membership,
    Opinion,
    Question,
    RecordItem,
    Role,
)
from cases.models.items import RecordStatus
from cases.sections import SECTIONS
from cases.services import sharing
from tests.outcomes_support import decide_url, outcome_data, outcome_url, record_outcome
from tests.sections_support import VALID
from tests.test_records import edit_data

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def lands_meanwhile(model, pk, **values):
    """Another person's save of ``values`` lands just after the next load of this row."""
    landed = False

    def land(sender, instance, **kwargs):
        nonlocal landed
        if not landed and instance.pk == pk:
            landed = True
            model.objects.filter(pk=pk).update(**values)

    post_init.connect(land, sender=model, weak=False)
    try:
        yield
    finally:
        post_init.disconnect(land, sender=model)
    assert landed, "the request never loaded the row"


def version(client, path: str, form: str = "form") -> str:
    return client.get(path).context[form].initial["version"]


# Sections of the case and of its current opinion ----------------------------------------

# A column of the same row that belongs to another section, changed by someone else.
CASE_OTHER = {"insurer": "Insurer set by Bob", "notes": "Notes set by Bob"}
OPINION_OTHER = {
    "specialist_name": "Specialist set by Bob",
    "referral_reference": "REF set by Bob",
}


@pytest.mark.parametrize("key", list(SECTIONS))
def test_a_section_save_keeps_another_sections_change_that_landed_meanwhile(
    key, owner_client, case
):
    spec = SECTIONS[key]
    model, pk = (Opinion, case.current_opinion().pk) if spec.on_opinion else (Case, case.pk)
    others = OPINION_OTHER if spec.on_opinion else CASE_OTHER
    name, value = next((n, v) for n, v in others.items() if n not in spec.fields())
    path = reverse(spec.url_name, kwargs={"case_id": case.pk})
    data = {**VALID[spec.url_name], "version": version(owner_client, path)}

    with lands_meanwhile(model, pk, **{name: value}):
        response = owner_client.post(path, data)

    assert response.status_code == 302
    row = model.objects.get(pk=pk)
    assert getattr(row, name) == value
    saved = next(k for k, v in VALID[spec.url_name].items() if v and k in spec.fields())
    assert str(getattr(row, saved)) not in ("", "None")


def test_the_trail_records_only_the_sections_own_changes(owner_client, case):
    path = reverse("case_edit_diagnosis", kwargs={"case_id": case.pk})
    data = {**VALID["case_edit_diagnosis"], "version": version(owner_client, path)}

    with lands_meanwhile(Case, case.pk, insurer="Insurer set by Bob"):
        owner_client.post(path, data)

    entry = LogEntry.objects.get_for_object(case).filter(action=LogEntry.Action.UPDATE).get()
    assert set(entry.changes_dict) == {"condition", "diagnosed_by_name", "diagnosed_on"}


def test_a_section_save_moves_the_cases_updated_at(owner_client, case):
    before = Case.objects.get(pk=case.pk).updated_at
    path = reverse("insurance_policy", kwargs={"case_id": case.pk})
    owner_client.post(path, {**VALID["insurance_policy"], "version": version(owner_client, path)})
    assert Case.objects.get(pk=case.pk).updated_at > before


def test_a_stale_save_of_the_same_section_still_asks_before_overwriting(
    owner_client, caregiver_client, case
):
    """Writing fewer columns leaves the informed-overwrite flow as it was."""
    path = reverse("insurance_policy", kwargs={"case_id": case.pk})
    stale = version(owner_client, path)
    caregiver_client.post(
        path, {"insurer": "Bob's insurer", "version": version(owner_client, path)}
    )

    response = owner_client.post(path, {"insurer": "Alice's insurer", "version": stale})
    assert "Someone else changed this" in response.content.decode()
    assert Case.objects.get(pk=case.pk).insurer == "Bob's insurer"
    again = response.context["form"].data["version"]
    response = owner_client.post(path, {"insurer": "Alice's insurer", "version": again})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).insurer == "Alice's insurer"


# The outcome (with its answers) and the decision ----------------------------------------


def test_the_outcome_keeps_step_4_and_a_question_edit_that_landed_meanwhile(caregiver_client, case):
    opinion = case.current_opinion()
    question = Question.objects.create(opinion=opinion, text="How urgent is it?", position=0)
    data = outcome_data(caregiver_client, case, opinion)
    data[f"answer_{question.pk}"] = "Within six weeks"

    with (
        lands_meanwhile(Opinion, opinion.pk, specialist_name="Dr Chen"),
        lands_meanwhile(Question, question.pk, text="How soon must it start?", position=3),
    ):
        response = caregiver_client.post(outcome_url(case, opinion), data)

    assert response.status_code == 302
    opinion.refresh_from_db()
    question.refresh_from_db()
    assert (opinion.result, opinion.specialist_name) == ("adjustment", "Dr Chen")
    assert (question.answer, question.text, question.position) == (
        "Within six weeks",
        "How soon must it start?",
        3,
    )


def test_the_decision_keeps_outcome_notes_that_landed_meanwhile(owner_client, case):
    opinion = record_outcome(case.current_opinion())
    path = decide_url(case, opinion)
    data = {
        "version": version(owner_client, path),
        "decision": "switch",
        "decision_reason": "Less invasive.",
        "decided_on": dt.date.today().isoformat(),
    }

    with lands_meanwhile(Opinion, opinion.pk, outcome_notes="Bob's notes from the call"):
        assert owner_client.post(path, data).status_code == 302

    opinion.refresh_from_db()
    assert (opinion.decision, opinion.outcome_notes) == ("switch", "Bob's notes from the call")


# List items -----------------------------------------------------------------------------


def _item_url(name: str, case: Case, **kwargs) -> str:
    return reverse(name, kwargs={"case_id": case.pk, **kwargs})


def test_a_record_edit_keeps_a_move_that_landed_meanwhile(owner_client, case):
    record = case.current_opinion().records.first()
    path = _item_url("record_edit", case, item_id=record.pk)
    data = edit_data(record, version(owner_client, path, "edit_form"), notes="Ask for the CD")

    with lands_meanwhile(RecordItem, record.pk, position=42):
        assert owner_client.post(path, data).status_code == 302

    record.refresh_from_db()
    assert (record.notes, record.position) == ("Ask for the CD", 42)


def test_a_quick_status_change_keeps_notes_that_landed_meanwhile(owner_client, case):
    record = case.current_opinion().records.get(status=RecordStatus.NEEDED, kind="labs")
    path = _item_url("record_status", case, item_id=record.pk)

    with lands_meanwhile(RecordItem, record.pk, notes="Bob: the lab is closed Mondays"):
        owner_client.post(path, {"status": RecordStatus.REQUESTED, "was": RecordStatus.NEEDED})

    record.refresh_from_db()
    assert record.status == RecordStatus.REQUESTED
    assert record.notes == "Bob: the lab is closed Mondays"


def test_a_medication_edit_keeps_a_move_that_landed_meanwhile(owner_client, case):
    med = Medication.objects.create(case=case, name="Tamoxifen", position=0)
    path = _item_url("medication_edit", case, item_id=med.pk)
    form_version = version(owner_client, path, "edit_form")
    prefix = f"medication-{med.pk}-"
    data = {
        prefix + "name": "Tamoxifen",
        prefix + "dose": "20 mg",
        prefix + "version": form_version,
    }

    with lands_meanwhile(Medication, med.pk, position=5):
        assert owner_client.post(path, data).status_code == 302

    med.refresh_from_db()
    assert (med.dose, med.position) == ("20 mg", 5)


def test_a_move_keeps_an_edit_that_landed_meanwhile(owner_client, case):
    first = Medication.objects.create(case=case, name="Tamoxifen", position=0)
    Medication.objects.create(case=case, name="Vitamin D", position=1)
    path = _item_url("medication_move", case, item_id=first.pk)

    with lands_meanwhile(Medication, first.pk, dose="10 mg"):
        assert owner_client.post(path, {"direction": "down"}).status_code == 302

    first.refresh_from_db()
    assert (first.dose, first.position) == ("10 mg", 1)


def test_a_question_edit_keeps_a_move_that_landed_meanwhile(owner_client, case):
    question = Question.objects.create(opinion=case.current_opinion(), text="Why?", position=0)
    path = _item_url("question_edit", case, item_id=question.pk)
    form_version = version(owner_client, path, "edit_form")
    prefix = f"question-{question.pk}-"
    data = {prefix + "text": "Why now?", prefix + "answer": "", prefix + "version": form_version}

    with lands_meanwhile(Question, question.pk, position=7):
        assert owner_client.post(path, data).status_code == 302

    question.refresh_from_db()
    assert (question.text, question.position) == ("Why now?", 7)


def test_saving_an_item_removed_after_it_was_loaded_says_so(owner_client, case):
    record = case.current_opinion().records.first()
    path = _item_url("record_edit", case, item_id=record.pk)
    data = edit_data(record, version(owner_client, path, "edit_form"), notes="Too late")
    removed = False

    def remove(sender, instance, **kwargs):
        nonlocal removed
        if not removed and instance.pk == record.pk:
            removed = True
            RecordItem.objects.filter(pk=record.pk).delete()

    post_init.connect(remove, sender=RecordItem, weak=False)
    try:
        response = owner_client.post(path, data)
    finally:
        post_init.disconnect(remove, sender=RecordItem)

    assert response.status_code == 200
    assert "Someone else removed this while you were editing" in response.content.decode()


def test_mark_as_done_from_an_old_page_leaves_it_done(owner_client, caregiver_client, case):
    action = FollowUpAction.objects.create(opinion=case.current_opinion(), description="Call")
    path = _item_url("outcome_action_done", case, action_id=action.pk)
    # Both pages offered "Mark as done"; Bob clicked first.
    assert caregiver_client.post(path, {"done": "yes"}).status_code == 302
    assert owner_client.post(path, {"done": "yes"}).status_code == 302
    action.refresh_from_db()
    assert action.done
    owner_client.post(path, {"done": "no"})
    action.refresh_from_db()
    assert not action.done


def test_mark_as_done_without_saying_which_is_a_bad_request(owner_client, case):
    action = FollowUpAction.objects.create(opinion=case.current_opinion(), description="Call")
    path = _item_url("outcome_action_done", case, action_id=action.pk)
    assert owner_client.post(path).status_code == 400
    action.refresh_from_db()
    assert not action.done


def test_the_outcome_page_offers_what_each_button_does(owner_client, case):
    opinion = case.current_opinion()
    FollowUpAction.objects.create(opinion=opinion, description="Call", done=True)
    FollowUpAction.objects.create(opinion=opinion, description="Book")
    html = owner_client.get(outcome_url(case, opinion)).content.decode()
    assert html.count('name="done" value="no"') == 1
    assert html.count('name="done" value="yes"') == 1


# Members --------------------------------------------------------------------------------


def _member_url(name: str, case: Case, member: Membership | None = None) -> str:
    kwargs = {"case_id": case.pk} | ({"member_id": member.pk} if member else {})
    return reverse(name, kwargs=kwargs)


def test_recording_your_authority_cannot_restore_a_role_taken_away_meanwhile(
    caregiver, caregiver_client, case
):
    bob = Membership.objects.get(case=case, user=caregiver)
    path = _member_url("my_authority", case)
    data = {"authority_kind": AuthorityKind.PROXY, "authority_expires": "", "version": ""}
    data["version"] = version(caregiver_client, path)

    with lands_meanwhile(Membership, bob.pk, role=Role.VIEWER):
        assert caregiver_client.post(path, data).status_code == 302

    bob.refresh_from_db()
    assert (bob.role, bob.authority_kind) == (Role.VIEWER, AuthorityKind.PROXY)


def test_changing_a_role_keeps_authority_recorded_meanwhile(owner_client, caregiver, case):
    bob = Membership.objects.get(case=case, user=caregiver)
    path = _member_url("member_role", case, bob)
    data = {"role": Role.VIEWER, "version": version(owner_client, path)}

    with lands_meanwhile(Membership, bob.pk, authority_kind=AuthorityKind.POA):
        assert owner_client.post(path, data).status_code == 302

    bob.refresh_from_db()
    assert (bob.role, bob.authority_kind) == (Role.VIEWER, AuthorityKind.POA)


def test_cancelling_an_invitation_accepted_meanwhile_is_refused(owner, case):
    invitation = Invitation.objects.create(case=case, email="dan@example.org", invited_by=owner)
    stale = Invitation.objects.get(pk=invitation.pk)
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())

    with pytest.raises(sharing.SharingError):
        sharing.cancel(stale)

    invitation.refresh_from_db()
    assert invitation.cancelled_at is None


def test_handing_over_to_someone_removed_meanwhile_is_refused(owner, caregiver, case):
    bob = Membership.objects.get(case=case, user=caregiver)
    Membership.objects.filter(pk=bob.pk).delete()

    with pytest.raises(sharing.SharingError):
        sharing.transfer_ownership(case, from_user=owner, to=bob)

    assert Membership.objects.get(case=case, user=owner).role == Role.OWNER
