"""How fast are the pages, next to a bare Django "hello", even while packets print?

Run from the repository root:
    .venv/bin/python bench/pages.py [--db sqlite|postgres] [--scale 10000] [--seconds 4]

It builds a fresh database (a SQLite file in a temporary folder, or a throwaway
PostgreSQL database on 127.0.0.1 that it drops afterwards), loads the demo with DEBUG on
for that step only (the demo refuses to load with DEBUG off: its passwords are public),
collects the static files, and serves the app with gunicorn and its configuration
(secondopinion/gunicorn.conf.py) as in production, DEBUG off, but 2 sync workers. A
bare Django "hello" (bench/hello_app.py: no apps, no middleware) is served by the same
gunicorn with the same configuration on another port. wrk (installed through
scripts/system-deps when missing) drives each URL with 8 connections, signed in as the
demo user, one URL after another, so every figure is a ratio measured in the same run
on the same machine:

- hello through the app's middleware with a session, the dashboard, the case page and
  an htmx section form, as a share of the bare hello's requests per second;
- the case page while two people download packets continuously, as a share of the case
  page alone;
- the time of a second download of an unchanged packet;
- with ``--scale N`` (0 to skip), N other cases for other people are then added (with
  their records, members and activity trail) and each page is measured again: the
  ratio is the time per request at that size to the time at demo size.

The last line printed is machine-readable:
    RESULT hello=<x> dashboard=<x> case=<x> htmx_form=<x> case_while_packets=<x>
           second_packet_s=<s> scale_worst=<x> all_met=<0|1>
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
CONFIG = ROOT / "secondopinion" / "gunicorn.conf.py"
HOST = "127.0.0.1"
PG_URL = "postgres://postgres@127.0.0.1:5432"
DEMO_EMAIL = "demo@example.org"
DEMO_PASSWORD = "demo-second-opinion"
CONNECTIONS = 8
WORKERS = 2


@dataclass(frozen=True)
class Target:
    """One row of the table: how it is computed, and what it must reach."""

    key: str
    label: str
    goal: float
    at_most: bool = False  # a time: lower is better

    def met(self, value: float | None) -> bool:
        if value is None:
            return False
        return value <= self.goal if self.at_most else value >= self.goal


TARGETS = [
    Target("hello", "hello through the middleware, signed in (x bare hello)", 0.4),
    Target("dashboard", "dashboard (x bare hello)", 0.08),
    Target("case", "case page (x bare hello)", 0.07),
    Target("htmx_form", "htmx section form (x bare hello)", 0.15),
    Target("case_while_packets", "case page while 2 download packets (x idle)", 0.6),
    Target("second_packet_s", "second download of an unchanged packet (s)", 0.03, True),
    Target("scale_worst", "slowest page at scale (x demo size)", 1.3, True),
]


# Run inside Django (subprocesses of this script) ---------------------------------------


def _django() -> None:
    sys.path[:0] = [str(ROOT), str(BENCH)]
    import django

    django.setup()


def urls() -> None:
    """Print the demo user's URLs to measure, as JSON."""
    _django()
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from cases.models import Case
    from cases.sections import SECTIONS

    user = get_user_model().objects.get(email=DEMO_EMAIL)
    case = Case.objects.get(patient_name="Maria Lopez", memberships__user=user)
    kw = {"case_id": case.pk}
    print(
        json.dumps(
            {
                "hello": reverse("bench_hello"),
                "dashboard": reverse("dashboard"),
                "case": reverse("case_detail", kwargs=kw),
                "htmx_form": reverse(SECTIONS["diagnosis"].url_name, kwargs=kw),
                "activity": reverse("case_activity", kwargs=kw),
                "records": reverse("records", kwargs=kw),
                "members": reverse("case_members", kwargs=kw),
                "packet_preview": reverse("packet_preview", kwargs=kw),
                "packet": reverse("packet_download", kwargs=kw),
            }
        )
    )


def scale(n: int) -> None:
    """Add ``n`` cases for other people: members, an opinion, records, an activity trail."""
    _django()
    import datetime as dt

    from auditlog.models import LogEntry
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone

    from cases.models import Case, Membership, Opinion, Question, RecordItem, Role
    from cases.models.items import RecordKind

    User = get_user_model()
    password = make_password("bench-only")
    kinds = list(RecordKind)[:6]
    now = timezone.now()
    case_type = ContentType.objects.get_for_model(Case)
    with transaction.atomic():
        # One person in ten has several cases, as families do.
        users = User.objects.bulk_create(
            User(username=f"scale{i}", email=f"scale{i}@example.org", password=password)
            for i in range(n)
        )
        cases = Case.objects.bulk_create(
            Case(
                patient_name=f"Pat Person{i}",
                relationship="self",
                condition="Diagnosis",
                created_by=users[i if i % 10 else (i + 1) % n],
            )
            for i in range(n)
        )
        Membership.objects.bulk_create(
            [Membership(case=c, user=c.created_by, role=Role.OWNER) for c in cases]
            + [
                Membership(case=c, user=users[(i + 7) % n], role=Role.EDITOR)
                for i, c in enumerate(cases)
                if i % 2
            ],
            batch_size=2000,
        )
        opinions = Opinion.objects.bulk_create(
            (Opinion(case=c, number=2) for c in cases), batch_size=2000
        )
        RecordItem.objects.bulk_create(
            (
                RecordItem(opinion=o, kind=kinds[k], name="Record", position=k)
                for o in opinions
                for k in range(6)
            ),
            batch_size=2000,
        )
        Question.objects.bulk_create(
            (Question(opinion=o, text="Why?", position=k) for o in opinions for k in range(3)),
            batch_size=2000,
        )
        # The trail: a creation and a few edits per case, over the last months.
        LogEntry.objects.bulk_create(
            (
                LogEntry(
                    content_type=case_type,
                    object_pk=str(c.pk),
                    object_repr=c.patient_name,
                    action=LogEntry.Action.CREATE if k == 0 else LogEntry.Action.UPDATE,
                    changes={"notes": ["", f"note {k}"]},
                    actor=c.created_by,
                    timestamp=now - dt.timedelta(hours=i % 2000, minutes=k),
                    additional_data={"case_id": str(c.pk)},
                )
                for i, c in enumerate(cases)
                for k in range(8)
            ),
            batch_size=2000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "sqlite":
            # Readers would otherwise look up every page in the big write-ahead log.
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(json.dumps({"cases": n}))


# The HTTP side ---------------------------------------------------------------------------


class Browser:
    """The demo user's browser: cookies kept by hand (they are Secure, the server is http)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(
        self, method: str, path: str, form: list[tuple[str, str]] | None = None, **headers: str
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=120)
        headers = {"Host": f"{HOST}:{self.port}", **headers}
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return response.status, {k.lower(): v for k, v in response.getheaders()}, content
        finally:
            conn.close()

    def sign_in(self) -> None:
        status, _, html = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if status != 200 or not token:
            raise RuntimeError(f"the sign-in page answered {status}")
        form = [
            ("csrfmiddlewaretoken", token.group(1).decode()),
            ("login", DEMO_EMAIL),
            ("password", DEMO_PASSWORD),
        ]
        status, headers, _ = self.request("POST", "/accounts/login/", form)
        if status != 302 or "login" in headers.get("location", ""):
            raise RuntimeError(f"signing in answered {status} {headers.get('location')}")

    def download_packet(self, path: str, deadline: float = 120) -> tuple[bytes, float]:
        """The packet PDF and how long it took, waiting if the app prepares it first.

        Today's app answers with the PDF. One that renders elsewhere may answer with a
        page or a redirect first: follow redirects, and ask again until the PDF comes.
        """
        t0 = time.perf_counter()
        end = t0 + deadline
        while time.perf_counter() < end:
            status, headers, content = self.request("GET", path)
            if status == 200 and headers.get("content-type", "").startswith("application/pdf"):
                return content, time.perf_counter() - t0
            if status in (301, 302, 303, 307) and headers.get("location"):
                path = (
                    urllib.parse.urlsplit(headers["location"])
                    ._replace(scheme="", netloc="")
                    .geturl()
                )
                continue
            if status not in (200, 202):
                raise RuntimeError(f"the packet answered {status}")
            time.sleep(min(float(headers.get("retry-after", "0.1") or 0.1), 1.0))
        raise RuntimeError("the packet never came")


def wrk(port: int, path: str, seconds: float, headers: dict[str, str]) -> float:
    """Requests per second over ``seconds`` with 8 connections; fails on any error."""
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s", "--timeout", "30s"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run(
        [*args, f"http://{HOST}:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        raise RuntimeError(f"{path}: {m.group(1)} error responses\n{out}")
    if m := re.search(r"Socket errors: .*", out):
        print(f"  ({path}: {m.group(0)})")
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not m:
        raise RuntimeError(f"wrk said:\n{out}")
    return float(m.group(1))


def summary(values: dict[str, float | None]) -> str:
    """The machine-readable last line."""
    parts = []
    for t in TARGETS:
        v = values.get(t.key)
        parts.append(f"{t.key}={'-' if v is None else f'{v:.3f}'}")
    all_met = all(t.met(values.get(t.key)) for t in TARGETS)
    return f"RESULT {' '.join(parts)} all_met={int(all_met)}"


def table(values: dict[str, float | None]) -> list[str]:
    lines = [f"{'what':<58} {'value':>8} {'target':>8}  met"]
    for t in TARGETS:
        v = values.get(t.key)
        shown = "-" if v is None else f"{v:.3f}"
        goal = f"{'<=' if t.at_most else '>='}{t.goal:g}"
        lines.append(f"{t.label:<58} {shown:>8} {goal:>8}  {'met' if t.met(v) else 'MISSED'}")
    return lines


# The orchestration ------------------------------------------------------------------------


def _run(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        args, cwd=ROOT, env=env, timeout=900, text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    if result.returncode:
        sys.stderr.write(result.stderr[-3000:])
        raise RuntimeError(f"{' '.join(args[1:3])} failed")
    return result.stdout


def _serve(env: dict, app: str, port: int, log: Path) -> subprocess.Popen:
    # The configuration file's workers and threads follow the CPU count; the table is
    # measured with 2 sync workers, so every figure compares like with like.
    return subprocess.Popen(
        [GUNICORN, "-c", str(CONFIG), app, "--workers", str(WORKERS), "--threads", "1",
         "--worker-class", "sync", "--bind", f"{HOST}:{port}", "--max-requests", "0"],
        cwd=BENCH, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def _wait_until_up(port: int, path: str, server: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited during startup")
        try:
            status, _, _ = Browser(port).request("GET", path)
            if status in (200, 302):
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _install_wrk() -> None:
    if shutil.which("wrk") is None:
        subprocess.run(["bash", str(ROOT / "scripts" / "system-deps"), "wrk"], check=True)


class Downloaders:
    """Two people downloading the packet again and again, each in a thread."""

    def __init__(self, browser: Browser, path: str, people: int = 2) -> None:
        self.browser, self.path = browser, path
        self.stop = threading.Event()
        self.done = 0
        self.errors: list[str] = []
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(people)]

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                self.browser.download_packet(self.path)
                self.done += 1
            except (RuntimeError, OSError) as exc:
                self.errors.append(str(exc))
                time.sleep(0.5)

    def __enter__(self) -> Downloaders:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=120)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--scale", type=int, default=10_000, help="other cases to add for the scale rows (0: skip)"
    )
    parser.add_argument("--seconds", type=float, default=4, help="wrk's run per measurement")
    parser.add_argument("--port", type=int, default=8121, help="the app; the bare hello: +1")
    args = parser.parse_args(argv)
    if args.scale < 0 or args.seconds <= 0:
        parser.error("--scale must be 0 or more and --seconds more than 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _install_wrk()
    tmp = Path(tempfile.mkdtemp(prefix="so-bench-pages-"))
    pg_name = f"so_pages_bench_{os.getpid()}"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(BENCH), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "pages_settings",
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 48,
        "SECURE_SSL_REDIRECT": "False",
        "ALLOWED_HOSTS": HOST,
        "BENCH_STATIC_ROOT": str(tmp / "static"),
        "PRIVATE_MEDIA_ROOT": str(tmp / "media"),
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}"
        if args.db == "sqlite"
        else f"{PG_URL}/{pg_name}",
    }
    env.pop("CACHE_URL", None)
    servers: list[subprocess.Popen] = []
    values: dict[str, float | None] = {}
    try:
        if args.db == "postgres":
            _pg(f'CREATE DATABASE "{pg_name}"')
        setup_env = {**env, "DEBUG": "1"}
        _run(setup_env, PYTHON, "manage.py", "migrate", "--noinput")
        _run(setup_env, PYTHON, "manage.py", "load_demo")
        env["DEBUG"] = "False"
        _run(env, PYTHON, "manage.py", "collectstatic", "--noinput")
        paths = json.loads(_run(env, PYTHON, __file__, "_urls", capture=True))
        app_port, hello_port = args.port, args.port + 1
        servers.append(_serve(env, "secondopinion.wsgi", app_port, tmp / "app.log"))
        servers.append(_serve(env, "hello_app:application", hello_port, tmp / "hello.log"))
        # The task worker beside them, as in production: packets are made there, never
        # in a page worker (cases/services/documents.py).
        servers.append(
            subprocess.Popen(
                [PYTHON, "manage.py", "worker"],
                cwd=ROOT, env=env, stdout=(tmp / "worker.log").open("w"),
                stderr=subprocess.STDOUT, start_new_session=True,
            )
        )  # fmt: skip
        _wait_until_up(app_port, "/accounts/login/", servers[0])
        _wait_until_up(hello_port, "/", servers[1])

        browser = Browser(app_port)
        browser.sign_in()
        signed_in = {"Cookie": browser.cookie_header()}
        htmx = {**signed_in, "HX-Request": "true", "HX-Current-URL": paths["case"]}

        def side_by_side(name: str, headers: dict[str, str]) -> tuple[float, float]:
            """Requests per second of a page and of the bare hello, in alternating
            two-second slices, so a change in the machine's load touches both alike."""
            status, _, content = browser.request("GET", paths[name], **headers)
            if status != 200 or (name != "hello" and b'name="password"' in content):
                raise RuntimeError(f"{name} answered {status}, not the signed-in page")
            slices = max(1, round(args.seconds / 2))
            page_rps = bare_rps = 0.0
            for _ in range(slices):
                bare_rps += wrk(hello_port, "/", 2, {})
                page_rps += wrk(app_port, paths[name], 2, headers)
            return page_rps / slices, bare_rps / slices

        print(f"database={args.db} workers={WORKERS} connections={CONNECTIONS} "
              f"seconds={args.seconds:g} load={os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
        headers = {"htmx_form": htmx}
        rps: dict[str, float] = {}
        for name in ("hello", "dashboard", "case", "htmx_form"):
            rps[name], bare = side_by_side(name, headers.get(name, signed_in))
            values[name] = rps[name] / bare
            print(f"{name}: {rps[name]:.1f} req/s, bare hello {bare:.0f} req/s", flush=True)

        # Packets: the first download renders, the second finds the case unchanged.
        browser.download_packet(paths["packet"])
        _, values["second_packet_s"] = browser.download_packet(paths["packet"])
        print(f"second download of the packet: {values['second_packet_s']:.3f} s", flush=True)
        idle = wrk(app_port, paths["case"], args.seconds, signed_in)
        with Downloaders(browser, paths["packet"]) as downloads:
            time.sleep(0.5)
            busy = wrk(app_port, paths["case"], args.seconds, signed_in)
        values["case_while_packets"] = busy / idle
        print(f"case page idle {idle:.1f} req/s, while packets download {busy:.1f} req/s "
              f"({downloads.done} packets, {len(downloads.errors)} errors)",
              flush=True)  # fmt: skip

        if args.scale:
            scale_pages = ["dashboard", "case", "htmx_form", "activity", "records", "members",
                           "packet_preview"]  # fmt: skip
            # Each page's share of the bare hello, before and after: the load of the
            # machine may change while the cases are added.
            small = {name: side_by_side(name, headers.get(name, signed_in)) for name in scale_pages}
            t0 = time.monotonic()
            _run(env, PYTHON, __file__, "_scale", str(args.scale), capture=True)
            print(f"added {args.scale} cases in {time.monotonic() - t0:.1f} s", flush=True)
            big = {name: side_by_side(name, headers.get(name, signed_in)) for name in scale_pages}
            ratios = {}
            for name in scale_pages:
                (page_small, bare_small), (page_big, bare_big) = small[name], big[name]
                ratios[name] = (page_small / bare_small) / (page_big / bare_big)
                print(f"at scale, {name}: {page_big:.1f} req/s (bare {bare_big:.0f}) vs "
                      f"{page_small:.1f} (bare {bare_small:.0f}) = {ratios[name]:.2f}x the time",
                      flush=True)  # fmt: skip
            values["scale_worst"] = max(ratios.values())

        for line in table(values):
            print(line)
        print(summary(values))
        return 0
    finally:
        for server in servers:
            _stop(server)
        if args.db == "postgres":
            try:
                _pg(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
            except Exception as exc:  # noqa: BLE001
                print(f"could not drop {pg_name}: {exc}", file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_urls":
        urls()
    elif len(sys.argv) > 2 and sys.argv[1] == "_scale":
        scale(int(sys.argv[2]))
    else:
        sys.exit(main())
