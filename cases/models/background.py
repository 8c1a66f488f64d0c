"""The outbox of emails waiting for the worker, and the record of scheduled runs."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingEmailQuerySet(models.QuerySet["OutgoingEmail"]):
    def due(self, now: dt.datetime | None = None) -> OutgoingEmailQuerySet:
        """Waiting to be sent now: not given up on, and not leased to a worker or waiting
        out a backoff."""
        return self.filter(failed_at=None, next_attempt_at__lte=now or timezone.now())

    def given_up(self) -> OutgoingEmailQuerySet:
        return self.exclude(failed_at=None)


class OutgoingEmail(models.Model):
    """An email written by the app and not yet accepted by the mail server.

    The message lives here, not in the task queue, so that a password-reset link never
    sits in Redis or the task list; the row is deleted once the mail server takes it.
    ``next_attempt_at`` both leases the row to the worker sending it (a crashed worker's
    rows come back after the lease) and holds the backoff after a failure.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    recipients = models.CharField(max_length=1000)
    subject = models.CharField(max_length=300)
    message = models.JSONField(help_text=_("The message, as cases.background.mail stores it."))
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True, max_length=2_000)  # cut to this when written
    failed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Set when every attempt failed: no further tries.")
    )

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        ordering = ["next_attempt_at", "id"]
        indexes = [
            models.Index(fields=["failed_at", "next_attempt_at"], name="outgoing_email_due"),
        ]
        verbose_name = _("outgoing email")

    def __str__(self) -> str:
        return f"To {self.recipients}: {self.subject}"


class ScheduledRun(models.Model):
    """A periodic job claimed for one period (a day), so that several workers, or a
    worker and cron, never enqueue it twice."""

    name = models.CharField(max_length=60)
    period = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["name", "period"], name="one_run_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.period}"
