"""What bench/pages.py and bench/concurrency.py share to serve the app for a run: where
things are, running manage.py and the script's own Django steps, a throwaway PostgreSQL
database, and waiting for gunicorn to answer.

The scripts run as ``.venv/bin/python bench/<script>.py``, so this folder is first on
``sys.path`` and they import this module by its plain name.
"""

from __future__ import annotations

import http.client
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
HOST = "127.0.0.1"
PG_URL = "postgres://postgres@127.0.0.1:5432"


def run(env: dict, *args: str, capture: bool = False, timeout: float = 300) -> str:
    """Run a setup step from the repository root; its output if ``capture``."""
    result = subprocess.run(
        args, cwd=ROOT, env=env, timeout=timeout, text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    if result.returncode:
        sys.stderr.write(result.stderr[-3000:])
        raise RuntimeError(f"{' '.join(args[1:3])} failed")
    return result.stdout


def pg(sql: str) -> None:
    """One statement on the local PostgreSQL server (to create or drop the run's database)."""
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def status_of(port: int, path: str, timeout: float = 30) -> int:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": f"{HOST}:{port}"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def wait_until_up(
    port: int, path: str, server: subprocess.Popen, ok: tuple[int, ...], seconds: float
) -> None:
    """Wait until ``path`` answers with one of ``ok``; fail if gunicorn exits first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited during startup")
        try:
            if status_of(port, path) in ok:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


class Browser:
    """One person's browser: cookies kept by hand (they are Secure, the server is http)."""

    timeout = 120

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(
        self, method: str, path: str, form: list[tuple[str, str]] | None = None, **headers: str
    ) -> tuple[int, dict[str, str], bytes]:
        """The status, the headers (names in lower case) and the body; cookies kept."""
        conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
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
