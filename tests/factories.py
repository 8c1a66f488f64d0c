"""Small helpers that build realistic objects with sensible defaults."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from cases.models import Case, Membership, Role
from cases.services.cases import create_case

PASSWORD = "correct-horse-battery-staple"


def make_user(email: str, password: str = PASSWORD) -> AbstractBaseUser:
    from allauth.account.models import EmailAddress

    user = get_user_model().objects.create_user(
        username=email.split("@")[0], email=email, password=password
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


def make_case(owner, **overrides: Any) -> Case:
    fields: dict[str, Any] = {
        "patient_name": "Maria Lopez",
        "relationship": "self",
        "condition": "Early-stage breast cancer",
    }
    fields.update(overrides)
    return create_case(owner=owner, **fields)


def add_member(case: Case, user, role: str = Role.VIEWER) -> Membership:
    return Membership.objects.create(case=case, user=user, role=role)


def totp_now(secret: str) -> str:
    """The code an authenticator app shows now for ``secret``."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def turn_on_totp(user) -> str:
    """Give ``user`` an authenticator app and recovery codes, as the account page does;
    returns the app's secret."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def make_staff(email: str = "staff@example.org", *, with_totp: bool = True):
    """A superuser with a confirmed address, and (by default) two-factor sign-in."""
    user = make_user(email)
    user.is_staff = user.is_superuser = True
    user.save()
    user.totp_secret = turn_on_totp(user) if with_totp else None
    return user


def sign_in(client, email: str, password: str = PASSWORD, secret: str | None = None):
    """Through allauth's real forms (and the code step, given the app's secret), so the
    session records how the person signed in. Returns the last response."""
    from django.urls import reverse

    response = client.post(reverse("account_login"), {"login": email, "password": password})
    if secret is not None:
        response = client.post(reverse("mfa_authenticate"), {"code": totp_now(secret)})
    return response


def reauthenticate(client, password: str = PASSWORD):
    """Confirm it is you (allauth's password step before a sensitive change)."""
    from django.urls import reverse

    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response
    return response
