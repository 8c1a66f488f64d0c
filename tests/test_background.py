"""Mail off the request path: the outbox, retries with backoff, what an operator sees,
and the commands. The schedule that enqueues the daily jobs: tests/test_schedule.py.

CI runs this module on the RQ backend too (.ci/run): the tests here that leave the task
backend as configured stay here.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from cases.background import mail as outbox
from cases.background.tasks import DeliveryFailed, deliver_outbox
from cases.models import OutgoingEmail, ScheduledRun
from tests.background_support import DUMMY, PICKY, REFUSING, invite, later, local
from tests.factories import make_staff, sign_in, turn_on_totp

pytestmark = pytest.mark.django_db


# The message as data ---------------------------------------------------------------


def test_a_message_survives_the_outbox_whole():
    message = EmailMultiAlternatives(
        subject="Hello",
        body="Plain words",
        from_email="Second Opinion <no-reply@example.org>",
        to=["a@example.org"],
        cc=["b@example.org"],
        bcc=["c@example.org"],
        reply_to=["d@example.org"],
        headers={"List-Unsubscribe": "<https://example.org/stop/x/>"},
    )
    message.attach_alternative("<p>Plain words</p>", "text/html")
    message.attach("notes.txt", "some text", "text/plain")
    message.attach("scan.bin", b"\x00\x01\xff", "application/octet-stream")
    again = outbox.message_from_data(outbox.message_to_data(message))
    for part in ("subject", "body", "from_email", "to", "cc", "bcc", "reply_to"):
        assert getattr(again, part) == getattr(message, part), part
    assert again.extra_headers == message.extra_headers
    assert again.alternatives == [("<p>Plain words</p>", "text/html")]
    assert [tuple(a) for a in again.attachments] == [
        ("notes.txt", "some text", "text/plain"),
        ("scan.bin", b"\x00\x01\xff", "application/octet-stream"),
    ]
    assert again.message()["List-Unsubscribe"] == "<https://example.org/stop/x/>"


def test_mail_sent_anywhere_in_the_app_goes_through_the_outbox():
    send_mail("Subject", "Body", None, ["someone@example.org"])
    # The tests run tasks at once, so the outbox is already empty again...
    assert OutgoingEmail.objects.count() == 0
    (message,) = mail.outbox
    assert message.to == ["someone@example.org"]


@override_settings(TASKS=DUMMY)
def test_the_backend_only_writes_to_the_outbox_and_enqueues_delivery(
    django_capture_on_commit_callbacks,
):
    from cases.background import task_backends

    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Subject", "Body", None, ["someone@example.org"])
    assert mail.outbox == []
    row = OutgoingEmail.objects.get()
    assert (row.recipients, row.subject, row.attempts) == ("someone@example.org", "Subject", 0)
    (result,) = task_backends["default"].results
    assert result.task.name == "deliver_outbox"


@override_settings(TASKS=DUMMY)
def test_a_queue_outside_the_database_is_enqueued_only_after_the_commit(
    django_capture_on_commit_callbacks,
):
    from cases.background import task_backends

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_mail("Subject", "Body", None, ["someone@example.org"])
    assert task_backends["default"].results == []
    assert len(callbacks) == 1


# A failing mail server -----------------------------------------------------------------


@override_settings(EMAIL_DELIVERY_BACKEND=REFUSING)
def test_a_mail_server_that_is_down_never_fails_the_invitation(owner_client, case):
    response = invite(owner_client, case)
    assert response.status_code == 302
    follow = owner_client.get(response["Location"])
    assert "Invitation sent to cousin@example.org." in follow.content.decode()
    row = OutgoingEmail.objects.get()
    assert row.attempts == 1
    assert "SMTPConnectError" in row.last_error
    assert row.failed_at is None
    assert later(seconds=50) < row.next_attempt_at < later(seconds=70)
    assert mail.outbox == []


@override_settings(EMAIL_DELIVERY_BACKEND=REFUSING)
def test_a_mail_server_that_is_down_never_fails_a_password_reset(client, owner):
    response = client.post(reverse("account_reset_password"), {"email": owner.email})
    assert response.status_code == 302
    row = OutgoingEmail.objects.get()
    assert row.recipients == owner.email
    assert "Password" in row.subject
    assert row.attempts == 1


def test_a_refused_message_is_sent_when_the_server_is_back(owner_client, case):
    with override_settings(EMAIL_DELIVERY_BACKEND=REFUSING):
        invite(owner_client, case)
    row = OutgoingEmail.objects.get()
    # Not before its backoff is over...
    assert outbox.deliver_due().sent == 0
    # ...then sent, and gone from the outbox.
    report = outbox.deliver_due(now=row.next_attempt_at)
    assert (report.sent, report.failed) == (1, 0)
    assert not OutgoingEmail.objects.exists()
    (message,) = mail.outbox
    assert message.to == ["cousin@example.org"]
    assert "/invitations/" in message.body


@override_settings(EMAIL_DELIVERY_BACKEND=REFUSING)
def test_failures_back_off_then_give_up_for_an_operator_to_see():
    send_mail("Subject", "Body", None, ["someone@example.org"])
    row = OutgoingEmail.objects.get()
    waits = []
    for attempt in range(2, outbox.MAX_ATTEMPTS + 1):
        due = row.next_attempt_at
        report = outbox.deliver_due(now=due)
        row.refresh_from_db()
        assert row.attempts == attempt
        if row.failed_at is None:
            waits.append(row.next_attempt_at - due)
    assert waits == outbox.BACKOFF[1:]
    assert report.given_up == 1
    assert row.failed_at is not None
    # Given up: no further tries, however late it gets.
    assert outbox.deliver_due(now=later(days=30)).sent == 0
    assert OutgoingEmail.objects.get().attempts == outbox.MAX_ATTEMPTS


def test_one_refused_message_does_not_hold_up_the_others():
    with override_settings(EMAIL_DELIVERY_BACKEND=PICKY):
        send_mail("please refuse", "Body", None, ["nobody@example.org"])
        send_mail("Fine", "Body", None, ["someone@example.org"])
    assert [m.subject for m in mail.outbox] == ["Fine"]
    (waiting,) = OutgoingEmail.objects.all()
    assert waiting.subject == "please refuse"
    assert "SMTPRecipientsRefused" in waiting.last_error


def test_a_worker_that_died_mid_send_leaves_its_messages_for_another(owner_client, case):
    with override_settings(TASKS=DUMMY):
        send_mail("Subject", "Body", None, ["someone@example.org"])
    now = timezone.now()
    claimed = outbox._claim(now, 10)  # leased, then the worker died
    assert len(claimed) == 1
    assert outbox.deliver_due(now=now).sent == 0
    assert outbox.deliver_due(now=now + outbox.LEASE).sent == 1


def test_the_delivery_task_fails_visibly_when_mail_is_refused_and_retries():
    with override_settings(EMAIL_DELIVERY_BACKEND=REFUSING, TASKS=DUMMY):
        send_mail("Subject", "Body", None, ["someone@example.org"])
        with pytest.raises(DeliveryFailed, match="1 of 1 emails were not sent"):
            deliver_outbox.call()
        from cases.background import task_backends

        # It enqueued itself again for when the message is due.
        (retry,) = [r for r in task_backends["default"].results if r.task.run_after]
        row = OutgoingEmail.objects.get()
        assert (
            dt.timedelta(0) < retry.task.run_after - row.next_attempt_at <= dt.timedelta(seconds=1)
        )
    # Before then, a run finds nothing due and succeeds.
    result = deliver_outbox.enqueue()
    assert result.status == "SUCCESSFUL"
    assert result.return_value == {"sent": 0, "failed": 0, "given_up": 0}


def test_the_immediate_backend_records_a_refused_delivery_as_failed():
    with override_settings(EMAIL_DELIVERY_BACKEND=REFUSING, TASKS=DUMMY):
        send_mail("Subject", "Body", None, ["someone@example.org"])
    with override_settings(EMAIL_DELIVERY_BACKEND=REFUSING):
        result = deliver_outbox.enqueue()
    assert result.status == "FAILED"
    assert result.errors[0].exception_class_path == "cases.background.tasks.DeliveryFailed"


# What an operator sees -----------------------------------------------------------------


@pytest.fixture
def operator(db):
    """Staff open the admin only after signing in with a code (cases/admin_site.py)."""
    user = make_staff("operator@example.org")
    c = Client()
    sign_in(c, user.email, secret=user.totp_secret)
    return c


@override_settings(EMAIL_DELIVERY_BACKEND=REFUSING)
def test_the_admin_lists_waiting_and_given_up_emails_without_their_content(operator):
    send_mail("Reset your password", "https://x/reset/SECRET-KEY/", None, ["a@example.org"])
    page = operator.get(reverse("admin:cases_outgoingemail_changelist")).content.decode()
    assert "a@example.org" in page and "Reset your password" in page
    assert "SMTPConnectError" in page
    row = OutgoingEmail.objects.get()
    detail = operator.get(reverse("admin:cases_outgoingemail_change", args=[row.pk]))
    assert detail.status_code == 200
    assert "SECRET-KEY" not in detail.content.decode()


def test_an_operator_sends_given_up_emails_again(operator):
    with override_settings(EMAIL_DELIVERY_BACKEND=REFUSING):
        send_mail("Subject", "Body", None, ["someone@example.org"])
    OutgoingEmail.objects.update(failed_at=timezone.now(), attempts=outbox.MAX_ATTEMPTS)
    response = operator.post(
        reverse("admin:cases_outgoingemail_changelist"),
        {"action": "send_again", "_selected_action": [OutgoingEmail.objects.get().pk]},
        follow=True,
    )
    assert "1 emails will be sent again now." in response.content.decode()
    assert not OutgoingEmail.objects.exists()
    assert len(mail.outbox) == 1


DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
def test_the_task_list_shows_a_failed_delivery_and_its_error(operator):
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DATABASE_QUEUE, EMAIL_DELIVERY_BACKEND=REFUSING):
        send_mail("Subject", "Body", None, ["someone@example.org"])
        Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run()
    failed = DBTaskResult.objects.get(status="FAILED")
    assert failed.task_path == "cases.background.tasks.deliver_outbox"
    retry = DBTaskResult.objects.get(status="READY")  # for when the backoff is over
    wait = retry.run_after - OutgoingEmail.objects.get().next_attempt_at
    assert dt.timedelta(0) < wait <= dt.timedelta(seconds=1)
    with override_settings(TASKS=DATABASE_QUEUE):
        page = operator.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))
        detail = operator.get(
            reverse("admin:django_tasks_database_dbtaskresult_change", args=[failed.pk])
        ).content.decode()
    text = page.content.decode()
    assert "deliver_outbox" in text and "Failed" in text and "Ready" in text
    assert "DeliveryFailed" in detail and "SMTPConnectError" in detail


def test_people_who_are_not_staff_cannot_see_the_queues(owner_client, owner):
    for name in (
        "admin:cases_outgoingemail_changelist",
        "admin:django_tasks_database_dbtaskresult_changelist",
        "admin:cases_sentreminder_changelist",
    ):
        response = owner_client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    owner.is_staff = True
    owner.save()
    secret = turn_on_totp(owner)
    staff_client = Client()
    sign_in(staff_client, owner.email, secret=secret)
    assert staff_client.get(reverse("admin:cases_outgoingemail_changelist")).status_code == 403


# Commands --------------------------------------------------------------------------------


def test_send_reminders_runs_the_day_and_says_what_it_sent(owner):
    from tests.factories import make_case

    case = make_case(owner, patient_name="Ana Ruiz", relationship="parent")
    opinion = case.current_opinion()
    opinion.appointment_at = local(dt.date(2026, 3, 5), 10)
    opinion.save()
    out = StringIO()
    call_command("send_reminders", "--date", "2026-03-02", stdout=out)
    assert out.getvalue() == "Reminders for 2026-03-02: 1 emails (appointment_soon 1).\n"
    assert mail.outbox[0].subject == "Second Opinion: Ana's appointment is in 3 days"
    call_command("send_reminders", "--date", "2026-03-02", stdout=out)
    assert "Reminders for 2026-03-02: 0 emails." in out.getvalue()
    assert ScheduledRun.objects.filter(name="reminders", period="2026-03-02").exists()


def test_the_worker_refuses_a_backend_it_cannot_run():
    with pytest.raises(CommandError, match="has no worker"):
        call_command("worker", "--no-schedule")
