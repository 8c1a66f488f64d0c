"""`manage.py send_reminders`: the day's reminders now, for cron or a systemd timer.

The worker already runs them every day (cases.background.schedule); running this as
well is harmless, as each reminder is sent once per person whoever runs the job.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from cases.models import ScheduledRun
from cases.services.reminders import send_reminders


class Command(BaseCommand):
    help = "Send the reminders due today that have not been sent yet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            type=dt.date.fromisoformat,
            default=None,
            help="Act as if it were this day (YYYY-MM-DD); default: today.",
        )

    def handle(self, *args: Any, date: dt.date | None, **options: Any) -> None:
        today = date or timezone.localdate()
        report = send_reminders(today=today)
        # The worker's schedule need not enqueue today's run as well.
        ScheduledRun.objects.get_or_create(name="reminders", period=today.isoformat())
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(report.reminders.items()))
        self.stdout.write(
            f"Reminders for {today:%Y-%m-%d}: {report.emails} emails"
            + (f" ({kinds})." if kinds else ".")
        )
