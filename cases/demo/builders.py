"""Small builders the demo's cases share, and the scenario cases of the tests use too
(tests/packet_cases.py): a confirmed account, an appointment time, a case's seeded
records changed by kind, and numbered questions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.models import Case, Opinion, Question

if TYPE_CHECKING:
    from django.contrib.auth.models import User

DEMO_PASSWORD = "demo-second-opinion"


def demo_user(email: str, first_name: str, last_name: str) -> User:
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username=email.split("@")[0],
        defaults={"email": email, "first_name": first_name, "last_name": last_name},
    )
    if not user.check_password(DEMO_PASSWORD):
        # The printed sign-in must always work, even after someone changed it.
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"primary": True, "verified": True}
    )
    return user


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def update_records(case: Case, changes: dict[str, dict[str, Any]]) -> None:
    for record in case.current_opinion().records.all():
        for field, value in changes.get(record.kind, {}).items():
            setattr(record, field, value)
        record.save()


def add_questions(opinion: Opinion, texts: list[str]) -> None:
    Question.objects.bulk_create(
        Question(opinion=opinion, text=text, position=i) for i, text in enumerate(texts)
    )
