"""RQ's worker for `manage.py worker` with TASK_BACKEND=rq."""

from __future__ import annotations

from rq.job import Job
from rq.queue import Queue
from rq.worker import Worker

from cases.background.schedule import TICKING


class ForkSafeWorker(Worker):
    """Forks each job's process only between the schedule's ticks, while the schedule
    thread holds no database connection for the child to inherit."""

    def fork_work_horse(self, job: Job, queue: Queue) -> None:
        with TICKING:
            super().fork_work_horse(job, queue)
