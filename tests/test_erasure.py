"""Deleting a case deletes it, activity trail included; deleting an account leaves no case
without an owner. The canary test runs on SQLite and on PostgreSQL (CI runs both)."""

from __future__ import annotations

import json
import os

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.admin.models import CHANGE
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from cases import activity, audit
from cases.models import Case, Medication, Membership, Role
from cases.services import sharing
from cases.services.erasure import (
    TOMBSTONE_EVENT,
    CaseWithoutOwner,
    cases_without_owner,
    erase_case,
)
from tests.data_support import make_full_case
from tests.factories import (
    add_member,
    make_case,
    make_staff,
    reauthenticate,
    sign_in,
)

pytestmark = pytest.mark.django_db

CANARY = "Canary7q"


def readable_anywhere(needle: str) -> list[str]:
    """Every place in the database (each column of each table, read as text, and the
    decoded sessions) and in file storage where ``needle`` can still be read."""
    needle = needle.lower()
    hits = []
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                cursor.execute(
                    f"SELECT COUNT(*) FROM {qn(table)} "  # noqa: S608 (names from introspection)
                    f"WHERE LOWER(CAST({qn(column.name)} AS TEXT)) LIKE %s",
                    [f"%{needle}%"],
                )
                if cursor.fetchone()[0]:
                    hits.append(f"{table}.{column.name}")
    for session in Session.objects.all():
        if needle in json.dumps(session.get_decoded(), default=str).lower():
            hits.append(f"session {session.session_key}")
    media = getattr(settings, "MEDIA_ROOT", "")
    if media and os.path.isdir(media):
        for folder, _dirs, files in os.walk(media):
            for name in files:
                path = os.path.join(folder, name)
                with open(path, "rb") as f:
                    if needle.encode() in f.read().lower() or needle in name.lower():
                        hits.append(path)
    return hits


def test_nothing_of_a_deleted_case_remains_readable_anywhere(
    owner, caregiver, viewer, owner_client, caregiver_client, stranger
):
    control = make_full_case(stranger, tag="Control5x")
    case = make_full_case(owner, tag=CANARY, editor=caregiver, viewer=viewer)
    # A life of the case: edits, a removal, downloads, an export, the activity page.
    case.notes = f"{CANARY} edited notes"
    case.save()
    Medication.objects.filter(case=case).first().delete()
    owner_client.get(reverse("packet_download", kwargs={"case_id": case.pk}))
    caregiver_client.post(reverse("case_export", kwargs={"case_id": case.pk}))
    caregiver_client.get(reverse("case_activity", kwargs={"case_id": case.pk}))
    owner_client.get(case.get_absolute_url())
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw-123456789")
    AdminLogEntry.objects.log_actions(
        admin.pk, [case], CHANGE, change_message=f'[{{"changed": "{CANARY}"}}]'
    )
    before = readable_anywhere(CANARY)
    # The scan finds the case in its rows, its trail and the admin's log before deletion.
    assert {
        "cases_case.patient_name",
        "cases_medication.name",
        "cases_invitation.email",
        "auditlog_logentry.changes",
        "auditlog_logentry.object_repr",
        "django_admin_log.object_repr",
    } <= set(before), before

    reauthenticate(owner_client)
    response = owner_client.post(reverse("case_delete", kwargs={"case_id": case.pk}), follow=True)
    assert response.status_code == 200

    assert readable_anywhere(CANARY) == []
    assert "auditlog_logentry.changes" in readable_anywhere("Control5x")
    assert Case.objects.filter(pk=control.pk).exists()


def test_a_deleted_case_leaves_one_tombstone_without_health_data(owner, owner_client, case):
    case_id = str(case.pk)
    reauthenticate(owner_client)
    owner_client.post(reverse("case_delete", kwargs={"case_id": case.pk}))
    entries = list(LogEntry.objects.filter(object_pk=case_id))
    assert len(entries) == 1
    tombstone = entries[0]
    assert tombstone.action == LogEntry.Action.DELETE
    assert tombstone.actor == owner
    assert tombstone.changes in ({}, None) and tombstone.object_repr == "deleted case"
    assert tombstone.additional_data == {"event": TOMBSTONE_EVENT}
    assert not LogEntry.objects.filter(additional_data__case_id=case_id).exists()


def test_the_flash_message_after_deleting_names_no_patient(owner_client, case):
    reauthenticate(owner_client)
    response = owner_client.post(reverse("case_delete", kwargs={"case_id": case.pk}), follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert shown == ["The case has been deleted, with its activity trail."]


def test_deleting_a_case_in_the_admin_deletes_its_trail_too(owner, case):
    admin = make_staff("root@example.org")
    client = Client()
    sign_in(client, admin.email, secret=admin.totp_secret)
    url = reverse("admin:cases_case_delete", args=[case.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Case.objects.exists()
    assert not LogEntry.objects.filter(additional_data__case_id=str(case.pk)).exists()


# Accounts ----------------------------------------------------------------------------------


@pytest.fixture
def alice_setup(owner, caregiver, viewer, stranger):
    """Alice alone owns a case shared with Bob and a private one, and views Charlie's."""
    shared = make_case(owner, patient_name="Shared Person")
    add_member(shared, caregiver, Role.EDITOR)
    add_member(shared, viewer, Role.VIEWER)
    private = make_case(owner, patient_name="Private Person")
    theirs = make_case(stranger, patient_name="Their Person")
    add_member(theirs, owner, Role.VIEWER)
    return shared, private, theirs


def _choice(case, user) -> str:
    return f"member-{Membership.objects.get(case=case, user=user).pk}"


def _field(case) -> str:
    return f"case_{case.pk.hex}"


class TestDeleteAccount:
    def test_it_asks_the_person_to_confirm_who_they_are_first(self, owner_client):
        url = reverse("account_delete")
        response = owner_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_reauthenticate"))
        reauthenticate(owner_client)
        assert owner_client.get(url).status_code == 200

    def test_a_post_without_recent_sign_in_is_held_until_confirmed(self, owner, owner_client):
        response = owner_client.post(reverse("account_delete"), {"confirm": "on"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_reauthenticate"))
        assert get_user_model().objects.filter(pk=owner.pk).exists()

    def test_hand_over_the_shared_case_delete_the_private_one_leave_the_rest(
        self, owner, caregiver, stranger, owner_client, alice_setup
    ):
        shared, private, theirs = alice_setup
        reauthenticate(owner_client)
        page = owner_client.get(reverse("account_delete")).content.decode()
        assert "Private Person" in page and "Their Person" in page
        assert "Hand it over to bob@example.org" in page
        response = owner_client.post(
            reverse("account_delete"),
            {_field(shared): _choice(shared, caregiver), "confirm": "on"},
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("account_login")
        assert not get_user_model().objects.filter(pk=owner.pk).exists()
        assert Membership.objects.get(case=shared, user=caregiver).role == Role.OWNER
        assert not Case.objects.filter(pk=private.pk).exists()
        assert not LogEntry.objects.filter(additional_data__case_id=str(private.pk)).exists()
        assert list(theirs.memberships.values_list("user", flat=True)) == [stranger.pk]
        assert not cases_without_owner().exists()
        # The cases that stay say plainly what happened; the account is named nowhere.
        latest = audit.for_case(theirs).first()
        assert activity.describe(latest, {}) == (
            "A member deleted their account and no longer has access"
        )
        assert not LogEntry.objects.filter(actor_email=owner.email).exists()
        # Signed out, told on the sign-in page.
        follow = owner_client.get(response["Location"])
        assert "Your account has been deleted." in follow.content.decode()

    def test_deleting_the_shared_case_instead_deletes_it_for_everyone(
        self, owner, caregiver, owner_client, alice_setup
    ):
        shared, _private, _theirs = alice_setup
        reauthenticate(owner_client)
        owner_client.post(reverse("account_delete"), {_field(shared): "delete", "confirm": "on"})
        assert not Case.objects.filter(pk=shared.pk).exists()
        assert not Membership.objects.filter(user=caregiver).exists()

    def test_a_missing_choice_or_confirmation_is_explained_and_nothing_changes(
        self, owner, owner_client, alice_setup
    ):
        shared, *_ = alice_setup
        reauthenticate(owner_client)
        response = owner_client.post(reverse("account_delete"), {})
        errors = response.context["form"].errors
        assert errors[_field(shared)] == [
            "Choose who takes over the case for Shared Person, or delete it"
        ]
        assert errors["confirm"] == ["Tick the box to confirm that you want to delete your account"]
        assert "There is a problem" in response.content.decode()
        assert get_user_model().objects.filter(pk=owner.pk).exists()
        assert Case.objects.count() == 3

    def test_someone_removed_meanwhile_cannot_be_chosen(
        self, owner, caregiver, owner_client, alice_setup
    ):
        shared, *_ = alice_setup
        reauthenticate(owner_client)
        choice = _choice(shared, caregiver)
        Membership.objects.filter(case=shared, user=caregiver).delete()
        response = owner_client.post(
            reverse("account_delete"), {_field(shared): choice, "confirm": "on"}
        )
        assert "may have changed" in response.context["form"].errors[_field(shared)][0]
        assert get_user_model().objects.filter(pk=owner.pk).exists()

    def test_a_case_newly_owned_alone_while_choosing_stops_the_deletion(
        self, owner, caregiver, viewer, owner_client, alice_setup, monkeypatch
    ):
        """Between the form check and the deletion, Alice became sole owner of another case."""
        shared, *_ = alice_setup
        reauthenticate(owner_client)
        from cases.services import erasure

        real = erasure.sole_owned
        calls = {"n": 0}

        def sole_owned_changing(user):
            calls["n"] += 1
            if calls["n"] == 2:  # inside delete_account, after the form was built
                make_case(user, patient_name="New Person")
            return real(user)

        monkeypatch.setattr(erasure, "sole_owned", sole_owned_changing)
        monkeypatch.setattr("cases.views.data.sole_owned", sole_owned_changing)
        response = owner_client.post(
            reverse("account_delete"),
            {_field(shared): _choice(shared, caregiver), "confirm": "on"},
        )
        assert response.status_code == 200
        assert "Something changed while you were choosing" in response.content.decode()
        assert get_user_model().objects.filter(pk=owner.pk).exists()
        assert Membership.objects.get(case=shared, user=owner).role == Role.OWNER

    def test_the_page_is_reached_from_your_data(self, owner_client):
        assert reverse("account_delete") in owner_client.get(reverse("your_data")).content.decode()


class TestNoCaseWithoutAnOwner:
    """The invariant, tried every way a membership or an account can go."""

    def test_deleting_an_account_that_alone_owns_a_case_is_refused(self, owner, case):
        with pytest.raises(CaseWithoutOwner), transaction.atomic():
            owner.delete()
        assert Membership.objects.get(case=case, user=owner).role == Role.OWNER

    def test_deleting_the_last_owner_membership_is_refused(self, owner, case):
        with pytest.raises(CaseWithoutOwner), transaction.atomic():
            Membership.objects.get(case=case, user=owner).delete()
        with pytest.raises(CaseWithoutOwner), transaction.atomic():
            Membership.objects.filter(case=case, role=Role.OWNER).delete()

    def test_an_owner_among_two_may_go_and_a_whole_case_may_go(self, owner, caregiver, case):
        add = Membership.objects.get(case=case, user=caregiver)
        add.role = Role.OWNER
        add.save()
        owner.delete()
        assert not cases_without_owner().exists()
        erase_case(case, by=caregiver)
        assert not Case.objects.exists()

    def test_leaving_removing_and_transferring_never_orphan_a_case(
        self, owner, caregiver, viewer, case
    ):
        with pytest.raises(sharing.SharingError):
            sharing.leave(Membership.objects.get(case=case, user=owner))
        sharing.transfer_ownership(
            case, from_user=owner, to=Membership.objects.get(case=case, user=caregiver)
        )
        sharing.leave(Membership.objects.get(case=case, user=owner))
        with pytest.raises(sharing.SharingError):
            sharing.remove(Membership.objects.get(case=case, user=caregiver), by=caregiver)
        sharing.remove(Membership.objects.get(case=case, user=viewer), by=caregiver)
        assert not cases_without_owner().exists()

    def test_the_admin_cannot_delete_a_user_who_alone_owns_a_case(self, owner, case):
        admin = make_staff("root@example.org")
        client = Client()
        sign_in(client, admin.email, secret=admin.totp_secret)
        url = reverse("admin:auth_user_delete", args=[owner.pk])
        page = client.get(url).content.decode()
        assert "this person is its only owner" in page
        assert client.post(url, {"post": "yes"}).status_code == 200
        assert get_user_model().objects.filter(pk=owner.pk).exists()
        assert not cases_without_owner().exists()


def test_content_types_of_the_trail_exist_for_every_case_model():
    """The erasure finds entries by content type: each case model must have one."""
    from django.apps import apps

    for model in apps.get_app_config("cases").get_models():
        assert ContentType.objects.get_for_model(model)
