"""Choosing email reminders per case, and the signed unsubscribe link from an email."""

from __future__ import annotations

import re

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from cases.models import Membership
from cases.services.reminders import unsubscribe_token

pytestmark = pytest.mark.django_db


def settings_url(case) -> str:
    return reverse("case_reminders", kwargs={"case_id": case.pk})


def stop_url(case, user) -> str:
    return reverse("reminders_unsubscribe", kwargs={"token": unsubscribe_token(case.pk, user.pk)})


def membership(case, user) -> Membership:
    return Membership.objects.get(case=case, user=user)


def test_the_case_page_links_to_the_choice_and_says_where_it_stands(
    owner_client, viewer_client, case
):
    page = owner_client.get(case.get_absolute_url()).content.decode()
    assert f'<a href="{settings_url(case)}">Email reminders: on</a>' in page
    page = viewer_client.get(case.get_absolute_url()).content.decode()
    assert f'<a href="{settings_url(case)}">Email reminders: off</a>' in page
    members = viewer_client.get(reverse("case_members", kwargs={"case_id": case.pk}))
    assert "Email reminders about this case are off for you." in members.content.decode()


def test_reminders_are_on_for_owners_and_editors_and_off_for_viewers(
    owner, caregiver, viewer, case
):
    assert membership(case, owner).wants_reminders
    assert membership(case, caregiver).wants_reminders
    assert not membership(case, viewer).wants_reminders


def test_a_member_turns_reminders_off_and_on(owner_client, owner, case):
    page = owner_client.get(settings_url(case)).content.decode()
    assert re.search(r'value="yes"[^>]*checked', page)
    assert not re.search(r'value="no"[^>]*checked', page)
    assert "As an owner, you get them unless you turn them off." in page
    response = owner_client.post(settings_url(case), {"reminders": "no"}, follow=True)
    assert response.redirect_chain[-1][0] == case.get_absolute_url()
    assert "You will not get email reminders about this case." in response.content.decode()
    assert membership(case, owner).reminders is False
    assert "You turned them off." in owner_client.get(settings_url(case)).content.decode()
    owner_client.post(settings_url(case), {"reminders": "yes"})
    assert membership(case, owner).reminders is True


def test_a_viewer_may_turn_them_on_for_themselves(viewer_client, viewer, case):
    assert viewer_client.post(settings_url(case), {"reminders": "yes"}).status_code == 302
    assert membership(case, viewer).wants_reminders


def test_no_choice_is_an_error_at_the_field_with_a_summary(owner_client, owner, case):
    response = owner_client.post(settings_url(case), {})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Email reminders" in page
    assert "There is a problem" in page
    assert page.count("Choose whether you want email reminders") == 2
    assert membership(case, owner).reminders is None


def test_the_choice_changes_nothing_else_and_is_not_in_the_activity_trail(
    owner_client, owner, case
):
    from auditlog.models import LogEntry

    before = {m["id"]: m for m in Membership.objects.filter(case=case).values()}
    entries = LogEntry.objects.count()
    owner_client.post(settings_url(case), {"reminders": "no"})
    for m in Membership.objects.filter(case=case).values():
        changed = {k for k in m if m[k] != before[m["id"]][k]}
        assert changed <= {"reminders"}
    assert LogEntry.objects.count() == entries


def test_the_email_link_asks_before_stopping_and_works_signed_out(owner, case):
    anonymous = Client()
    page = anonymous.get(stop_url(case, owner))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Stop email reminders about Maria's case?" in text
    assert 'method="post"' in text and "Stop reminders" in text
    assert membership(case, owner).reminders is None  # a GET (a link scanner) changes nothing
    done = anonymous.post(stop_url(case, owner), {"action": "unsubscribe"})
    assert done.status_code == 200
    assert "Email reminders stopped" in done.content.decode()
    assert membership(case, owner).reminders is False
    again = anonymous.post(stop_url(case, owner), {"action": "resubscribe"})
    assert "Email reminders are on again" in again.content.decode()
    assert membership(case, owner).reminders is True


def test_one_click_unsubscribe_needs_no_csrf_token_and_no_session(owner, case):
    provider = Client(enforce_csrf_checks=True)
    response = provider.post(
        stop_url(case, owner),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert membership(case, owner).reminders is False
    assert "no-store" in response["Cache-Control"]


def test_it_stops_only_that_person_on_that_case(owner, caregiver, case):
    from tests.factories import make_case

    other = make_case(owner, patient_name="Someone Else")
    Client().post(stop_url(case, owner))
    assert membership(case, owner).reminders is False
    assert membership(case, caregiver).reminders is None
    assert membership(other, owner).reminders is None


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        signing.dumps({"c": "not-a-uuid", "u": 1}, salt="cases.reminders.unsubscribe"),
        signing.dumps({"x": 1}, salt="cases.reminders.unsubscribe"),
    ],
    # Named, not shown: a signed value carries the second it was made, and every
    # pytest-xdist worker must collect the same test ids.
    ids=["nonsense", "not-a-case-id", "no-case-id"],
)
def test_a_bad_link_changes_nothing(owner, case, token):
    url = reverse("reminders_unsubscribe", kwargs={"token": token})
    for response in (Client().get(url), Client().post(url)):
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
    assert membership(case, owner).reminders is None


def test_a_link_signed_for_another_purpose_or_tampered_is_refused(owner, caregiver, case):
    invitation_like = signing.dumps({"c": str(case.pk), "u": owner.pk}, salt="cases.invitation")
    # Bob's ids with the signature of Alice's link.
    bobs_payload = unsubscribe_token(case.pk, caregiver.pk).split(":", 1)[0]
    tampered = bobs_payload + ":" + unsubscribe_token(case.pk, owner.pk).split(":", 1)[1]
    for token in (invitation_like, tampered):
        url = reverse("reminders_unsubscribe", kwargs={"token": token})
        assert Client().post(url).status_code == 404
    assert membership(case, owner).reminders is None
    assert membership(case, caregiver).reminders is None


def test_after_leaving_the_case_the_link_no_longer_works(caregiver, case):
    url = stop_url(case, caregiver)
    Membership.objects.filter(case=case, user=caregiver).delete()
    assert Client().post(url).status_code == 404


def test_the_unsubscribe_page_shows_no_health_data(owner, case):
    text = Client().get(stop_url(case, owner)).content.decode()
    assert case.condition not in text
    assert "Lopez" not in text
