"""Remove activity-trail entries older than ACTIVITY_RETENTION_DAYS. Run it daily."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from cases.retention import purge_expired_activity


class Command(BaseCommand):
    help = "Remove activity-trail entries older than ACTIVITY_RETENTION_DAYS (0 keeps all)."

    def handle(self, *args: Any, **options: Any) -> None:
        days = settings.ACTIVITY_RETENTION_DAYS
        if not days:
            self.stdout.write("ACTIVITY_RETENTION_DAYS is 0: the activity trail is kept for ever.")
            return
        removed = purge_expired_activity(timezone.now())
        self.stdout.write(f"Removed {removed} activity entries older than {days} days.")
