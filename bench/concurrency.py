"""Do concurrent saves of different sections all survive? 20 writers against gunicorn.

Run from the repository root:
    .venv/bin/python bench/concurrency.py [--db sqlite|postgres] [--writers 20] [--seconds 20]

It builds a fresh temporary database (SQLite file, or a throwaway PostgreSQL database
on 127.0.0.1), loads the demo data with DEBUG on for that step only, adds editors to the
demo cases, then serves the app with gunicorn (several workers, the test settings:
DEBUG off, a test SECRET_KEY, no https redirect) on 127.0.0.1. Each writer signs in as
its own member and owns one section of one demo case; it saves a fresh value into one
field of that section again and again through the plain HTML form, the way a browser
without JavaScript does, and logs every save the app confirmed (a redirect back to the
page) as a JSON line. Different writers share the cases, never a section, so no save
may undo another: before each save a writer checks that its last confirmed value is
still there, and at the end every writer's last confirmed value is looked up in the
database. The script stops its server itself and drops what it created.

The last line printed is machine-readable:
    reverted=<n> errors=<n> saves=<n>
``reverted`` counts confirmed values found overwritten by someone else's save,
``errors`` counts responses that were neither a confirmed save nor a conflict message.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from concurrency_support import Browser, Log, Writer, same
from serving import GUNICORN, HOST, PG_URL, PYTHON, ROOT, pg, run, wait_until_up

PASSWORD = "bench-concurrency-password"

# One field per section, written by the section's only writer. Text fields take a marker
# such as "w07-00012"; the coverage section has no text field, so its writer varies the
# estimated cost instead.
SECTION_FIELDS = {
    "about": "notes",
    "diagnosis": "prognosis",
    "treatment": "treatment_description",
    "provider": "primary_provider_contact",
    "inform": "provider_response",
    "policy": "insurance_plan",
    "coverage": "estimated_cost",
    "referral": "referral_reference",
    "prior_auth": "prior_auth_reference",
    "specialist": "specialist_address",
}
DEMO_CASES = ["Maria Lopez", "John Lopez", "Rosa Alvarez"]
EXTRA_MEMBERS = 6


# Run inside Django (subprocesses of this script) ---------------------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare() -> None:
    """Add editors to the demo cases and print the writers' targets as JSON."""
    _django()
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from cases.models import Case, Membership, Role
    from cases.sections import SECTIONS

    User = get_user_model()
    maria = User.objects.get(email="demo@example.org")
    cases = [Case.objects.get(patient_name=n, memberships__user=maria) for n in DEMO_CASES]
    members = ["demo@example.org"]
    for n in range(1, EXTRA_MEMBERS + 1):
        email = f"bench{n}@example.org"
        user = User.objects.create_user(username=f"bench{n}", email=email, password=PASSWORD)
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
        for case in cases:
            Membership.objects.create(case=case, user=user, role=Role.EDITOR)
        members.append(email)
    targets = [
        {
            "case": str(case.pk),
            "patient": case.patient_name,
            "section": key,
            "field": name,
            "on_opinion": SECTIONS[key].on_opinion,
            "url": reverse(SECTIONS[key].url_name, kwargs={"case_id": case.pk}),
        }
        for key, name in SECTION_FIELDS.items()
        for case in cases
    ]
    print(json.dumps({"members": members, "targets": targets}))


def dump(targets_json: str) -> None:
    """Print the current value of each target field, read straight from the database."""
    _django()
    from cases.models import Case

    out = {}
    for t in json.loads(targets_json):
        case = Case.objects.get(pk=t["case"])
        obj = case.current_opinion() if t["on_opinion"] else case
        value = getattr(obj, t["field"])
        out[f"{t['case']}:{t['field']}"] = "" if value is None else str(value)
    print(json.dumps(out))


# The orchestration ------------------------------------------------------------------------


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (2 or more)")
    parser.add_argument("--port", type=int, default=8101)
    parser.add_argument("--log", type=Path, help="where to write the JSON lines log")
    args = parser.parse_args()
    if args.workers < 2:
        parser.error("use 2 or more workers: the point is several processes at once")

    tmp = Path(tempfile.mkdtemp(prefix="so-bench-concurrency-"))
    pg_name = f"so_conc_bench_{os.getpid()}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "secondopinion.test_settings",
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 48,
        "SECURE_SSL_REDIRECT": "False",
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}"
        if args.db == "sqlite"
        else f"{PG_URL}/{pg_name}",
    }
    env.pop("CACHE_URL", None)
    log_path = args.log or Path(tempfile.gettempdir()) / f"so-bench-concurrency-{args.db}.jsonl"
    server = None
    try:
        if args.db == "postgres":
            pg(f'CREATE DATABASE "{pg_name}"')
        # The demo refuses to load with DEBUG off (its passwords are public): DEBUG is on
        # for these setup steps only, never for the server under test.
        setup_env = {**env, "DEBUG": "1"}
        run(setup_env, PYTHON, "manage.py", "migrate", "--noinput")
        run(setup_env, PYTHON, "manage.py", "createcachetable")
        run(setup_env, PYTHON, "manage.py", "load_demo")
        plan = json.loads(run(setup_env, PYTHON, __file__, "_prepare", capture=True))
        env["DEBUG"] = "False"
        server_log = (tmp / "gunicorn.log").open("w")
        server = subprocess.Popen(
            [GUNICORN, "secondopinion.wsgi", "--workers", str(args.workers),
             "--bind", f"{HOST}:{args.port}", "--timeout", "60", "--graceful-timeout", "5"],
            cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_until_up(args.port, "/accounts/login/", server, ok=(200,), seconds=60)

        log = Log(log_path)
        members = plan["members"]
        writers = []
        for i in range(args.writers):
            target = plan["targets"][i % len(plan["targets"])]
            email = members[i % len(members)]
            # Each writer has its own browser and session, as a separate device would.
            browser = Browser(args.port)
            browser.sign_in(
                email, "demo-second-opinion" if email == "demo@example.org" else PASSWORD
            )
            writers.append(Writer(i, email, target, browser, log))
        start = threading.Barrier(len(writers))
        deadline = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=w.run, args=(start, deadline), daemon=True) for w in writers
        ]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=args.seconds + 60)
        elapsed = time.monotonic() - t0
        _stop(server)

        # The server is gone: read every writer's field straight from the database.
        used = [w.target for w in writers]
        final = json.loads(run(env, PYTHON, __file__, "_dump", json.dumps(used), capture=True))
        lost_at_end = 0
        for w in writers:
            key = f"{w.target['case']}:{w.target['field']}"
            if w.last is not None and not same(w.target["field"], final[key], w.last):
                lost_at_end += 1
                log.write(event="reverted_at_end", writer=w.index, expected=w.last,
                          found=final[key], **w._where())  # fmt: skip
        log.close()

        saves = sum(w.saves for w in writers)
        reverted = sum(w.reverted for w in writers) + lost_at_end
        errors = [e for w in writers for e in w.errors]
        conflicts = sum(w.conflicts for w in writers)
        hung = sum(t.is_alive() for t in threads)
        cases = len({w.target["case"] for w in writers})
        print(f"database={args.db} workers={args.workers} writers={len(writers)} "
              f"seconds={elapsed:.1f} cases={cases}")  # fmt: skip
        print(f"log={log_path}")
        for message in sorted(set(errors))[:10]:
            print(f"error: {message} (x{errors.count(message)})")
        if saves:
            print(f"reverted_share={reverted / saves:.1%} conflicts={conflicts} "
                  f"lost_at_end={lost_at_end} hung_writers={hung}")  # fmt: skip
        print(f"reverted={reverted} errors={len(errors) + hung} saves={saves}")
        return 0 if reverted == 0 and not errors and not hung else 1
    finally:
        if server is not None:
            _stop(server)
            if server.returncode not in (0, -signal.SIGTERM, None):
                sys.stderr.write((tmp / "gunicorn.log").read_text()[-2000:])
        if args.db == "postgres":
            try:
                pg(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
            except Exception as exc:  # noqa: BLE001
                print(f"could not drop {pg_name}: {exc}", file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_prepare":
        prepare()
    elif len(sys.argv) > 2 and sys.argv[1] == "_dump":
        dump(sys.argv[2])
    else:
        sys.exit(main())
