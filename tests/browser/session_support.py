"""Moving a browser's session back in time, as if the person had been away."""

from __future__ import annotations

import time
from importlib import import_module

from django.conf import settings
from playwright.sync_api import Page

from cases.sessions import SEEN_AT


def away_for(page: Page, seconds: int) -> None:
    """Make the server see this browser's last activity ``seconds`` ago."""
    key = next(
        c["value"] for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME
    )
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    store.load()
    store[SEEN_AT] = int(time.time() - seconds)
    store.save()
