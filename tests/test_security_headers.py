"""__Host- cookies in production, and a Permissions-Policy header on every response."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.urls import reverse

from cases.middleware import PERMISSIONS_POLICY
from tests.test_accounts import sign_in

pytestmark = pytest.mark.django_db

DENIED = ["camera", "microphone", "geolocation", "payment", "usb", "serial", "display-capture"]


def test_production_cookie_names_carry_the_host_prefix():
    assert not settings.DEBUG
    assert settings.SESSION_COOKIE_NAME == "__Host-sessionid"
    assert settings.CSRF_COOKIE_NAME == "__Host-csrftoken"


def test_the_cookies_meet_the_host_prefix_rules(client, owner):
    """Browsers drop a __Host- cookie unless it is Secure, for Path=/ and has no Domain."""
    login_page = client.get(reverse("account_login"))
    response = sign_in(client)
    assert response.status_code == 302
    jar = SimpleCookie()
    for set_cookie in (login_page, response):
        jar.update(set_cookie.cookies)
    for name in ("__Host-sessionid", "__Host-csrftoken"):
        morsel = jar[name]
        assert morsel["secure"] is True, name
        assert morsel["path"] == "/", name
        assert morsel["domain"] == "", name


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",  # a page anyone can open
        "/",  # a redirect to sign in
        "/static/css/app.css",  # a static file, served by WhiteNoise
        "/no-such-page/",  # a 404
    ],
)
def test_every_response_denies_powerful_browser_features(client, url):
    response = client.get(url)
    policy = response["Permissions-Policy"]
    assert policy == PERMISSIONS_POLICY
    for feature in DENIED:
        assert f"{feature}=()" in policy


def test_signed_in_pages_and_pdfs_carry_it_too(owner_client, case):
    for name in ("dashboard", "case_detail", "packet_download"):
        args = [] if name == "dashboard" else [case.pk]
        response = owner_client.get(reverse(name, args=args))
        assert response.status_code == 200
        assert response["Permissions-Policy"] == PERMISSIONS_POLICY
