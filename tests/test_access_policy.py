"""Every case URL, found through the URL resolver, checked for every role.

A new case-scoped view is covered the day its URL is added: if it has a kwarg this
file cannot fill, the test fails and asks for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cases.models import Membership, Need, Role


def _book_appointment(case) -> None:
    opinion = case.current_opinion()
    opinion.appointment_at = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
    opinion.save()


# URLs that only exist once the case holds something (a calendar file needs a booking).
PRECONDITIONS = {"appointment_ics": _book_appointment}

# POST endpoints a viewer may use: leaving a case, noting the authority they hold
# themselves and choosing their email reminders are about the viewer, not changes to
# the case's data.
VIEWER_MAY_POST = {"case_leave", "my_authority", "case_reminders"}


def _walk(patterns, prefix: str = "") -> Iterator[URLPattern]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns)
        elif isinstance(p, URLPattern):
            yield p


def case_url_names() -> list[str]:
    names = []
    resolver = get_resolver()
    for p in _walk(resolver.url_patterns):
        # URLs in included modules get case_id from the include's prefix, not their own
        # pattern: ask the resolver for the full pattern's parameters.
        full = resolver.reverse_dict.getlist(p.name) if p.name else []
        if any("case_id" in params for possibility, *_ in full for _fmt, params in possibility):
            names.append(p.name)
    return sorted(set(names))


def _attachment(case):
    """A PNG attached to the case's first record (thumbnail included)."""
    from cases.models import Attachment
    from cases.services.files import attach
    from tests.files_support import image_bytes, upload

    found = Attachment.objects.in_case(case).exclude(thumbnail="").first()
    if found:
        return found
    record = case.current_opinion().records.first()
    return attach(record, [upload("scan.png", image_bytes(), "image/png")], None)[0]


def _kwargs_for(name: str, case) -> dict:
    """Fill every URL kwarg with an object that belongs to ``case``."""
    from django.urls import get_resolver

    opinion = case.current_opinion()
    # An item of the list the URL serves (cases/urls/lists.py passes its key as "items").
    items = {
        "records": lambda: opinion.records.first().pk,
        "medications": lambda: case.medications.get_or_create(name="Tamoxifen")[0].pk,
        "questions": lambda: opinion.questions.get_or_create(text="How urgent is it?")[0].pk,
    }
    pattern = get_resolver().reverse_dict.getlist(name)
    values = {
        "case_id": case.pk,
        "opinion_id": opinion.pk,
        # Attaching files (cases/urls/files.py) takes a record.
        "item_id": lambda: items[pattern[0][2].get("items", "records")](),
        "call_id": lambda: opinion.calls.get_or_create(called_on=dt.date(2026, 11, 1))[0].pk,
        "action_id": lambda: opinion.actions.get_or_create(description="Book the MRI")[0].pk,
        "member_id": lambda: Membership.objects.filter(case=case, role="viewer").first().pk,
        "invitation_id": lambda: (
            case.invitations.get_or_create(email="cousin@example.org", defaults={"role": "viewer"})[
                0
            ].pk
        ),
        "letter_id": lambda: (
            (
                opinion.letters.first()
                or opinion.letters.create(source=opinion.records.first().source or "Lab")
            ).pk
        ),
        "step": lambda: "1",
        "kind": "packet",
        "file_id": lambda: _attachment(case).pk,
    }
    if name in PRECONDITIONS:
        PRECONDITIONS[name](case)
    converters = set()
    for possibility, _pattern, _defaults, _conv in pattern:
        for _fmt, params in possibility:
            converters.update(params)
    kwargs = {}
    for key in converters:
        if key not in values:
            raise AssertionError(
                f"URL {name!r} has a kwarg {key!r} the access policy test cannot fill: "
                "add it to _kwargs_for so the new view is checked."
            )
        v = values[key]
        kwargs[key] = v() if callable(v) else v
    return kwargs


URL_NAMES = case_url_names()


@pytest.mark.parametrize(
    ("role", "granted"),
    [
        (Role.VIEWER, {Need.VIEW}),
        (Role.EDITOR, {Need.VIEW, Need.EDIT}),
        (Role.OWNER, {Need.VIEW, Need.EDIT, Need.OWN}),
    ],
)
def test_a_role_grants_what_it_names_and_everything_below(role, granted):
    member = Membership(role=role)
    assert {need for need in Need if member.grants(need)} == granted
    assert member.can_edit == (Need.EDIT in granted)
    assert member.is_owner == (Need.OWN in granted)


def test_the_resolver_finds_case_urls():
    assert {"case_detail", "case_edit", "case_delete"} <= set(URL_NAMES)


@pytest.mark.django_db
@pytest.mark.parametrize("name", URL_NAMES)
def test_anonymous_visitor_is_sent_to_log_in(client, case, name):
    url = reverse(name, kwargs=_kwargs_for(name, case))
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, (name, method)
        assert response["Location"].startswith(reverse("account_login")), name


@pytest.mark.django_db
@pytest.mark.parametrize("name", URL_NAMES)
def test_stranger_gets_404_for_every_case_url(stranger_client, case, name):
    url = reverse(name, kwargs=_kwargs_for(name, case))
    assert stranger_client.get(url).status_code in (404, 405), name
    assert stranger_client.post(url).status_code in (404, 405), name


@pytest.mark.django_db
@pytest.mark.parametrize("name", URL_NAMES)
def test_removed_member_gets_404(viewer_client, viewer, case, name):
    url = reverse(name, kwargs=_kwargs_for(name, case))
    Membership.objects.filter(case=case, user=viewer).delete()
    assert viewer_client.get(url).status_code in (404, 405), name
    assert viewer_client.post(url).status_code in (404, 405), name


@pytest.mark.django_db
@pytest.mark.parametrize("name", URL_NAMES)
def test_viewer_cannot_write(viewer_client, case, name):
    url = reverse(name, kwargs=_kwargs_for(name, case))
    # GET first: a viewer's allowed POST (leaving) ends their access.
    assert viewer_client.get(url).status_code in (200, 403, 405), name
    status = viewer_client.post(url).status_code
    if name in VIEWER_MAY_POST:
        assert status != 404
    else:
        assert status in (403, 405), (name, status)


@pytest.mark.django_db
@pytest.mark.parametrize("name", URL_NAMES)
def test_owner_can_reach_every_case_url(owner_client, case, name):
    url = reverse(name, kwargs=_kwargs_for(name, case))
    assert owner_client.get(url).status_code in (200, 302, 405), name


# Sharing and deletion are the owner's alone: an editor (Bob, the caregiver) gets 403.
OWNER_ONLY = {
    "case_delete",
    "case_invite",
    "invitation_resend",
    "invitation_cancel",
    "member_role",
    "member_remove",
    "member_transfer",
    "member_authority",
}
# Sharing URLs any member may use: the rest of cases.urls.sharing must be owner-only.
SHARING_FOR_MEMBERS = {"case_members", "case_leave", "my_authority", "case_activity"}


def test_every_sharing_url_is_owner_only_unless_listed():
    from cases.urls.sharing import urlpatterns

    names = {p.name for p in urlpatterns}
    assert names - SHARING_FOR_MEMBERS <= OWNER_ONLY, names - SHARING_FOR_MEMBERS - OWNER_ONLY
    assert set(URL_NAMES) >= OWNER_ONLY


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(OWNER_ONLY))
def test_editor_is_refused_owner_only_urls(caregiver_client, case, name):
    url = reverse(name, kwargs=_kwargs_for(name, case))
    assert caregiver_client.get(url).status_code in (403, 405), name
    assert caregiver_client.post(url).status_code == 403, name


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(set(URL_NAMES) - OWNER_ONLY))
def test_editor_reaches_every_other_case_url(caregiver_client, case, name):
    url = reverse(name, kwargs=_kwargs_for(name, case))
    assert caregiver_client.get(url).status_code in (200, 302, 405), name


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "make"),
    [
        ("Opinion", lambda case: case.current_opinion()),
        ("RecordItem", lambda case: case.current_opinion().records.first()),
        ("Medication", lambda case: case.medications.create(name="Tamoxifen")),
        ("Question", lambda case: case.current_opinion().questions.create(text="Why?")),
        (
            "InsuranceCall",
            lambda case: case.current_opinion().calls.create(called_on=dt.date(2026, 11, 1)),
        ),
        (
            "FollowUpAction",
            lambda case: case.current_opinion().actions.create(description="Book the MRI"),
        ),
        ("Membership", lambda case: case.memberships.first()),
        ("Invitation", lambda case: case.invitations.create(email="cousin@example.org")),
    ],
)
def test_in_case_finds_a_cases_own_objects_and_nothing_of_another(owner, stranger, model, make):
    from django.apps import apps

    from tests.factories import make_case

    mine, theirs = make_case(owner), make_case(stranger)
    ours, other = make(mine), make(theirs)
    found = apps.get_model("cases", model).objects.in_case(mine)
    assert ours in found
    assert other not in found
