"""The activity trail is kept for ACTIVITY_RETENTION_DAYS, then purged."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from cases import audit, retention
from cases.retention import purge_expired_activity

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2027, 6, 1, 12, 0))


def _entry_aged(case, owner, days: float) -> LogEntry:
    entry = audit.record_packet_download(case, owner)
    LogEntry.objects.filter(pk=entry.pk).update(timestamp=NOW - dt.timedelta(days=days))
    return entry


@override_settings(ACTIVITY_RETENTION_DAYS=30)
def test_entries_older_than_the_retention_period_are_purged(owner, case):
    LogEntry.objects.update(timestamp=NOW - dt.timedelta(days=1))
    old = _entry_aged(case, owner, 31)
    edge = _entry_aged(case, owner, 29.9)
    assert purge_expired_activity(NOW) == 1
    assert not LogEntry.objects.filter(pk=old.pk).exists()
    assert LogEntry.objects.filter(pk=edge.pk).exists()
    # The case's own "started" entries are recent and stay.
    assert audit.for_case(case).count() > 1


@override_settings(ACTIVITY_RETENTION_DAYS=30)
def test_a_long_trail_is_purged_in_batches(owner, case, monkeypatch):
    monkeypatch.setattr(retention, "BATCH", 3)
    LogEntry.objects.update(timestamp=NOW - dt.timedelta(days=1))
    for _ in range(8):
        _entry_aged(case, owner, 400)
    assert purge_expired_activity(NOW) == 8


@override_settings(ACTIVITY_RETENTION_DAYS=0)
def test_zero_keeps_the_trail_for_ever(owner, case):
    _entry_aged(case, owner, 5000)
    assert purge_expired_activity(NOW) == 0
    out = StringIO()
    call_command("purge_activity", stdout=out)
    assert "kept for ever" in out.getvalue()


@override_settings(ACTIVITY_RETENTION_DAYS=730)
def test_the_command_purges_and_says_how_many(owner, case):
    entry = audit.record_packet_download(case, owner)
    LogEntry.objects.filter(pk=entry.pk).update(timestamp=timezone.now() - dt.timedelta(days=731))
    out = StringIO()
    call_command("purge_activity", stdout=out)
    assert out.getvalue().strip() == "Removed 1 activity entries older than 730 days."


def test_a_negative_retention_is_refused_at_start():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            "DJANGO_SETTINGS_MODULE": "secondopinion.test_settings",
            "ACTIVITY_RETENTION_DAYS": "-1",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert "ACTIVITY_RETENTION_DAYS must be 0" in result.stderr
