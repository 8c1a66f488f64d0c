"""How long the activity trail is kept: ``ACTIVITY_RETENTION_DAYS`` (docs/DATA.md).

The trail stores the values people typed, health data included, so it is not kept
for ever. ``purge_expired_activity(now)`` removes the entries older than the setting;
``manage.py purge_activity`` runs it, and the daily scheduled job calls it.
"""

from __future__ import annotations

import datetime as dt

from auditlog.models import LogEntry
from django.conf import settings

BATCH = 1000


def retention_cutoff(now: dt.datetime) -> dt.datetime | None:
    """Entries before this moment are expired; None when the trail is kept for ever."""
    days = settings.ACTIVITY_RETENTION_DAYS
    return now - dt.timedelta(days=days) if days else None


def purge_expired_activity(now: dt.datetime) -> int:
    """Delete every activity entry older than the retention period; return how many.

    In batches, so a first purge of a long trail never holds a long lock.
    """
    cutoff = retention_cutoff(now)
    if cutoff is None:
        return 0
    removed = 0
    while True:
        batch = list(
            LogEntry.objects.filter(timestamp__lt=cutoff)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not batch:
            return removed
        removed += LogEntry.objects.filter(pk__in=batch).delete()[0]
