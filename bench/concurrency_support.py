"""bench/concurrency.py's writers: a browser that submits a page's form as it stands,
one writer saving one field again and again, and the JSON lines log of what it saw."""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from pathlib import Path

import serving

CONFLICT_TEXT = "Someone else changed this while you were editing"


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


class Browser(serving.Browser):
    """One writer's browser: pages as text, and where a redirect leads."""

    timeout = 30

    def page(
        self, method: str, path: str, form: list[tuple[str, str]] | None = None
    ) -> tuple[int, str, str]:
        status, headers, content = self.request(method, path, form)
        return status, headers.get("location", ""), content.decode("utf-8", "replace")

    def form(self, path: str, has: str) -> list[tuple[str, str]]:
        status, _, html = self.page("GET", path)
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
        status, location, _ = self.page("POST", "/accounts/login/", fields)
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
                status, location, html = self.browser.page("POST", url, fields)
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
