"""Every GET page of the app, found through the URL resolver, as the demo's owner meets it.

The demo (``manage.py load_demo``) gives Maria three full cases: her own, her husband
John's (their daughter Emma views it) and her mother Rosa's finished one. Each URL name
the resolver knows is filled for each case with ``_kwargs_for`` from the access-policy
test, so a page added tomorrow is checked the day it is added. What is not an HTML page
for the owner (a download, a POST-only action, a redirect) is left out by its answer,
and ``EXCLUDED`` names the URLs left out on purpose.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cases.models import Case, Invitation, Role
from cases.services.reminders import unsubscribe_token
from cases.services.sharing import invitation_token
from tests.test_access_policy import _kwargs_for, case_url_names

DEMO_EMAIL = "demo@example.org"
DEMO_PASSWORD = "demo-second-opinion"

# Left out on purpose: the admin (a different audience, Django's own pages); links that
# carry a one-time key made by allauth and sent by email, and the pages of two-factor
# sign-in once it is on (the account browser tests follow both for real); accepting an
# invitation is a POST behind its landing page.
EXCLUDED_NAMESPACES = {"admin"}
EXCLUDED = {
    "account_confirm_email",
    "account_reset_password_from_key",
    "invitation_accept",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_authenticate",
    # Files, not pages (each has tests of its own); rendering the PDFs here costs seconds.
    "packet_download",
    "decision_summary",
    "appointment_ics",
}
# Pages for someone signed out.
ANONYMOUS = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
]


@dataclass(frozen=True)
class Page:
    name: str
    url: str
    anonymous: bool = False


def load_demo():
    """The demo data, as `make run` loads it; returns its owner, Maria."""
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=StringIO())
    return get_user_model().objects.get(email=DEMO_EMAIL)


def _names() -> Iterator[tuple[str, set[str]]]:
    resolver = get_resolver()

    def walk(patterns, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in EXCLUDED_NAMESPACES:
                    continue
                yield from walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name and not namespace:
                yield p.name, p

    for name, _pattern in walk(resolver.url_patterns):
        params = {
            param
            for possibility, *_ in resolver.reverse_dict.getlist(name)
            for _fmt, names in possibility
            for param in names
        }
        yield name, params


def candidate_pages(owner) -> list[Page]:
    """Every URL to try: each name once, or once per demo case for case URLs."""
    cases = list(
        Case.objects.filter(memberships__user=owner, memberships__role=Role.OWNER).order_by(
            "created_at"
        )
    )
    assert len(cases) == 3, "the demo has three cases"
    case_names = set(case_url_names())
    pages: list[Page] = []
    for name, params in sorted(_names()):
        if name in EXCLUDED:
            continue
        if name in case_names:
            for case in cases:
                if (
                    name.startswith("member_")
                    and not case.memberships.filter(role=Role.VIEWER).exists()
                ):
                    continue
                pages.append(Page(name, reverse(name, kwargs=_kwargs_for(name, case))))
        elif name == "invitation_landing":
            invitation = Invitation.objects.create(
                case=cases[0], email="aunt@example.org", role=Role.VIEWER, invited_by=owner
            )
            token = invitation_token(invitation)
            pages.append(Page(name, reverse(name, args=[token]), anonymous=True))
        elif name == "reminders_unsubscribe":
            # The signed link in a reminder email: opened signed out, from the mail program.
            token = unsubscribe_token(cases[0].pk, owner.pk)
            pages.append(Page(name, reverse(name, args=[token]), anonymous=True))
        elif not params:
            pages.append(Page(name, reverse(name), anonymous=name in ANONYMOUS))
        else:
            raise AssertionError(f"URL {name!r} needs {params}: fill it here or exclude it")
    return pages


def html_pages(
    owner, language: str = "en-US", candidates: list[Page] | None = None
) -> dict[Page, str]:
    """The pages that answer a GET with an HTML document, and that document (of
    ``candidates``, by default every ``candidate_pages(owner)``)."""
    signed_in, signed_out = Client(), Client()
    signed_in.force_login(owner)
    found: dict[Page, str] = {}
    # POST-only URLs answer 405 here, which Django logs as a warning: expected, not news.
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    try:
        for page in candidate_pages(owner) if candidates is None else candidates:
            _fetch(page, signed_out if page.anonymous else signed_in, found, language)
    finally:
        request_log.setLevel(level)
    return found


def _fetch(page: Page, client: Client, found: dict[Page, str], language: str) -> None:
    response = client.get(page.url, headers={"accept-language": language})
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        found[page] = response.content.decode()
    else:
        assert response.status_code in (302, 405) or not response["Content-Type"].startswith(
            "text/html"
        ), f"{page.url}: {response.status_code}"


def control_names(html: str) -> list[tuple[str, str]]:
    """(what a screen reader announces, what is seen) for every link and button: text in
    ``visually-hidden`` spans is heard, not seen; ``aria-hidden`` text is seen, not heard."""
    import re

    def plain(fragment: str) -> str:
        return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())

    hidden = r'<span class="visually-hidden">(.*?)</span>'
    unheard = r'<span aria-hidden="true">(.*?)</span>'
    found = []
    for inner in re.findall(r"<(?:a|button)\b[^>]*>(.*?)</(?:a|button)>", html, flags=re.S):
        heard = plain(re.sub(unheard, "", re.sub(hidden, r"\1", inner)))
        seen = plain(re.sub(unheard, r"\1", re.sub(hidden, "", inner)))
        found.append((heard, seen))
    return found
