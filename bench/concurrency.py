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
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
HOST = "127.0.0.1"
PG_URL = "postgres://postgres@127.0.0.1:5432"
PASSWORD = "bench-concurrency-password"
CONFLICT_TEXT = "Someone else changed this while you were editing"

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
    from cases.views.roadmap import SECTIONS

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


# The HTTP side ---------------------------------------------------------------------------


class FormParser(HTMLParser):
    """The fields of every form on a page, as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action", ""), "fields": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("radio", "checkbox") and "checked" not in a:
                return
            default = "on" if kind in ("radio", "checkbox") else ""
            self._form["fields"].append((a["name"], a.get("value", default)))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []
        elif tag == "select" and a.get("name"):
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            text = "".join(self._text)
            # Browsers drop the newline that directly follows <textarea>.
            self._form["fields"].append((self._textarea, text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = [v for v, sel in self._options if sel] or [v for v, _ in self._options[:1]]
            self._form["fields"].extend((self._select, v) for v in chosen)
            self._select = None


class Browser:
    """One person's browser: cookies kept by hand (they are Secure, the server is http)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: list[tuple[str, str]] | None = None):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        headers = {"Host": f"{HOST}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return response.status, response.getheader("Location") or "", text
        finally:
            conn.close()

    def form(self, path: str, has: str) -> list[tuple[str, str]]:
        status, _, html = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        parser = FormParser()
        parser.feed(html)
        for f in parser.forms:
            if any(name == has for name, _ in f["fields"]):
                return f["fields"]
        raise RuntimeError(f"no form with {has!r} at {path}")

    def sign_in(self, email: str, password: str) -> None:
        fields = self.form("/accounts/login/", "csrfmiddlewaretoken")
        fields = [(k, v) for k, v in fields if k not in ("login", "password")]
        fields += [("login", email), ("password", password)]
        status, location, _ = self.request("POST", "/accounts/login/", fields)
        if status != 302 or "login" in location:
            raise RuntimeError(f"sign-in as {email} failed ({status})")


def same(field_name: str, a: str, b: str) -> bool:
    if field_name == "estimated_cost":
        try:
            return Decimal(a.replace("$", "").replace(",", "")) == Decimal(b)
        except InvalidOperation:
            return False
    return a.replace("\r\n", "\n") == b


@dataclass
class Writer:
    index: int
    email: str
    target: dict
    browser: Browser
    log: Log
    last: str | None = None
    saves: int = 0
    conflicts: int = 0
    reverted: int = 0
    errors: list[str] = field(default_factory=list)

    def value(self, n: int) -> str:
        if self.target["field"] == "estimated_cost":
            return f"{n}.{self.index:02d}"
        return f"w{self.index:02d}-{n:05d}"

    def run(self, start: threading.Barrier, deadline: float) -> None:
        start.wait()
        name, url = self.target["field"], self.target["url"]
        n = 0
        while time.monotonic() < deadline:
            n += 1
            try:
                fields = self.browser.form(url, "version")
                shown = next((v for k, v in fields if k == name), "")
                if self.last is not None and not same(name, shown, self.last):
                    self.reverted += 1
                    self.log.write(event="reverted", writer=self.index, expected=self.last,
                                   found=shown, **self._where())  # fmt: skip
                mine = self.value(n)
                fields = [(k, v) for k, v in fields if k != name] + [(name, mine)]
                status, location, html = self.browser.request("POST", url, fields)
            except (OSError, RuntimeError, http.client.HTTPException) as exc:
                self.errors.append(f"{type(exc).__name__}: {exc}")
                time.sleep(0.2)
                continue
            # Saved: back to the page that shows the section (a sign-in page would not be).
            if status == 302 and self.target["case"] in location:
                self.last = mine
                self.saves += 1
                self.log.write(event="saved", writer=self.index, value=mine, **self._where())
            elif status == 200 and CONFLICT_TEXT in html:
                self.conflicts += 1
                self.log.write(event="conflict", writer=self.index, **self._where())
            else:
                self.errors.append(f"POST {url} answered {status}")
            time.sleep(random.uniform(0, 0.05))

    def _where(self) -> dict:
        t = self.target
        return {
            "member": self.email,
            "case": t["case"],
            "section": t["section"],
            "field": t["field"],
        }


class Log:
    """Every confirmed save (and every revert or conflict seen), as JSON lines."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = path.open("w")
        self._lock = threading.Lock()
        self._t0 = time.monotonic()

    def write(self, **entry) -> None:
        entry = {"t": round(time.monotonic() - self._t0, 3), **entry}
        with self._lock:
            self._file.write(json.dumps(entry) + "\n")

    def close(self) -> None:
        self._file.close()


# The orchestration ------------------------------------------------------------------------


def _run(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        args, cwd=ROOT, env=env, timeout=300, text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    if result.returncode:
        sys.stderr.write(result.stderr[-3000:])
        raise RuntimeError(f"{' '.join(args[1:3])} failed")
    return result.stdout


def _wait_until_up(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited during startup")
        try:
            status, _, _ = Browser(port).request("GET", "/accounts/login/")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql)


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
            _pg(f'CREATE DATABASE "{pg_name}"')
        # The demo refuses to load with DEBUG off (its passwords are public): DEBUG is on
        # for these setup steps only, never for the server under test.
        setup_env = {**env, "DEBUG": "1"}
        _run(setup_env, PYTHON, "manage.py", "migrate", "--noinput")
        _run(setup_env, PYTHON, "manage.py", "createcachetable")
        _run(setup_env, PYTHON, "manage.py", "load_demo")
        plan = json.loads(_run(setup_env, PYTHON, __file__, "_prepare", capture=True))
        env["DEBUG"] = "False"
        server_log = (tmp / "gunicorn.log").open("w")
        server = subprocess.Popen(
            [GUNICORN, "secondopinion.wsgi", "--workers", str(args.workers),
             "--bind", f"{HOST}:{args.port}", "--timeout", "60", "--graceful-timeout", "5"],
            cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        _wait_until_up(args.port, server)

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
        final = json.loads(_run(env, PYTHON, __file__, "_dump", json.dumps(used), capture=True))
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
                _pg(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
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
