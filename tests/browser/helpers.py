"""Helpers shared by browser tests: moving by keyboard, and axe-core where JavaScript is off."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page

_axe = Axe()


def tab_to(page: Page, locator: Locator, limit: int = 120) -> None:
    """Press Tab until ``locator`` has focus, as a keyboard user would.

    Fails after ``limit`` presses, naming what had focus last: a keyboard trap or an
    unreachable control shows up here rather than as a timeout.
    """
    handle = locator.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("el => document.activeElement === el", handle):
            return
    focused = page.evaluate(
        "() => { const el = document.activeElement;"
        " return el ? el.outerHTML.slice(0, 160) : 'nothing'; }"
    )
    raise AssertionError(f"could not reach {locator} in {limit} Tab presses; focus is on {focused}")


@contextmanager
def axe_on_a_copy(browser: Browser, base_url: str) -> Iterator[Callable[[Page, str], None]]:
    """Run axe-core on a copy of what a JavaScript-disabled page shows.

    axe-core needs JavaScript (its queue waits on timers), so the HTML of the no-JS page
    is copied into a page on the same origin with JavaScript on: styles load and colour
    contrast is measured too. Yields ``check(source_page, label)``.
    """
    context = browser.new_context(base_url=base_url, locale="en-US")
    mirror = context.new_page()
    mirror.goto("/static/css/app.css")

    def check(source: Page, label: str = "") -> None:
        source.wait_for_load_state("load")
        mirror.set_content(source.content(), wait_until="load")
        results = _axe.run(mirror)
        violations = results.response["violations"]
        assert not violations, f"{label or source.url}: " + results.generate_report()

    try:
        yield check
    finally:
        context.close()
