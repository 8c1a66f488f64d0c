"""The activity trail: every change to a case's data, and every packet download."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import activity, audit
from cases.models import Invitation, Medication, Role
from cases.models.items import RecordStatus
from tests.factories import make_case, make_staff, make_user, sign_in
from tests.test_access_policy import URL_NAMES, _kwargs_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def names(owner, caregiver, viewer):
    for user, first, last in (
        (owner, "Alice", "Lopez"),
        (caregiver, "Bob", ""),
        (viewer, "Vera", ""),
    ):
        user.first_name, user.last_name = first, last
        user.save()


def describe_all(case) -> list[activity.Activity]:
    return activity.describe_page(list(audit.for_case(case)))


def feed(case) -> list[str]:
    return [a.text for a in describe_all(case)]


def test_a_record_status_change_reads_as_a_sentence(owner, case):
    record = case.current_opinion().records.create(name="MRI scans on disc", status="requested")
    with set_actor(owner):
        record.status = RecordStatus.RECEIVED
        record.save()
    assert feed(case)[0] == (
        "Alice Lopez changed the status of ‘MRI scans on disc’ from requested to received"
    )


def test_adding_and_removing_a_medication(caregiver, case):
    with set_actor(caregiver):
        med = Medication.objects.create(case=case, name="Tamoxifen")
        med.delete()
    assert feed(case)[:2] == [
        "Bob removed the medication ‘Tamoxifen’",
        "Bob added the medication ‘Tamoxifen’",
    ]


def test_a_packet_download_is_recorded(viewer, case):
    audit.record_packet_download(case, viewer)
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == viewer
    assert feed(case)[0] == "Vera downloaded the packet"


def test_case_edits_dates_and_sharing_read_plainly(owner, caregiver, viewer, case):
    with set_actor(owner):
        case.condition = "Stage II breast cancer"
        case.patient_dob = dt.date(1961, 4, 2)
        case.save()
        opinion = case.current_opinion()
        opinion.specialist_name = "Dr Chen"
        opinion.save()
        m = case.memberships.get(user=viewer)
        m.role = Role.EDITOR
        m.save()
        Invitation.objects.create(case=case, email="cousin@example.org", invited_by=owner)
    with set_actor(viewer):
        m.delete()
    lines = feed(case)
    assert lines[:4] == [
        "Vera left the case",
        "Alice Lopez invited cousin@example.org as a viewer",
        "Alice Lopez changed Vera’s role from viewer to editor",
        "Alice Lopez set the specialist's name in the second opinion to ‘Dr Chen’",
    ]
    edit = next(
        a for a in describe_all(case) if a.text == "Alice Lopez changed 2 details of the case"
    )
    assert set(edit.details) == {
        "Date of birth: 2 April 1961",
        "Diagnosis or condition: from ‘Early-stage breast cancer’ to ‘Stage II breast cancer’",
    }
    # The fixture made the case outside any request: no one to name.
    assert lines[-1] == "Someone started this case"


def test_changes_made_through_a_page_name_the_signed_in_member(caregiver_client, case):
    url = reverse("case_edit", kwargs={"case_id": case.pk})
    form = caregiver_client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"notes": "Bring the disc", "patient_dob": ""})
    assert caregiver_client.post(url, data).status_code == 302
    assert feed(case)[0] == "Bob changed the notes"


def test_entries_carry_the_case_id_and_never_the_invitation_nonce(owner, case):
    other = make_case(owner, patient_name="John Lopez")
    with set_actor(owner):
        invitation = Invitation.objects.create(case=case, email="cousin@example.org")
        invitation.nonce = "a-new-secret-nonce"
        invitation.save()
    for entry in LogEntry.objects.all():
        assert entry.additional_data["case_id"] in (str(case.pk), str(other.pk))
        assert invitation.nonce not in str(entry.changes)
    assert not any("John" in line for line in feed(case))


def test_activity_page_is_newest_first_paginated_and_for_members_only(
    owner, viewer_client, stranger_client, case
):
    with set_actor(owner):
        for i in range(35):
            Medication.objects.create(case=case, name=f"Medicine {i}")
    url = reverse("case_activity", kwargs={"case_id": case.pk})
    page = viewer_client.get(url).content.decode()
    assert page.index("Medicine 34") < page.index("Medicine 33")
    assert "Medicine 0’" not in page
    assert "Page 1 of 2" in page
    assert "Medicine 0’" in viewer_client.get(url + "?page=2").content.decode()
    assert stranger_client.get(url).status_code == 404


def test_activity_page_costs_the_same_with_many_entries(owner, owner_client, case):
    url = reverse("case_activity", kwargs={"case_id": case.pk})
    with CaptureQueriesContext(connection) as few:
        owner_client.get(url)
    with set_actor(owner):
        for i in range(50):
            Medication.objects.create(case=case, name=f"Medicine {i}")
            m = case.memberships.create(user=make_user(f"r{i}@example.org"), role=Role.VIEWER)
            m.role = Role.EDITOR
            m.save()
    with CaptureQueriesContext(connection) as many:
        response = owner_client.get(url)
    assert response.content.decode().count("activity__item") == 30
    assert len(many) == len(few)


def test_no_app_url_edits_or_deletes_a_log_entry(owner, owner_client, case):
    audit.record_packet_download(case, owner)
    before = {e.pk: (e.changes, e.timestamp, e.actor_id) for e in LogEntry.objects.all()}
    # Every URL first: some POSTs below remove the very objects the others point at.
    # Deleting the case deletes its trail on purpose (tests/test_erasure.py), so the
    # only URL that may remove entries is left out here.
    urls = [
        reverse(name, kwargs=_kwargs_for(name, case)) for name in URL_NAMES if name != "case_delete"
    ]
    for url in urls:
        owner_client.post(url, {})
    after = {e.pk: (e.changes, e.timestamp, e.actor_id) for e in LogEntry.objects.all()}
    assert all(after.get(pk) == value for pk, value in before.items())


def test_the_admin_cannot_add_change_or_delete_log_entries(owner, case):
    admin = make_staff("root@example.org")
    client = Client()
    sign_in(client, "root@example.org", secret=admin.totp_secret)
    audit.record_packet_download(case, owner)
    entry = LogEntry.objects.first()
    base = "/admin/auditlog/logentry/"
    assert client.get(base).status_code == 200
    assert client.get(base + "add/").status_code == 403
    client.post(base + f"{entry.pk}/change/", {"action": 0})
    assert client.post(base + f"{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    client.post(base, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    entry.refresh_from_db()
    assert entry.action == LogEntry.Action.ACCESS


@pytest.mark.django_db
def test_activity_feed_query_uses_the_case_index_on_postgresql():
    """On PostgreSQL the feed's filter is served by an index, not a scan of the trail."""
    if connection.vendor != "postgresql":
        # SQLite keeps no such index; nothing to prove there beyond the query count tests.
        assert connection.vendor == "sqlite"
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = (
            LogEntry.objects.filter(additional_data__case_id="x").order_by("-timestamp").explain()
        )
    assert "cases_activity_case_idx" in plan
