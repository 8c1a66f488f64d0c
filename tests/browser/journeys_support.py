"""Dates as typed and read in the journeys, and the case page's step status and things
to bring, for tests/browser/test_journeys.py and test_journeys_nojs.py.
"""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page


def typed(day: dt.date) -> str:
    """A date as typed into Chromium's date field in the en-US locale: month, day, year."""
    return f"{day:%m%d%Y}"


def long_date(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"


def status_of(page: Page, step: int):
    return page.locator(f"#step-{step}-status")


def bring_item(page: Page, label: str):
    return page.locator(".bring-list__item", has_text=label)
