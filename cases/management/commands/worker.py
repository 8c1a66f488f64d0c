"""`manage.py worker`: run the background tasks, and enqueue the scheduled ones.

One command whichever queue the settings choose: the database queue's worker
(django-tasks-db's db_worker) or RQ's worker on Redis (django-rq's rqworker, with the
job class django-tasks-rq needs). Beside it, a thread keeps the schedule
(cases.background.schedule): the day's reminders, pruning, the outbox sweep.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.background import DatabaseBackend, task_backends
from cases.background.schedule import Scheduler


def _is_rq(backend: object) -> bool:
    if not apps.is_installed("django_rq"):  # TASK_BACKEND=rq installs it
        return False
    from django_tasks_rq import RQBackend

    return isinstance(backend, RQBackend)


class Command(BaseCommand):
    help = "Run background tasks (email, reminders) and keep their schedule."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-schedule",
            action="store_false",
            dest="schedule",
            help="Only run tasks; another worker or cron keeps the schedule.",
        )
        parser.add_argument(
            "--tick",
            type=float,
            default=60,
            help="Seconds between checks of the schedule (default: %(default)s).",
        )

    def handle(
        self, *args: Any, schedule: bool, tick: float, verbosity: int, **options: Any
    ) -> None:
        backend = task_backends["default"]
        queues = sorted(backend.queues)
        if schedule:
            Scheduler(interval=tick).start()
        if isinstance(backend, DatabaseBackend):
            call_command(
                "db_worker",
                queue_name=",".join(queues),
                interval=1,
                reload=False,
                verbosity=verbosity,
            )
        elif _is_rq(backend):
            call_command(
                "rqworker",
                *queues,
                job_class="django_tasks_rq.Job",
                worker_class="cases.background.rq.ForkSafeWorker",
                with_scheduler=True,
                verbosity=verbosity,
            )
        else:
            raise CommandError(
                f"The task backend {type(backend).__name__} has no worker to run: set "
                "TASK_BACKEND to 'database' or 'rq'."
            )
