"""Stand-ins for a mail server that fails, and a task queue that cannot be reached."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.base import BaseEmailBackend
from django_tasks.backends.dummy import DummyBackend


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def open(self) -> bool:
        raise smtplib.SMTPConnectError(421, "Service not available, try later")

    def send_messages(self, email_messages) -> int:
        self.open()
        return 0


class PickyBackend(BaseEmailBackend):
    """Refuses any message whose subject says "refuse"; takes the rest (mail.outbox)."""

    def send_messages(self, email_messages) -> int:
        from django.core.mail.backends.locmem import EmailBackend

        for message in email_messages:
            if "refuse" in message.subject:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"No such user")})
        return EmailBackend().send_messages(email_messages)


class UnreachableQueue(DummyBackend):
    """A queue outside the database (like Redis) that is down."""

    def enqueue(self, task, args, kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
