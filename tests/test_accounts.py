"""Accounts through allauth: sign up, sign in, passwords, two-factor sign-in, the admin."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, make_staff

pytestmark = pytest.mark.django_db

TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates" / d for d in ("account", "mfa", "allauth")]


def totp_now(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(client: Client, email: str = "alice@example.org", password: str = PASSWORD):
    """Through the real form, so allauth records how and when the person signed in."""
    return client.post(reverse("account_login"), {"login": email, "password": password})


def confirm_password(client: Client) -> None:
    """allauth asks for the password again before any change to two-factor sign-in."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def turn_on_totp(client: Client) -> str:
    confirm_password(client)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_now(secret)})
    assert response.status_code == 302
    return secret


class TestLoginRequired:
    def test_dashboard_sends_anonymous_visitors_to_sign_in(self, client):
        response = client.get(reverse("dashboard"))
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next=/"

    def test_case_page_sends_anonymous_visitors_to_sign_in(self, client, case):
        response = client.get(case.get_absolute_url())
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login") + "?next=")

    @pytest.mark.parametrize(
        "url",
        [
            reverse("account_login"),
            reverse("account_signup"),
            reverse("account_reset_password"),
            reverse("account_reset_password_done"),
            reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "x-y"}),
        ],
    )
    def test_sign_in_pages_are_open_to_anonymous_visitors(self, client, url):
        response = client.get(url)
        assert response.status_code == 200
        assert b"<h1>" in response.content

    @pytest.mark.parametrize(
        "name",
        [
            "account_email",
            "account_change_password",
            "mfa_index",
            "mfa_activate_totp",
            "mfa_generate_recovery_codes",
        ],
    )
    def test_account_pages_need_an_account(self, client, name):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


class TestSignUpAndSignIn:
    def test_sign_up_signs_in_only_once_the_address_is_confirmed(self, client):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "Maria@Example.org",
                "password1": "a-long-and-unusual-passphrase",
                "password2": "a-long-and-unusual-passphrase",
            },
        )
        assert response["Location"] == reverse("account_email_verification_sent")
        user = get_user_model().objects.get(email="maria@example.org")
        assert client.get(reverse("dashboard")).status_code == 302
        # Signing in with the password alone is refused until the link is followed.
        sign_in(client, "maria@example.org", "a-long-and-unusual-passphrase")
        assert client.get(reverse("dashboard")).status_code == 302
        (message, *_) = mail.outbox
        assert message.to == ["maria@example.org"]
        assert message.subject == "Second Opinion: Confirm your email address"
        link = re.search(r"http://testserver(/accounts/confirm-email/\S+)", message.body)
        response = client.post(link.group(1))
        assert response["Location"] == reverse("dashboard")
        assert client.get(reverse("dashboard")).context["user"] == user

    def test_sign_up_problems_are_shown_at_the_field_and_in_the_summary(self, client):
        response = client.post(
            reverse("account_signup"),
            {"email": "not-an-email", "password1": "short", "password2": "other"},
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "data-error-summary" in html
        assert 'href="#id_email"' in html
        assert 'id="id_email_error"' in html
        assert "<title>Error: Sign up" in html
        assert not get_user_model().objects.filter(email="not-an-email").exists()

    def test_sign_in_with_the_right_password_opens_the_dashboard(self, client, owner):
        response = sign_in(client)
        assert response.status_code == 302
        assert response["Location"] == reverse("dashboard")

    def test_wrong_password_is_explained_at_the_password_field(self, client, owner):
        response = sign_in(client, password="not-my-password")
        html = response.content.decode()
        assert response.status_code == 200
        assert 'class="field field--error" id="id_password-group"' in html
        assert 'href="#id_password"' in html
        assert "The email address or password is not right" in html
        assert "_auth_user_id" not in client.session

    def test_sign_in_refuses_a_post_without_csrf_token(self, owner):
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            reverse("account_login"), {"login": "alice@example.org", "password": PASSWORD}
        )
        assert response.status_code == 403

    def test_sign_out_ends_the_session(self, client, owner):
        sign_in(client)
        response = client.post(reverse("account_logout"))
        assert response["Location"] == reverse("account_login")
        assert client.get(reverse("dashboard")).status_code == 302


class TestPasswords:
    def test_reset_by_email_sets_a_new_password(self, client, owner):
        response = client.post(reverse("account_reset_password"), {"email": "alice@example.org"})
        assert response["Location"] == reverse("account_reset_password_done")
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["alice@example.org"]
        assert mail.outbox[0].subject.startswith("Second Opinion: ")
        body = mail.outbox[0].body
        link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", body)
        assert link
        form_page = client.get(link.group(1), follow=True)
        assert b"Choose a new password" in form_page.content
        response = client.post(
            form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
            {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"},
        )
        assert response["Location"] == reverse("account_reset_password_from_key_done")
        owner.refresh_from_db()
        assert owner.check_password("a-brand-new-passphrase")

    def test_reset_for_an_unknown_address_does_not_reveal_it(self, client, db):
        response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
        assert response["Location"] == reverse("account_reset_password_done")

    def test_change_password_needs_the_current_one(self, client, owner):
        NEW = "new-passphrase-1"  # noqa: N806
        sign_in(client)
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": "wrong", "password1": NEW, "password2": NEW},
        )
        assert response.status_code == 200
        assert 'href="#id_oldpassword"' in response.content.decode()
        response = client.post(
            reverse("account_change_password"),
            {
                "oldpassword": PASSWORD,
                "password1": NEW,
                "password2": NEW,
                # The form's hidden field: back to the account page afterwards.
                "next": reverse("account_email"),
            },
        )
        assert response["Location"] == reverse("account_email")
        owner.refresh_from_db()
        assert owner.check_password(NEW)
        # Still signed in on this device after changing it.
        assert client.get(reverse("dashboard")).status_code == 200


class TestAccountPage:
    def test_it_links_to_password_and_two_factor_sign_in(self, owner_client):
        html = owner_client.get(reverse("account_email")).content.decode()
        assert "<h1>Your account</h1>" in html
        assert "alice@example.org" in html
        assert f'href="{reverse("account_change_password")}"' in html
        assert f'href="{reverse("mfa_index")}"' in html
        assert "Set up two-factor sign-in" in html

    def test_a_second_address_can_be_added_and_made_the_main_one(self, owner_client, owner):
        response = owner_client.post(
            reverse("account_email"), {"action_add": "", "email": "alice@work.example.org"}
        )
        assert response.status_code == 302
        html = owner_client.get(reverse("account_email")).content.decode()
        assert "<legend" in html and "alice@work.example.org" in html
        assert "Not confirmed" in html
        response = owner_client.post(
            reverse("account_email"), {"action_primary": "", "email": "alice@example.org"}
        )
        assert response.status_code == 302

    def test_a_bad_address_is_explained_at_the_field(self, owner_client):
        response = owner_client.post(
            reverse("account_email"), {"action_add": "", "email": "not an address"}
        )
        html = response.content.decode()
        assert 'href="#id_email"' in html
        assert "<details open>" in html

    def test_sign_up_confirmation_link_confirms_the_address(self, client):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "maria@example.org",
                "password1": "a-long-and-unusual-passphrase",
                "password2": "a-long-and-unusual-passphrase",
            },
        )
        assert b"Follow it to confirm" in client.get(response["Location"]).content
        link = re.search(r"http://testserver(/accounts/confirm-email/\S+)", mail.outbox[-1].body)
        page = client.get(link.group(1))
        assert b"Confirm your email address" in page.content
        client.post(link.group(1))
        html = client.get(reverse("account_email")).content.decode()
        assert "Confirmed" in html

    def test_the_site_header_account_link_leads_here(self, owner_client):
        html = owner_client.get(reverse("dashboard")).content.decode()
        assert f'href="{reverse("account_email")}">Account</a>' in html

    @pytest.mark.parametrize(
        "name", ["account_email", "account_change_password", "mfa_index", "account_logout"]
    )
    def test_manage_pages_render_in_the_app_layout(self, owner_client, name):
        response = owner_client.get(reverse(name))
        html = response.content.decode()
        assert response.status_code == 200
        assert 'class="site-header"' in html
        assert "css/accounts.css" in html
        assert html.count("<h1") == 1


class TestTwoFactorSignIn:
    def test_activation_page_shows_a_qr_code_allowed_by_the_csp_and_the_key_as_text(
        self, client, owner
    ):
        sign_in(client)
        confirm_password(client)
        response = client.get(reverse("mfa_activate_totp"))
        html = response.content.decode()
        secret = response.context["form"].secret
        assert re.search(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="[^"]+"', html)
        assert '<code id="totp-secret"' in html and secret in html
        csp = response["Content-Security-Policy"]
        assert "img-src 'self' data:" in csp
        assert "unsafe-inline" not in csp

    def test_wrong_code_is_explained_and_nothing_is_turned_on(self, client, owner):
        sign_in(client)
        confirm_password(client)
        client.get(reverse("mfa_activate_totp"))
        response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
        assert response.status_code == 200
        assert 'href="#id_code"' in response.content.decode()
        assert not Authenticator.objects.filter(user=owner).exists()

    def test_turning_it_on_asks_for_a_code_at_the_next_sign_in(self, client, owner):
        sign_in(client)
        secret = turn_on_totp(client)
        codes_page = client.get(reverse("mfa_view_recovery_codes"))
        assert codes_page.status_code == 200
        codes = codes_page.context["unused_codes"]
        assert len(codes) == 10 and codes[0] in codes_page.content.decode()
        download = client.get(reverse("mfa_download_recovery_codes"))
        assert download["Content-Type"].startswith("text/plain")
        assert codes[0] in download.content.decode()
        assert b"Your recovery codes" not in download.content
        client.post(reverse("account_logout"))

        response = sign_in(client)
        assert response["Location"] == reverse("mfa_authenticate")
        page = client.get(reverse("mfa_authenticate"))
        assert b"Enter your sign-in code" in page.content
        wrong = client.post(reverse("mfa_authenticate"), {"code": "123456"})
        assert 'href="#id_code"' in wrong.content.decode()
        response = client.post(reverse("mfa_authenticate"), {"code": totp_now(secret)})
        assert response["Location"] == reverse("dashboard")
        assert client.get(reverse("dashboard")).status_code == 200

    def test_a_recovery_code_signs_in_once(self, client, owner):
        sign_in(client)
        turn_on_totp(client)
        code = client.get(reverse("mfa_view_recovery_codes")).context["unused_codes"][0]
        client.post(reverse("account_logout"))
        sign_in(client)
        response = client.post(reverse("mfa_authenticate"), {"code": code})
        assert response["Location"] == reverse("dashboard")
        client.post(reverse("account_logout"))
        sign_in(client)
        response = client.post(reverse("mfa_authenticate"), {"code": code})
        assert response.status_code == 200

    def test_manage_pages_when_on_render_and_it_can_be_turned_off(self, client, owner):
        sign_in(client)
        turn_on_totp(client)
        index = client.get(reverse("mfa_index")).content.decode()
        assert "Turn off two-factor sign-in" in index
        assert "Make new recovery codes" in index
        generate = client.get(reverse("mfa_generate_recovery_codes"))
        assert b"will stop working" in generate.content
        assert client.post(reverse("mfa_generate_recovery_codes")).status_code == 302
        assert (
            b'<strong class="tag tag--green">On</strong>'
            in client.get(reverse("account_email")).content
        )
        page = client.get(reverse("mfa_deactivate_totp"))
        assert b"Turn off two-factor sign-in" in page.content
        response = client.post(reverse("mfa_deactivate_totp"))
        assert response["Location"] == reverse("mfa_index")
        assert not Authenticator.objects.filter(user=owner, type="totp").exists()

    def test_turning_it_on_asks_for_the_password_again(self, owner_client):
        response = owner_client.get(reverse("mfa_activate_totp"))
        assert response["Location"].startswith(reverse("account_reauthenticate"))
        page = owner_client.get(response["Location"])
        assert b"Confirm it is you" in page.content
        response = owner_client.post(response["Location"], {"password": PASSWORD})
        assert response.status_code == 302
        assert owner_client.get(reverse("mfa_activate_totp")).status_code == 200


class TestAdminSignIn:
    def test_anonymous_admin_visit_goes_to_the_allauth_sign_in(self, client):
        response = client.get("/admin/", follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
        assert b"<h1>Sign in</h1>" in response.content

    def test_staff_see_the_admin_after_signing_in_with_a_code(self, client, db):
        staff = make_staff("staff@example.org")
        response = client.post(
            reverse("account_login") + "?next=/admin/",
            {"login": "staff@example.org", "password": PASSWORD, "next": "/admin/"},
        )
        assert response["Location"] == reverse("mfa_authenticate")
        response = client.post(reverse("mfa_authenticate"), {"code": totp_now(staff.totp_secret)})
        assert response["Location"] == "/admin/"
        assert b"Site administration" in client.get("/admin/").content

    def test_people_who_are_not_staff_are_refused(self, owner_client):
        assert owner_client.get("/admin/login/").status_code == 403


def test_account_templates_have_no_inline_styles_or_scripts():
    """Our CSP forbids them: they would silently not work."""
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            text = path.read_text()
            assert "style=" not in text, path
            assert "<script" not in text, path
            assert " hx-on" not in text, path
