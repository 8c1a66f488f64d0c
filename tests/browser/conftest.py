"""Browser layer: Debian's Chromium driven by Playwright against a live test server.

Every page the browser loads must be checked with axe-core: ``axe_check(page)`` runs
the check, and a test that loads a page it never checked fails at teardown.
"""

from __future__ import annotations

import os
import shutil
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.helpers import axe_on_a_copy

# Playwright's sync API runs an event loop in this thread; the ORM calls made by test
# setup are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
_axe = Axe()


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        raise RuntimeError(f"Chromium not found at {CHROMIUM}: run `make test`, it installs it.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ],
    }


def _without_javascript(request) -> bool:
    """A module or test marked ``without_javascript`` (or a test so named) gets a browser
    with JavaScript off."""
    return bool(request.node.get_closest_marker("without_javascript")) or (
        "without_javascript" in request.node.name
    )


@pytest.fixture
def browser_context_args(browser_context_args, live_server, request):
    args = {**browser_context_args, "base_url": live_server.url, "locale": "en-US"}
    if _without_javascript(request):
        args["java_script_enabled"] = False
    return args


class A11yTracker:
    def __init__(self) -> None:
        self.loaded: list[str] = []
        self.checked: set[str] = set()

    def on_load(self, page) -> None:
        self.loaded.append(urlsplit(page.url).path)


@pytest.fixture
def a11y(page):
    tracker = A11yTracker()
    page.on("load", lambda p: tracker.on_load(p))
    yield tracker
    unchecked = [u for u in tracker.loaded if u not in tracker.checked]
    assert not unchecked, f"pages loaded but never checked with axe-core: {unchecked}"


@pytest.fixture
def axe_check(page, a11y, request):
    """Run axe-core on the page as it is now; fail on any violation. With JavaScript off
    axe-core cannot run in the page, so it checks a copy (tests/browser/helpers.py)."""
    if _without_javascript(request):
        browser, live_server = (
            request.getfixturevalue("browser"),
            request.getfixturevalue("live_server"),
        )
        with axe_on_a_copy(browser, live_server.url) as check_copy:

            def check_the_copy(label: str = "") -> None:
                check_copy(page, label)
                a11y.checked.add(urlsplit(page.url).path)

            yield check_the_copy
        return

    def check(context: str = "") -> None:
        page.wait_for_load_state("load")
        results = _axe.run(page)
        violations = results.response["violations"]
        a11y.checked.add(urlsplit(page.url).path)
        assert not violations, f"{context or page.url}: " + results.generate_report()

    yield check


@pytest.fixture
def login(page, axe_check):
    """Sign in through the real form."""

    def do(email: str, password: str) -> None:
        page.goto("/accounts/login/")
        axe_check()
        # By id, not label: the same in every language the browser may ask for.
        page.locator("#id_login").fill(email)
        page.locator("#id_password").fill(password)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state("load")

    return do
