"""Mail off the request path: an email backend that writes to the outbox, and delivery.

``EMAIL_BACKEND`` is ``QueuedEmailBackend`` for every email the app and allauth send.
It stores each message as an ``OutgoingEmail`` row and enqueues ``deliver_outbox``;
the worker hands the messages to ``EMAIL_DELIVERY_BACKEND`` (from ``EMAIL_URL``). A
message the mail server refuses is tried again after 1, 5 and 15 minutes, then 1, 3, 6
and 12 hours; after the eighth failure it is kept, marked as given up, for an operator
to see in the admin and send again.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from email.mime.base import MIMEBase
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.utils import timezone

from cases.models import OutgoingEmail

logger = logging.getLogger(__name__)

BACKOFF = [
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=15),
    dt.timedelta(hours=1),
    dt.timedelta(hours=3),
    dt.timedelta(hours=6),
    dt.timedelta(hours=12),
]
MAX_ATTEMPTS = len(BACKOFF) + 1
# How long a worker holds the messages it is sending; if it dies, they come back then.
LEASE = dt.timedelta(minutes=10)
BATCH = 50


# The message as data ---------------------------------------------------------------


def message_to_data(message: EmailMessage) -> dict[str, Any]:
    """Everything needed to rebuild ``message`` at delivery, as JSON."""
    attachments = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            raise ValueError("The outbox stores attachments given as (name, content, type).")
        filename, content, mimetype = attachment
        if isinstance(content, bytes):
            attachments.append([filename, base64.b64encode(content).decode(), mimetype, "b64"])
        else:
            attachments.append([filename, content, mimetype, "text"])
    return {
        "subject": message.subject,
        "body": message.body,
        "content_subtype": message.content_subtype,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [
            [content, mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": attachments,
    }


def message_from_data(data: dict[str, Any]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
        alternatives=[tuple(a) for a in data["alternatives"]],
    )
    message.content_subtype = data["content_subtype"]
    for filename, content, mimetype, encoding in data["attachments"]:
        message.attach(
            filename, base64.b64decode(content) if encoding == "b64" else content, mimetype
        )
    return message


def _outgoing(message: EmailMessage) -> OutgoingEmail:
    return OutgoingEmail(
        recipients=", ".join(message.recipients())[:1000],
        subject=str(message.subject)[:300],
        message=message_to_data(message),
    )


class QueuedEmailBackend(BaseEmailBackend):
    """Writes messages to the outbox; the worker sends them (``deliver_outbox``)."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        rows = [_outgoing(m) for m in email_messages if m.recipients()]
        if not rows:
            return 0
        # A day's reminders can be thousands of messages: a few rows per statement.
        OutgoingEmail.objects.bulk_create(rows, batch_size=500)
        deliver_soon()
        return len(rows)


def deliver_soon() -> None:
    from cases.background import enqueue_on_commit
    from cases.background.tasks import deliver_outbox

    enqueue_on_commit(deliver_outbox)


# Delivery ----------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    given_up: int = 0
    last_error: str = ""
    retry_at: dt.datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "failed": self.failed, "given_up": self.given_up}


def _claim(now: dt.datetime, batch: int) -> list[OutgoingEmail]:
    """Lease a batch of due messages to this worker, so no other worker sends them too."""
    with transaction.atomic():
        due = OutgoingEmail.objects.due(now).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        rows = list(due[:batch])
        OutgoingEmail.objects.filter(pk__in=[r.pk for r in rows]).update(
            next_attempt_at=now + LEASE
        )
    return rows


def _record_failure(row: OutgoingEmail, exc: BaseException, now: dt.datetime) -> None:
    row.attempts += 1
    row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if row.attempts >= MAX_ATTEMPTS:
        row.failed_at = now
    else:
        row.next_attempt_at = now + BACKOFF[row.attempts - 1]
    row.save(update_fields=["attempts", "last_error", "failed_at", "next_attempt_at"])
    # The id and the error only: the address and subject are in the admin.
    logger.warning(
        "Email %s not sent (attempt %s of %s): %s",
        row.pk,
        row.attempts,
        MAX_ATTEMPTS,
        row.last_error,
    )


def _send(rows: list[OutgoingEmail], now: dt.datetime, report: DeliveryReport) -> None:
    delivered: list[int] = []
    failed: list[tuple[OutgoingEmail, BaseException]] = []
    backend = get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=False)
    try:
        backend.open()
    except Exception as exc:  # whatever the server did, try again later
        failed = [(row, exc) for row in rows]
    else:
        try:
            for row in rows:
                try:
                    backend.send_messages([message_from_data(row.message)])
                except Exception as exc:
                    failed.append((row, exc))
                else:
                    delivered.append(row.pk)
        finally:
            try:
                backend.close()
            except Exception:  # the messages were accepted already
                logger.warning("Closing the mail connection failed", exc_info=True)
    OutgoingEmail.objects.filter(pk__in=delivered).delete()
    report.sent += len(delivered)
    for row, error in failed:
        _record_failure(row, error, now)
        report.last_error = row.last_error
        if row.failed_at:
            report.given_up += 1
        else:
            report.failed += 1
            if report.retry_at is None or row.next_attempt_at < report.retry_at:
                report.retry_at = row.next_attempt_at


def deliver_due(now: dt.datetime | None = None, batch: int = BATCH) -> DeliveryReport:
    """Send every message that is due, in leased batches over one connection each."""
    now = now or timezone.now()
    report = DeliveryReport()
    while rows := _claim(now, batch):
        _send(rows, now, report)
    return report


def send_again(rows: Sequence[OutgoingEmail]) -> int:
    """An operator's "try again": given-up or waiting messages become due now."""
    count = OutgoingEmail.objects.filter(pk__in=[r.pk for r in rows]).update(
        failed_at=None, attempts=0, next_attempt_at=timezone.now()
    )
    if count:
        deliver_soon()
    return count
