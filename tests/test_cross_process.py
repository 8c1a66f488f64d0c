"""Protections that must hold across server processes, proved with two real ones.

Two gunicorn servers (one worker process each, two threads) on ports of their own share
one SQLite file and the cache, behind an imagined load balancer: requests alternate
between them, with the site's one host name and the client's address in
X-Forwarded-For (TRUSTED_PROXY_COUNT=1). Each test comes from its own address and uses
accounts of its own, so the tests do not count against each other.
They run with the default database cache and with Redis; and, as a control showing
the test would notice, with a per-process cache (what secondopinion.E001 refuses),
which lets through one share per process.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
GUNICORN = Path(sys.executable).with_name("gunicorn")
PASSWORD = "correct-horse-battery-staple"
# A TOTP secret both test accounts share, so each can use the same current code.
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
REDIS_URL = "redis://127.0.0.1:6379/2"
CACHE_URLS = {"database": "", "redis": REDIS_URL, "per-process": "locmemcache://"}

SETUP = f"""
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model

for name in ("alice", "bob", "carol"):
    user = get_user_model().objects.create_user(
        username=name, email=f"{{name}}@example.org", password={PASSWORD!r}
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    TOTP.activate(user, {SECRET!r})
"""


def _env(database: Path, cache_url: str, prefix: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "PYTEST"))}
    for name in ("DATABASE_URL", "CACHE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"):
        keep.pop(name, None)
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "tests.process_settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "CACHE_URL": cache_url,
        "TEST_CACHE_KEY_PREFIX": prefix,
        "ALLOWED_HOSTS": "127.0.0.1",
        "TRUSTED_PROXY_COUNT": "1",
    }


@pytest.fixture(scope="module")
def template_db(tmp_path_factory) -> Path:
    """Migrated once, with the two accounts; each test gets a copy."""
    database = tmp_path_factory.mktemp("processes") / "template.sqlite3"
    env = _env(database, "", "")
    for args in (["migrate", "--noinput"], ["shell", "-c", SETUP]):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    with sqlite3.connect(database) as connection:  # one file: fold the WAL in
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return database


def _listening_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


@dataclass
class Servers:
    ports: tuple[int, int]
    logs: list[Path]
    processes: list[subprocess.Popen] = field(default_factory=list)

    def security_log(self) -> str:
        return "".join(log.read_text() for log in self.logs)


@pytest.fixture(scope="module", params=list(CACHE_URLS))
def servers(request, template_db, tmp_path_factory):
    kind = request.param
    tmp_path = tmp_path_factory.mktemp(kind)
    database = tmp_path / "db.sqlite3"
    shutil.copy(template_db, database)
    prefix = f"test-{uuid.uuid4().hex}"
    env = _env(database, CACHE_URLS[kind], prefix)
    # Each server gets a socket this test bound to a free port and hands over (gunicorn's
    # fd://), so no port is fixed and none can be taken between choosing and binding it.
    listeners = [_listening_socket() for _ in range(2)]
    ports = tuple(sock.getsockname()[1] for sock in listeners)
    found = Servers(ports, [tmp_path / f"server-{port}.log" for port in ports])
    for sock, log in zip(listeners, found.logs, strict=True):
        command = [str(GUNICORN), "secondopinion.wsgi", "--bind", f"fd://{sock.fileno()}"]
        command += ["--workers", "1", "--threads", "2", "--timeout", "60"]
        found.processes.append(
            subprocess.Popen(  # noqa: S603
                command,
                cwd=BASE_DIR,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log.open("w"),
                pass_fds=(sock.fileno(),),
            )
        )
        sock.close()  # the server holds its own copy
    try:
        for port in found.ports:
            _wait_until_up(port)
        yield kind, found
    finally:
        for process in found.processes:
            process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        for process in found.processes:
            process.wait(timeout=30)
        if kind == "redis":
            import redis

            client = redis.Redis.from_url(REDIS_URL)
            keys = list(client.scan_iter(match=f"{prefix}:*"))
            if keys:
                client.delete(*keys)
            client.close()


def _wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/accounts/login/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server on port {port} did not start")


class Visitor:
    """One browser: its cookies, sent to whichever server it is told to use."""

    def __init__(self, ip: str) -> None:
        self.ip = ip
        self.cookies = SimpleCookie()

    def request(self, port: int, method: str, path: str, form: dict | None = None):
        connection = HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {
            # One site name, as behind a load balancer (allauth keys limits on it).
            "Host": "127.0.0.1",
            "X-Forwarded-For": self.ip,
            "Cookie": "; ".join(f"{k}={m.value}" for k, m in self.cookies.items()),
        }
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(header)
        return response.status, response.getheader("Location", ""), response.read().decode()

    def post_form(self, port: int, path: str, form: dict):
        """Open the page for its CSRF token, then send the form, as a browser would."""
        status, _, html = self.request(port, "GET", path)
        assert status == 200, (status, html[:300])
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        return self.request(port, "POST", path, {**form, "csrfmiddlewaretoken": token})

    def sign_in(self, port: int, email: str, password: str):
        return self.post_form(port, "/accounts/login/", {"login": email, "password": password})


GOT_THROUGH = "The email address or password is not right"
REFUSED = "too many attempts to sign in to this account"


def test_the_sign_in_limit_holds_across_two_processes(servers):
    kind, found = servers
    visitor = Visitor("203.0.113.10")
    through = refused = 0
    for attempt in range(30):
        port = found.ports[attempt % 2]
        status, _, html = visitor.sign_in(port, "alice@example.org", "wrong-password")
        assert status == 200
        if GOT_THROUGH in html:
            through += 1
        else:
            assert REFUSED in html
            refused += 1
    print(f"{kind} cache: {through} of 30 wrong passwords got through across two processes")
    # 5 wrong passwords in 5 minutes per account (settings.ACCOUNT_RATE_LIMITS).
    expected = 10 if kind == "per-process" else 5
    assert (through, refused) == (expected, 30 - expected)
    if kind != "per-process":
        # Now even the right password waits, on either server and from elsewhere.
        for port in found.ports:
            status, _, html = Visitor("198.51.100.20").sign_in(port, "alice@example.org", PASSWORD)
            assert status == 200 and REFUSED in html
        log = found.security_log()
        assert log.count('"event":"login_failed"') == 5
        assert '"event":"rate_limited"' in log and '"limit":"login_failed"' in log


def _code_with_time_to_spare() -> str:
    """The current code, waiting for the next period if this one is about to end."""
    period = 30
    if period - time.time() % period < 10:
        time.sleep(period - time.time() % period + 0.5)
    return format_hotp_value(hotp_value(SECRET, int(time.time()) // period))


def _at_the_code_step(port: int, email: str) -> Visitor:
    visitor = Visitor("203.0.113.30")
    status, location, _ = visitor.sign_in(port, email, PASSWORD)
    assert (status, location) == (302, "/accounts/2fa/authenticate/")
    return visitor


def _send_code(visitor: Visitor, port: int, code: str) -> bool:
    status, location, _ = visitor.post_form(port, "/accounts/2fa/authenticate/", {"code": code})
    return status == 302 and location == "/"


def test_a_two_factor_code_is_accepted_once_across_two_processes(servers):
    kind, found = servers
    first, second = found.ports
    # One after the other: the code works on one server, then not on the other.
    carol_a = _at_the_code_step(first, "carol@example.org")
    carol_b = _at_the_code_step(second, "carol@example.org")
    code = _code_with_time_to_spare()
    assert _send_code(carol_a, first, code)
    replayed = _send_code(carol_b, second, code)
    assert replayed is (kind == "per-process")

    # At the same moment: four sign-ins, two on each server, send one code together.
    visitors = [_at_the_code_step(found.ports[n % 2], "bob@example.org") for n in range(4)]
    barrier = threading.Barrier(4)
    results: list[bool] = []

    def send(n: int) -> None:
        status, _, html = visitors[n].request(
            found.ports[n % 2], "GET", "/accounts/2fa/authenticate/"
        )
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        barrier.wait()
        status, location, _ = visitors[n].request(
            found.ports[n % 2],
            "POST",
            "/accounts/2fa/authenticate/",
            {"code": code, "csrfmiddlewaretoken": token},
        )
        results.append(status == 302 and location == "/")

    code = _code_with_time_to_spare()
    threads = [threading.Thread(target=send, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    accepted = sum(results)
    print(f"{kind} cache: one code sent at once to 4 sign-ins on 2 processes, accepted {accepted}")
    assert len(results) == 4
    assert accepted == (2 if kind == "per-process" else 1)
    if kind != "per-process":
        assert found.security_log().count('"event":"mfa_failed"') == 4


def test_the_database_cache_counts_atomically_across_processes(template_db, tmp_path):
    """Two processes increment one counter 200 times each: none of the 400 is lost
    (Django's own database cache reads then writes, and loses some)."""
    database = tmp_path / "db.sqlite3"
    shutil.copy(template_db, database)
    env = _env(database, "", "")
    script = (
        "from django.core.cache import caches\n"
        "cache = caches['default']\n"
        "cache.add('counter', 0, 600)\n"
        "for _ in range(200):\n"
        "    cache.incr('counter')\n"
    )
    workers = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    for worker in workers:
        _, errors = worker.communicate(timeout=300)
        assert worker.returncode == 0, errors.decode()
    check = "from django.core.cache import caches\nprint(caches['default'].get('counter'))\n"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", check],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "400"
