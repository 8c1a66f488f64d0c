"""Helpers shared by the tests of step 3's lists (records, medications, questions)."""

from __future__ import annotations

import json

from django.conf import settings
from django.test import Client

HTMX = {"HTTP_HX_REQUEST": "true"}


def announced(response) -> str:
    """The message an htmx response asks app.js to read out."""
    return json.loads(response["HX-Trigger"])["announce"]["message"]


def post_with_token(client: Client, page_url: str, url: str, data: dict, **extra):
    """POST as a browser would: fetch a page first to get the CSRF cookie, then send it."""
    page = client.get(page_url)
    token = page.cookies[settings.CSRF_COOKIE_NAME].value
    return client.post(url, {**data, "csrfmiddlewaretoken": token}, **extra)


def is_partial(response) -> bool:
    return b"<html" not in response.content and b"<body" not in response.content
