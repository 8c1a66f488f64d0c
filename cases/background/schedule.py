"""The schedule the worker keeps: the day's reminders, pruning, and a sweep of the outbox.

django-tasks has no scheduler, so ``manage.py worker`` calls ``tick()`` every minute in
a thread beside the queue worker. Each daily job is claimed for the day with a unique
row (``ScheduledRun``) in the same transaction as its enqueue, so several workers (or a
worker and cron) never enqueue it twice, and a failed enqueue is tried again at the
next tick. The jobs themselves are idempotent too (``SentReminder``).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.utils import timezone

from cases.background import DatabaseBackend, Task, shares_transaction
from cases.background.tasks import (
    deliver_outbox,
    prune_finished_tasks,
    purge_activity,
    send_daily_reminders,
)
from cases.models import OutgoingEmail, ScheduledRun

logger = logging.getLogger(__name__)

# An email due for longer than this has lost its delivery task (Redis was down when it
# was written, say): the tick enqueues delivery again.
STRANDED_AFTER = dt.timedelta(minutes=1)


def claim(name: str, period: str, task: Task, *args: str) -> bool:
    """Enqueue ``task`` for ``period`` unless someone already did."""
    in_transaction = shares_transaction(task)
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(name=name, period=period)
            if in_transaction:
                task.enqueue(*args)
    except IntegrityError:
        return False
    if not in_transaction:
        # Redis: only once the claim is committed, so a worker never runs a job whose
        # claim might still roll back; if Redis refuses, give the claim up for next tick.
        try:
            task.enqueue(*args)
        except Exception:
            ScheduledRun.objects.filter(name=name, period=period).delete()
            raise
    return True


def tick(now: dt.datetime | None = None) -> list[str]:
    """Enqueue whatever is due at ``now``; returns the names of what was enqueued."""
    now = now or timezone.now()
    today = timezone.localtime(now).date().isoformat()
    enqueued = []
    if timezone.localtime(now).hour >= settings.REMINDERS_HOUR:
        if claim("reminders", today, send_daily_reminders, today):
            enqueued.append("reminders")
        # The activity trail holds what people typed: keep it no longer than the setting.
        if claim("purge_activity", today, purge_activity):
            enqueued.append("purge_activity")
    if isinstance(prune_finished_tasks.get_backend(), DatabaseBackend) and claim(
        "prune_tasks", today, prune_finished_tasks
    ):
        enqueued.append("prune_tasks")
    if OutgoingEmail.objects.due(now - STRANDED_AFTER).exists():
        deliver_outbox.enqueue()
        enqueued.append("deliver_outbox")
    return enqueued


# Held while a tick has a database connection open. RQ's worker forks a process per job
# beside this thread: the child must not inherit an open connection, or SQLite's
# record of its locks is wrong there ("database is locked"). See ForkSafeWorker.
TICKING = threading.Lock()


class Scheduler(threading.Thread):
    """Calls ``tick()`` now and every ``interval`` seconds until stopped."""

    def __init__(self, interval: float = 60) -> None:
        super().__init__(name="scheduler", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while True:
            with TICKING:
                try:
                    for name in tick():
                        logger.info("Scheduled job enqueued: %s", name)
                except Exception:
                    logger.exception("Scheduled jobs could not be enqueued; trying again")
                finally:
                    # This thread's own connection: not held between ticks.
                    connections.close_all()
            if self.stopped.wait(self.interval):
                return

    def stop(self) -> None:
        self.stopped.set()
