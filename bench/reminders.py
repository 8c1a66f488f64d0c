"""How long the daily reminder job takes, and how many queries, for many cases.

Run from the repository root:
    .venv/bin/python bench/reminders.py [--cases 10000] [--database-url URL]

It sets up Django with the test settings on a fresh SQLite file of its own (or the
empty database DATABASE_URL names, which it migrates), with the database task queue as
in production, and builds ``--cases`` cases spread over every point of their timeline:
appointments from 10 days ago to 7 weeks ahead, records requested over the last 6
weeks, request letters sent over the last 10 weeks, referrals pending, authority on
file running out, start dates near with nothing booked, and two or three members each
(owner, often an editor, sometimes a viewer).

Then it runs the job twice and times each run:
- day 1, the first run ever: every reminder still inside its window is due (the
  worst case: what deploying the feature onto a full database costs);
- day 2, the steady state: only what fell due since, checked against what was sent.

Queries are counted by kind. Emails are written to the outbox and one delivery task is
enqueued; sending them is the worker's job, not the daily job's, and is not timed here.
The last lines are machine-readable:
    day1_s=<s> day1_queries=<n> day1_emails=<n> ... day2_s=<s> day2_queries=<n> ...
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    os.environ["DJANGO_SETTINGS_MODULE"] = "secondopinion.test_settings"
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp.name}/bench.sqlite3"

    import django
    from django.conf import settings

    django.setup()
    # The production shape: tasks are rows in this database, mail goes to the outbox.
    settings.TASKS = settings.WORKER_TASKS
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    started = time.perf_counter()
    today = build(args.cases)
    print(f"built {args.cases} cases in {time.perf_counter() - started:.1f} s")

    import datetime as dt

    for label, day in (("day1", today), ("day2", today + dt.timedelta(days=1))):
        seconds, queries, report = measure(day)
        kinds = Counter(q["sql"].split()[0].upper() for q in queries)
        print(
            f"{label}: {seconds:.2f} s, {len(queries)} queries "
            f"({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))}), "
            f"{report.emails} emails, {sum(report.reminders.values())} reminders"
        )
        print(
            f"{label}_s={seconds:.2f} {label}_queries={len(queries)} "
            f"{label}_selects={kinds['SELECT']} {label}_inserts={kinds['INSERT']} "
            f"{label}_emails={report.emails}"
        )
    tmp.cleanup()


def measure(day):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.services.reminders import send_reminders

    with CaptureQueriesContext(connection) as ctx:
        started, cpu = time.perf_counter(), time.process_time()
        report = send_reminders(today=day)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"  (this process's CPU time: {cpu:.2f} s; the database's own is not counted)")
    return seconds, ctx.captured_queries, report


def build(n: int):
    """``n`` cases at every point of their timeline; returns the day to run the job."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from cases.models import Case, Membership, Opinion, RecordItem, RecordRequest, Role
    from cases.models.items import RecordKind, RecordStatus
    from cases.models.opinion import ApprovalStatus

    today = timezone.localdate()
    User = get_user_model()
    password = make_password("bench-only")
    kinds = list(RecordKind)[:6]

    def days(k: int) -> dt.date:
        return today + dt.timedelta(days=k)

    with transaction.atomic():
        users = User.objects.bulk_create(
            User(username=f"u{i}", email=f"u{i}@example.org", first_name="Sam", password=password)
            for i in range(n * 2)
        )
        cases = Case.objects.bulk_create(
            Case(
                patient_name=f"Pat Person{i}",
                relationship="parent" if i % 3 else "self",
                condition="Diagnosis",
                created_by=users[i],
                # A quarter have a start date near and nothing booked.
                treatment_start_by=days(i % 45) if i % 4 == 0 else days(120),
            )
            for i in range(n)
        )
        memberships = []
        for i, case in enumerate(cases):
            memberships.append(
                Membership(
                    case=case,
                    user=users[i],
                    role=Role.OWNER,
                    authority_kind="proxy" if i % 2 else "",
                    authority_expires=days(i % 90 - 10) if i % 2 else None,
                )
            )
            if i % 2 == 0:
                memberships.append(Membership(case=case, user=users[n + i], role=Role.EDITOR))
            elif i % 3 == 0:
                memberships.append(Membership(case=case, user=users[n + i], role=Role.VIEWER))
        Membership.objects.bulk_create(memberships)
        opinions = Opinion.objects.bulk_create(
            Opinion(
                case=case,
                number=2,
                appointment_at=None
                if i % 4 == 0
                else timezone.make_aware(dt.datetime.combine(days(i % 60 - 10), dt.time(10))),
                referral_status=ApprovalStatus.REQUESTED if i % 3 == 0 else "",
                referral_requested_on=days(-(i % 50)) if i % 3 == 0 else None,
            )
            for i, case in enumerate(cases)
        )
        RecordItem.objects.bulk_create(
            RecordItem(
                opinion=opinion,
                kind=kinds[k],
                name="Record",
                source="Main lab",
                position=k,
                status=RecordStatus.REQUESTED if k < 2 else RecordStatus.RECEIVED,
                requested_on=days(-((i + k * 7) % 42)),
            )
            for i, opinion in enumerate(opinions)
            for k in range(6)
        )
        # A third have written to the lab, at every point of the 30 days and after.
        RecordRequest.objects.bulk_create(
            RecordRequest(opinion=opinion, source="Main lab", sent_on=days(-(i % 70)))
            for i, opinion in enumerate(opinions)
            if i % 3 == 1
        )
    return today


if __name__ == "__main__":
    main()
