"""`manage.py load_demo`: the demo accounts and cases (cases/demo/), never in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases import demo

SITE_URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = "Load demo accounts and cases (development only). Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo cases and create them afresh, with dates relative to today.",
        )
        parser.add_argument(
            "--url", default=SITE_URL, help="Where the site is served, for the closing message."
        )

    def handle(self, *args: Any, reset: bool = False, url: str = SITE_URL, **options: Any) -> None:
        if not settings.DEBUG:
            # Known passwords must never reach a real deployment.
            raise CommandError(
                "load_demo creates accounts with published passwords, so it only runs with "
                "DEBUG on (DEBUG=1 python manage.py load_demo)."
            )
        created = demo.load(reset=reset)
        if created:
            self.stdout.write(f"Demo cases created: {', '.join(created)}.")
        else:
            self.stdout.write("Demo data already loaded (use --reset to start it afresh).")
        self.stdout.write(
            self.style.SUCCESS(
                f"\nSecond Opinion is ready at {url}\n"
                f"Sign in as {demo.DEMO_EMAIL} / {demo.DEMO_PASSWORD}\n"
                f"(Their daughter, who may only view John's case: {demo.DAUGHTER_EMAIL} / "
                f"{demo.DEMO_PASSWORD})\n"
            )
        )
