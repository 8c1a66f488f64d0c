"""The tasks the worker runs. Arguments are JSON (ids, ISO dates), never health data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from cases.background import DatabaseBackend, task


class DeliveryFailed(Exception):
    """Some emails were refused; they wait in the outbox for their next attempt."""


@task()
def deliver_outbox() -> dict[str, int]:
    """Send the emails waiting in the outbox.

    Fails (so the task list shows the error) when the mail server refused something,
    after enqueueing itself again for when the first of those is due.
    """
    from cases.background.mail import deliver_due

    report = deliver_due()
    if report.retry_at and deliver_outbox.get_backend().supports_defer:
        # RQ keeps whole seconds: round up, or the retry would come just too early.
        run_after = report.retry_at.replace(microsecond=0) + dt.timedelta(seconds=1)
        deliver_outbox.using(run_after=run_after).enqueue()
    if report.failed or report.given_up:
        raise DeliveryFailed(
            f"{report.failed + report.given_up} of "
            f"{report.sent + report.failed + report.given_up} emails were not sent "
            f"({report.given_up} given up after every attempt). "
            f"Last error: {report.last_error}"
        )
    return report.as_dict()


# A day's reminders that failed (the database busy, say) are tried again, later each
# time; running again sends only what is still unsent.
REMINDERS_RETRY = dt.timedelta(minutes=5)
REMINDERS_ATTEMPTS = 4


@task()
def send_daily_reminders(day: str, attempt: int = 1) -> dict[str, Any]:
    """The day's reminders (``day`` in ISO format), each sent once per person."""
    from cases.services.reminders import send_reminders

    try:
        return send_reminders(today=dt.date.fromisoformat(day)).as_dict()
    except Exception:
        if attempt < REMINDERS_ATTEMPTS and send_daily_reminders.get_backend().supports_defer:
            send_daily_reminders.using(
                run_after=timezone.now() + REMINDERS_RETRY * attempt
            ).enqueue(day, attempt + 1)
        raise


# Finished task results kept for the operator to look back on.
KEEP_FINISHED_DAYS = 30
KEEP_FAILED_DAYS = 90


@task()
def purge_activity() -> int:
    """Remove activity-trail entries older than ACTIVITY_RETENTION_DAYS (docs/DATA.md)."""
    from cases.retention import purge_expired_activity

    return purge_expired_activity(timezone.now())


@task()
def prune_finished_tasks() -> None:
    """Keep the database queue's table small: successes for 30 days, failures for 90."""
    if isinstance(prune_finished_tasks.get_backend(), DatabaseBackend):
        call_command(
            "prune_db_task_results",
            queue_name="*",
            min_age_days=KEEP_FINISHED_DAYS,
            failed_min_age_days=KEEP_FAILED_DAYS,
            verbosity=0,
        )


@task()
def render_document(kind: str, case_id: str, user_id: int, paper: str, language: str) -> str:
    """Make a case's packet or decision summary as that member sees it, and cache it.

    The PDF is rendered in a child process killed after PDF_RENDER_TIMEOUT seconds; a
    timeout or failure is cached too, for the download page to explain.
    """
    from cases.services.documents import render_for

    return render_for(kind, case_id, user_id, paper, language)
