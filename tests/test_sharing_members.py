"""Members of a case: roles, removal, ownership, leaving, authority on file."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import AuthorityKind, Membership, Role
from cases.services.sharing import authority_warnings
from tests.factories import add_member, make_user, reauthenticate

pytestmark = pytest.mark.django_db


def url(name: str, case, member=None) -> str:
    kwargs = {"case_id": case.pk}
    if member is not None:
        kwargs["member_id"] = member.pk
    return reverse(name, kwargs=kwargs)


def membership(case, user) -> Membership:
    return Membership.objects.get(case=case, user=user)


def test_members_page_shows_role_since_inviter_and_authority(owner, caregiver, viewer, case):
    m = membership(case, viewer)
    m.invited_by = owner
    m.authority_kind = AuthorityKind.PROXY
    m.save()
    from django.test import Client

    client = Client()
    client.force_login(viewer)
    page = client.get(url("case_members", case)).content.decode()
    for text in ("alice@example.org", "bob@example.org", "vera@example.org", "Health care proxy"):
        assert text in page
    assert "Owner" in page and "Editor" in page and "Viewer" in page
    assert "Started the case" in page  # Alice invited nobody: she began it
    assert "Change role" not in page  # a viewer manages nobody
    assert "Leave this case" in page


def test_members_page_costs_the_same_with_many_members(
    owner_client, case, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        owner_client.get(url("case_members", case))
    for i in range(30):
        add_member(case, make_user(f"relative{i}@example.org"), Role.VIEWER)
        case.invitations.create(email=f"friend{i}@example.org")
    with django_assert_max_num_queries(len(few)):
        response = owner_client.get(url("case_members", case))
    assert response.content.decode().count("relative") >= 30


def test_owner_changes_a_role_and_it_applies_on_the_next_request(
    owner_client, caregiver, caregiver_client, case
):
    bob = membership(case, caregiver)
    assert caregiver_client.get(url("case_edit", case)).status_code == 200
    form = owner_client.get(url("member_role", case, bob)).context["form"]
    response = owner_client.post(
        url("member_role", case, bob), {"role": Role.VIEWER, "version": form.initial["version"]}
    )
    assert response.status_code == 302
    assert membership(case, caregiver).role == Role.VIEWER
    assert caregiver_client.get(url("case_edit", case)).status_code == 403
    assert caregiver_client.get(url("case_detail", case)).status_code == 200


def test_a_role_cannot_be_set_to_owner_through_the_role_form(owner_client, caregiver, case):
    bob = membership(case, caregiver)
    response = owner_client.post(url("member_role", case, bob), {"role": Role.OWNER})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert membership(case, caregiver).role == Role.EDITOR


def test_owner_removes_someone_and_their_next_request_is_refused(
    owner_client, viewer, viewer_client, case
):
    assert viewer_client.get(url("case_detail", case)).status_code == 200
    vera = membership(case, viewer)
    assert owner_client.get(url("member_remove", case, vera)).status_code == 200
    response = owner_client.post(url("member_remove", case, vera), follow=True)
    assert "no longer has access" in response.content.decode()
    assert viewer_client.get(url("case_detail", case)).status_code == 404
    assert viewer_client.get(url("case_members", case)).status_code == 404


def test_owner_cannot_remove_or_demote_themself(owner, owner_client, case):
    me = membership(case, owner)
    response = owner_client.post(url("member_remove", case, me), follow=True)
    assert "You cannot change your own access here" in response.content.decode()
    owner_client.post(url("member_role", case, me), {"role": Role.VIEWER})
    assert membership(case, owner).role == Role.OWNER


def test_ownership_transfer_leaves_the_old_owner_an_editor(
    owner, owner_client, caregiver, caregiver_client, case
):
    bob = membership(case, caregiver)
    reauthenticate(owner_client)
    response = owner_client.post(url("member_transfer", case, bob), follow=True)
    assert "is now the owner" in response.content.decode()
    assert membership(case, caregiver).role == Role.OWNER
    assert membership(case, owner).role == Role.EDITOR
    assert owner_client.get(url("case_invite", case)).status_code == 403
    assert owner_client.get(url("case_edit", case)).status_code == 200
    assert caregiver_client.get(url("case_invite", case)).status_code == 200
    # Alice is no longer the only owner, so she may now leave.
    assert owner_client.post(url("case_leave", case)).status_code == 302
    assert not Membership.objects.filter(case=case, user=owner).exists()


def test_the_last_owner_cannot_leave(owner, owner_client, case):
    page = owner_client.get(url("case_leave", case)).content.decode()
    assert "You are the only owner of this case, so you cannot leave it" in page
    assert "Yes, leave this case" not in page
    response = owner_client.post(url("case_leave", case), follow=True)
    assert "You are the only owner of this case" in response.content.decode()
    assert membership(case, owner).role == Role.OWNER


def test_a_viewer_leaves_a_case(viewer, viewer_client, case):
    response = viewer_client.post(url("case_leave", case))
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert not Membership.objects.filter(case=case, user=viewer).exists()
    assert viewer_client.get(url("case_detail", case)).status_code == 404


def _authority_post(client, target, kind, expires=""):
    form = client.get(target).context["form"]
    return client.post(
        target,
        {
            "authority_kind": kind,
            "authority_expires": expires,
            "version": form.initial["version"],
        },
    )


def test_owner_records_a_caregivers_authority(owner_client, caregiver, case):
    bob = membership(case, caregiver)
    response = _authority_post(
        owner_client, url("member_authority", case, bob), AuthorityKind.POA, "2027-03-31"
    )
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.authority_kind == AuthorityKind.POA
    assert bob.authority_expires == dt.date(2027, 3, 31)


def test_a_caregiver_records_their_own_authority_but_not_anyone_elses(
    caregiver, caregiver_client, viewer, viewer_client, case
):
    response = _authority_post(
        viewer_client, url("my_authority", case), AuthorityKind.HIPAA_RELEASE, "2027-01-01"
    )
    assert response.status_code == 302
    assert membership(case, viewer).authority_kind == AuthorityKind.HIPAA_RELEASE
    bob = membership(case, caregiver)
    target = url("member_authority", case, bob)
    assert viewer_client.post(target, {"authority_kind": "proxy"}).status_code == 403
    assert caregiver_client.post(target, {"authority_kind": "proxy"}).status_code == 403
    assert membership(case, caregiver).authority_kind == ""


def test_an_expiry_date_without_a_kind_is_explained(viewer_client, viewer, case):
    response = _authority_post(viewer_client, url("my_authority", case), "", "2027-01-01")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose the kind of authority, or leave the expiry date empty" in page
    assert "There is a problem" in page
    assert membership(case, viewer).authority_expires is None


@pytest.mark.parametrize(
    ("days", "warned", "wording"),
    [
        (31, False, ""),
        (30, True, "expires in 30 days"),
        (0, True, "expires today"),
        (-1, True, "expired on"),
    ],
)
def test_the_case_page_warns_when_authority_runs_out_within_30_days(
    owner_client, caregiver, case, days, warned, wording
):
    today = timezone.localdate()
    bob = membership(case, caregiver)
    bob.authority_kind = AuthorityKind.PROXY
    bob.authority_expires = today + dt.timedelta(days=days)
    bob.save()
    assert bool(authority_warnings([bob], today=today)) is warned
    page = owner_client.get(url("case_detail", case)).content.decode()
    assert ("Authority on file needs renewing" in page) is warned
    if warned:
        assert "bob@example.org: health care proxy" in page
        assert wording in page


def test_no_warning_without_an_expiry_date(caregiver, case):
    bob = membership(case, caregiver)
    bob.authority_kind = AuthorityKind.GUARDIANSHIP
    assert authority_warnings([bob]) == []
