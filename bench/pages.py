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
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pages_support import (
    CONNECTIONS,
    DEMO_EMAIL,
    WORKERS,
    Browser,
    Downloaders,
    install_wrk,
    serve,
    stop,
    summary,
    table,
    wrk,
)
from serving import BENCH, HOST, PG_URL, PYTHON, ROOT, pg, run, wait_until_up


def _run(env: dict, *args: str, capture: bool = False) -> str:
    return run(env, *args, capture=capture, timeout=900)


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
    install_wrk()
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
            pg(f'CREATE DATABASE "{pg_name}"')
        setup_env = {**env, "DEBUG": "1"}
        _run(setup_env, PYTHON, "manage.py", "migrate", "--noinput")
        _run(setup_env, PYTHON, "manage.py", "load_demo")
        env["DEBUG"] = "False"
        _run(env, PYTHON, "manage.py", "collectstatic", "--noinput")
        paths = json.loads(_run(env, PYTHON, __file__, "_urls", capture=True))
        app_port, hello_port = args.port, args.port + 1
        servers.append(serve(env, "secondopinion.wsgi", app_port, tmp / "app.log"))
        servers.append(serve(env, "hello_app:application", hello_port, tmp / "hello.log"))
        # The task worker beside them, as in production: packets are made there, never
        # in a page worker (cases/services/documents.py).
        servers.append(
            subprocess.Popen(
                [PYTHON, "manage.py", "worker"],
                cwd=ROOT, env=env, stdout=(tmp / "worker.log").open("w"),
                stderr=subprocess.STDOUT, start_new_session=True,
            )
        )  # fmt: skip
        wait_until_up(app_port, "/accounts/login/", servers[0], ok=(200, 302), seconds=90)
        wait_until_up(hello_port, "/", servers[1], ok=(200, 302), seconds=90)

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
            stop(server)
        if args.db == "postgres":
            try:
                pg(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
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
