"""What the daily reminder job has sent, so that it sends each reminder only once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .case import Case


class ReminderKind(models.TextChoices):
    APPOINTMENT_SOON = "appointment_soon", _("Appointment in 3 days")
    APPOINTMENT_NEXT_DAY = "appointment_next_day", _("Appointment tomorrow")
    START_BY_NO_APPOINTMENT = "start_by", _("Start date near, no appointment booked")
    AUTHORITY_EXPIRED = "authority_expired", _("Authority on file ends")
    RECORD_OVERDUE = "record_overdue", _("Record requested over 10 days ago")
    REFERRAL_PENDING = "referral_pending", _("Referral pending over 14 days")
    PRIOR_AUTH_PENDING = "prior_auth_pending", _("Prior authorization pending over 14 days")
    AUTHORITY_7_DAYS = "authority_7", _("Authority on file ends in 7 days")
    AUTHORITY_30_DAYS = "authority_30", _("Authority on file ends in 30 days")
    LETTER_DUE_SOON = "letter_due_soon", _("Request letter: the answer is due in 5 days")
    LETTER_OVERDUE = "letter_overdue", _("Request letter: the 30 days are up")


class SentReminder(models.Model):
    """One reminder sent to one person about one occurrence of something due.

    An occurrence is the kind, what it is about (``subject_id``: an opinion, a record or
    a membership; 0 for the case itself) and the date it hangs on (``due_on``: the
    appointment day, the day a record was requested, the expiry date...). A rescheduled
    appointment is a new occurrence and is reminded again; the same one never is.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_reminders"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sent_reminders")
    kind = models.CharField(max_length=30, choices=ReminderKind.choices)
    subject_id = models.PositiveBigIntegerField(default=0)
    due_on = models.DateField()
    sent_on = models.DateField()

    class Meta:
        ordering = ["-sent_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "case", "kind", "subject_id", "due_on"],
                name="one_reminder_per_person_and_occurrence",
            )
        ]
        indexes = [models.Index(fields=["due_on"], name="sent_reminder_due_on")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.sent_on:%Y-%m-%d}"
