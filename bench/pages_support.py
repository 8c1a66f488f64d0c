"""bench/pages.py's measuring side: the targets and their table, the demo user's browser,
wrk, two people downloading packets, and gunicorn started and stopped for the run."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import serving
from serving import BENCH, GUNICORN, HOST, ROOT

CONFIG = ROOT / "secondopinion" / "gunicorn.conf.py"
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

# The HTTP side ---------------------------------------------------------------------------


class Browser(serving.Browser):
    """The demo user's browser."""

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


def serve(env: dict, app: str, port: int, log: Path) -> subprocess.Popen:
    # The configuration file's workers and threads follow the CPU count; the table is
    # measured with 2 sync workers, so every figure compares like with like.
    return subprocess.Popen(
        [GUNICORN, "-c", str(CONFIG), app, "--workers", str(WORKERS), "--threads", "1",
         "--worker-class", "sync", "--bind", f"{HOST}:{port}", "--max-requests", "0"],
        cwd=BENCH, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def install_wrk() -> None:
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
