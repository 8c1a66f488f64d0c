"""The schedule that enqueues the daily jobs, and the daily reminders' retries.

Each test names its task backend, so these need no run on the RQ backend (.ci/run runs
tests/test_background.py there).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.mail import send_mail
from django.test import override_settings
from django.utils import timezone

from cases.background.schedule import tick
from cases.models import OutgoingEmail, ScheduledRun
from tests.background_support import DUMMY, IMMEDIATE, UNREACHABLE, invite, later, local

pytestmark = pytest.mark.django_db


# The schedule --------------------------------------------------------------------------


@override_settings(TASKS=DUMMY, REMINDERS_HOUR=7)
def test_the_daily_reminders_are_enqueued_once_a_day_from_their_hour():
    from cases.background import task_backends

    queue = task_backends["default"]
    today = dt.date(2026, 3, 2)
    assert tick(local(today, 6, 59)) == []
    assert tick(local(today, 7, 0)) == ["reminders", "purge_activity"]
    assert tick(local(today, 7, 1)) == []
    assert tick(local(today, 23, 59)) == []
    assert tick(local(today + dt.timedelta(days=1), 7, 0)) == ["reminders", "purge_activity"]
    assert [(r.task.name, r.args) for r in queue.results] == [
        ("send_daily_reminders", ["2026-03-02"]),
        ("purge_activity", []),
        ("send_daily_reminders", ["2026-03-03"]),
        ("purge_activity", []),
    ]
    assert ScheduledRun.objects.filter(name="reminders").count() == 2


@override_settings(TASKS=UNREACHABLE, REMINDERS_HOUR=0)
def test_a_queue_that_is_down_loses_neither_the_day_nor_the_mail(owner_client, case):
    # The request succeeds though the delivery task could not be enqueued...
    assert invite(owner_client, case).status_code == 302
    assert OutgoingEmail.objects.count() == 1
    # ...and the day's reminders are not marked as enqueued when they were not.
    with pytest.raises(ConnectionError):
        tick()
    assert not ScheduledRun.objects.exists()


@override_settings(TASKS=DUMMY, REMINDERS_HOUR=0)
def test_the_schedule_sweeps_up_mail_whose_delivery_was_lost():
    from cases.background import task_backends

    queue = task_backends["default"]
    send_mail("Subject", "Body", None, ["someone@example.org"])  # enqueued on commit: lost
    tick()
    assert "deliver_outbox" not in tick()  # written a moment ago: its task may still come
    assert "deliver_outbox" in tick(timezone.now() + dt.timedelta(minutes=2))
    assert queue.results[-1].task.name == "deliver_outbox"


def test_the_database_queue_is_pruned_daily_and_rq_needs_none():
    db = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=db, REMINDERS_HOUR=23):
        assert tick(local(dt.date(2026, 3, 2), 8)) == ["prune_tasks"]
        assert tick(local(dt.date(2026, 3, 2), 9)) == []
    with override_settings(TASKS=DUMMY, REMINDERS_HOUR=23):
        assert tick(local(dt.date(2026, 3, 3), 8)) == []


@override_settings(TASKS=IMMEDIATE, REMINDERS_HOUR=0, ACTIVITY_RETENTION_DAYS=30)
def test_the_daily_schedule_purges_activity_older_than_the_retention(owner, case):
    from auditlog.models import LogEntry

    from cases import audit

    old = audit.record_packet_download(case, owner)
    LogEntry.objects.filter(pk=old.pk).update(timestamp=timezone.now() - dt.timedelta(days=31))
    recent = audit.record_packet_download(case, owner)
    assert "purge_activity" in tick()
    assert not LogEntry.objects.filter(pk=old.pk).exists()
    assert LogEntry.objects.filter(pk=recent.pk).exists()


@override_settings(TASKS=DUMMY)
def test_the_days_reminders_try_again_later_when_they_fail(monkeypatch):
    from django.db import OperationalError

    from cases.background import task_backends
    from cases.background.tasks import REMINDERS_ATTEMPTS, send_daily_reminders

    def busy(today):
        raise OperationalError("database is locked")

    monkeypatch.setattr("cases.services.reminders.send_reminders", busy)
    queue = task_backends["default"]
    before = timezone.now()
    with pytest.raises(OperationalError):
        send_daily_reminders.call("2026-03-02")
    (retry,) = queue.results
    assert retry.args == ["2026-03-02", 2]
    assert before + dt.timedelta(minutes=5) <= retry.task.run_after <= later(minutes=5)
    with pytest.raises(OperationalError):
        send_daily_reminders.call("2026-03-02", 2)
    assert queue.results[-1].task.run_after >= before + dt.timedelta(minutes=10)
    queue.clear()
    with pytest.raises(OperationalError):
        send_daily_reminders.call("2026-03-02", REMINDERS_ATTEMPTS)
    assert queue.results == []  # the last try: the failure stays in the task list


def test_rqs_worker_forks_only_between_the_schedules_ticks(monkeypatch):
    from rq.worker import Worker

    from cases.background.rq import ForkSafeWorker
    from cases.background.schedule import TICKING

    held = []
    monkeypatch.setattr(
        Worker, "fork_work_horse", lambda self, job, queue: held.append(TICKING.locked())
    )
    ForkSafeWorker.fork_work_horse(object.__new__(ForkSafeWorker), None, None)
    assert held == [True]
    assert not TICKING.locked()
