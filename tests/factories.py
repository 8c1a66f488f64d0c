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
