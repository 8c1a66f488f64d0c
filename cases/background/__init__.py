"""Background work: the email outbox, the tasks the worker runs, and their schedule.

Written against django-tasks, the backport of Django 6's ``django.tasks``: on Django 6
the imports below take the built-in framework and nothing else changes.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import transaction

try:  # Django 6
    from django.tasks import Task, task, task_backends
    from django.tasks.backends.immediate import ImmediateBackend
except ImportError:  # the stubs describe Django 6's: mypy checks against those
    from django_tasks import task, task_backends  # type: ignore[assignment,no-redef]
    from django_tasks.backends.immediate import ImmediateBackend  # type: ignore[assignment]
    from django_tasks.base import Task  # type: ignore[assignment]

from django_tasks_db import DatabaseBackend

__all__ = [
    "DatabaseBackend",
    "Task",
    "enqueue_on_commit",
    "shares_transaction",
    "task",
    "task_backends",
]


def shares_transaction(task: Task) -> bool:
    """Does enqueuing ``task`` happen inside this database's transaction?

    The database queue writes its row beside the data the task will read, so both
    commit or roll back together; the immediate backend (the test suite) runs the task
    on the spot. Any other queue (Redis) must wait for the commit, or a worker could
    look for rows it cannot see yet.
    """
    return isinstance(task.get_backend(), DatabaseBackend | ImmediateBackend)


def enqueue_on_commit(task: Task, *args: Any) -> None:
    """Enqueue ``task`` once the data it needs is committed; never fail the caller.

    If the queue cannot be reached (Redis down), the error is logged and the caller
    carries on: the worker's schedule picks up what was left (cases.background.schedule).
    """
    if shares_transaction(task):
        task.enqueue(*args)
    else:
        transaction.on_commit(functools.partial(task.enqueue, *args), robust=True)
