"""Mail servers and task queues that refuse, do nothing or are down, and a clock to
move, for the background tests (tests/test_background.py, tests/test_schedule.py)."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

REFUSING = "tests.mail_backends.RefusingBackend"
PICKY = "tests.mail_backends.PickyBackend"
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
UNREACHABLE = {"default": {"BACKEND": "tests.mail_backends.UnreachableQueue"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def invite(client: Client, case, email="cousin@example.org"):
    url = reverse("case_invite", kwargs={"case_id": case.pk})
    return client.post(url, {"email": email, "role": "viewer"})


def later(**delta) -> dt.datetime:
    return timezone.now() + dt.timedelta(**delta)


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))
