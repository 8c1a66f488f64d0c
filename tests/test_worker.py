"""Real worker processes deliver from the queue.

The shape under test follows the settings: the database queue by default, RQ on Redis
with TASK_BACKEND=rq and RQ_URL (.ci/run runs this file both ways). The worker is
`manage.py worker` in its own process, on the test database, with a file-based mail
backend in a temporary folder. The last test runs `make run`'s script as a person
would, and stops it with Ctrl-C.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import send_mail
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cases.models import OutgoingEmail, ScheduledRun, SentReminder
from tests.factories import make_case, make_staff, sign_in

BASE_DIR = Path(settings.BASE_DIR)
SHAPE = "rq" if "RQBackend" in settings.WORKER_TASKS["default"]["BACKEND"] else "database"
# Settings the processes get from us alone, never from the environment of the run.
_OURS = {
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "DATABASE_URL",
    "EMAIL_URL",
    "SITE_URL",
    "REMINDERS_HOUR",
    "TASK_BACKEND",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}
WAIT = 90  # seconds: generous, for a busy two-core machine


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _OURS}
    env.update({"TASK_BACKEND": SHAPE, "TIME_ZONE": settings.TIME_ZONE, **extra})
    return env


@pytest.fixture(autouse=True)
def _empty_rq_queue() -> None:
    """Jobs left in Redis by an earlier run would read another database."""
    if SHAPE != "rq":
        return
    import django_rq

    queue = django_rq.get_queue("default")
    queue.empty()
    for registry in (queue.scheduled_job_registry, queue.failed_job_registry):
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)


@contextlib.contextmanager
def running_worker(tmp_path: Path, email_url: str = "", debug: bool = False) -> Iterator[Path]:
    """`manage.py worker` on the test database; yields the folder mail is written to.

    ``debug``: serve static files as the test client does (no collectstatic manifest),
    so that the worker's HTML, and so its cache keys, match the test's."""
    mails = tmp_path / "mail"
    env = _env(
        DJANGO_SETTINGS_MODULE="secondopinion.settings",
        DEBUG=str(debug),
        SECRET_KEY=settings.SECRET_KEY,
        DATABASE_URL=_database_url(),
        EMAIL_URL=email_url or f"filemail:///{mails}",
        SITE_URL="http://127.0.0.1:8000",
        REMINDERS_HOUR="0",
    )
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--tick", "1"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield mails
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        finally:
            log.close()
    assert process.returncode is not None


def wait_for_mail(mails: Path, text: str, log: Path) -> str:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        for path in sorted(mails.glob("*")) if mails.exists() else []:
            content = path.read_text()
            if text in content:
                return content
        time.sleep(0.25)
    raise AssertionError(f"No mail with {text!r} after {WAIT} s. Worker said:\n{log.read_text()}")


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_an_invitation_from_the_queue(tmp_path, owner_client, case):
    with override_settings(TASKS=settings.WORKER_TASKS):
        url = reverse("case_invite", kwargs={"case_id": case.pk})
        response = owner_client.post(url, {"email": "cousin@example.org", "role": "viewer"})
    assert response.status_code == 302
    # The request only wrote the message down: nothing was sent inside it.
    assert OutgoingEmail.objects.count() == 1
    assert mail.outbox == []
    with running_worker(tmp_path) as mails:
        message = wait_for_mail(mails, "invited you to help", tmp_path / "worker.log")
    assert "To: cousin@example.org" in message
    assert "/invitations/" in message
    assert not OutgoingEmail.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_days_reminders_on_its_own_schedule(tmp_path, owner):
    case = make_case(owner, patient_name="Ana Ruiz", relationship="parent")
    opinion = case.current_opinion()
    day = timezone.localdate() + dt.timedelta(days=3)
    opinion.appointment_at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    opinion.save()
    with running_worker(tmp_path) as mails:
        message = wait_for_mail(mails, "Ana's appointment is in 3 days", tmp_path / "worker.log")
    assert "To: alice@example.org" in message
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in message
    assert ScheduledRun.objects.filter(name="reminders").count() == 1
    assert SentReminder.objects.get().user == owner


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_refuses_leaves_a_failure_to_see_and_a_retry_queued(tmp_path, client):
    with override_settings(TASKS=settings.WORKER_TASKS):
        send_mail("Subject", "Body", None, ["someone@example.org"])
    closed = f"smtp://127.0.0.1:{_free_port()}"  # nothing listens there
    with running_worker(tmp_path, email_url=closed):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline and not OutgoingEmail.objects.filter(attempts=1):
            time.sleep(0.25)
        time.sleep(1)  # the task records its failure and queues the retry just after
    row = OutgoingEmail.objects.get()
    assert row.attempts == 1, (tmp_path / "worker.log").read_text()
    assert "ConnectionRefusedError" in row.last_error
    operator = make_staff("operator@example.org")
    sign_in(client, operator.email, secret=operator.totp_secret)
    if SHAPE == "rq":
        import django_rq

        queue = django_rq.get_queue("default")
        (retry,) = queue.scheduled_job_registry.get_job_ids()
        retry_at = queue.scheduled_job_registry.get_scheduled_time(retry)
        assert dt.timedelta(0) < retry_at - row.next_attempt_at <= dt.timedelta(seconds=1)
        (failed,) = queue.failed_job_registry.get_job_ids()
        assert "DeliveryFailed" in queue.fetch_job(failed).latest_result().exc_string
        # The operator's view: django-rq's dashboard in the admin.
        page = client.get(reverse("admin:django_rq_failed_jobs", args=[0]))
    else:
        from django_tasks_db.models import DBTaskResult

        failed = DBTaskResult.objects.get(status="FAILED")
        assert "DeliveryFailed" in failed.traceback
        retry = DBTaskResult.objects.get(status="READY")
        assert dt.timedelta(0) < retry.run_after - row.next_attempt_at <= dt.timedelta(seconds=1)
        # The operator's view: the task list in the admin.
        with override_settings(TASKS=settings.WORKER_TASKS):
            page = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))
    assert page.status_code == 200
    assert "deliver_outbox" in page.content.decode()


def _free_port() -> int:
    for port in range(8300, 8350):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError("No free port in 8300-8349")


def _alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def test_make_run_serves_the_app_runs_the_worker_and_stops_both_on_ctrl_c(tmp_path):
    port = _free_port()
    env = _env(
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        EMAIL_URL="consolemail://",
        SITE_URL=f"http://127.0.0.1:{port}",
        REMINDERS_HOUR="0",
        PY=sys.executable,
    )
    for command in (["migrate", "--noinput"], ["load_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    log_path = tmp_path / "run.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            ["scripts/run-dev", f"127.0.0.1:{port}"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + WAIT
        served = reminded = False
        while time.monotonic() < deadline and not (served and reminded):
            time.sleep(0.5)
            # The appointment in 3 days, a record not received, a letter's 30 days...
            reminded = "things to do for your second opinion" in log_path.read_text()
            with contextlib.suppress(OSError):
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/")
                served = page.status == 200
        output = log_path.read_text()
        assert served, output
        assert reminded, output
        assert "Your appointment is in 3 days" in output
        # Ctrl-C reaches the whole foreground process group.
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
        deadline = time.monotonic() + 15
        while _alive(process.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(process.pid), "the server or the worker outlived Ctrl-C"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_the_packet_the_download_page_waits_for(tmp_path, owner_client, case):
    url = reverse("packet_download", args=[case.pk]) + "?paper=a4"
    status_url = reverse("document_status", args=[case.pk, "packet"]) + "?paper=a4"
    with override_settings(TASKS=settings.WORKER_TASKS):
        first = owner_client.get(url)
    assert first.status_code == 202, first.content[:300]
    assert b"being prepared" in first.content
    with running_worker(tmp_path, debug=True):
        deadline = time.monotonic() + WAIT
        # As the page's htmx does: ask the status page until it offers the file.
        while time.monotonic() < deadline:
            polled = owner_client.get(status_url, headers={"HX-Request": "true"})
            if b"Your packet is ready" in polled.content:
                break
            time.sleep(0.5)
    response = owner_client.get(url)
    assert response.status_code == 200, (tmp_path / "worker.log").read_text()
    assert response.content.startswith(b"%PDF-")
