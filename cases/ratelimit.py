"""Limits on how often one person can make the server send mail or print PDFs.

Counted in the shared cache (never in a worker's memory), so the limit holds however
many workers or machines serve the site. Each limit in ``settings.RATE_LIMITS`` is
(how many, per how many seconds), counted per key (a person, a case) over a sliding
window: this window's count plus the share of the previous window still inside it.
``cache.incr`` (or ``cache.add`` for a window's first use) counts atomically on Redis and
on the database cache (secondopinion/cache.py), so two requests at once cannot both
take the last use.
"""

from __future__ import annotations

import contextlib
import math
import time
from dataclasses import dataclass
from http import HTTPStatus

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from cases import security
from cases.text import Text


@dataclass(frozen=True)
class Refusal:
    """Plain words for the 429 page: what happened and why there is a limit."""

    title: Text
    reason: Text
    meanwhile: Text = ""


INVITATIONS = Refusal(
    title=_("You have sent a lot of invitations"),
    reason=(
        _(
            "To protect people from unwanted email, a person and a case can send only so many "
            "invitations in an hour. Nothing has been sent this time."
        )
    ),
    meanwhile=_("The invitations you sent before still work."),
)
ACCOUNT = Refusal(
    title=_("Please wait a few minutes"),
    reason=(
        _(
            "There have been a lot of attempts in a short time. To keep accounts safe, "
            "signing in, creating accounts and password reset emails are limited."
        )
    ),
)
DOWNLOADS = Refusal(
    title=_("You have downloaded a lot of documents"),
    reason=(
        _(
            "Making a PDF is hard work for the server, so each person can download only so "
            "many in a few minutes."
        )
    ),
    meanwhile=_("You can still read the packet on screen and print it from your browser."),
)


def _now() -> float:
    return time.time()


def _count(name: str, key: object) -> tuple[bool, int]:
    """Count one use of ``name`` for ``key``; (allowed, seconds until the next is)."""
    limit, period = settings.RATE_LIMITS[name]
    window, into = divmod(_now(), period)
    current = f"so:rl:{name}:{key}:{int(window)}"
    try:
        used = cache.incr(current)
    except ValueError:  # the first use in this window, unless another request just made it
        used = 1 if cache.add(current, 1, timeout=2 * period) else cache.incr(current)
    previous = cache.get(f"so:rl:{name}:{key}:{int(window) - 1}", 0)
    if previous * (1 - into / period) + used <= limit:
        return True, 0
    # Refused uses do not count, so someone who keeps trying is not locked out longer.
    with contextlib.suppress(ValueError):  # evicted meanwhile: nothing to give back
        cache.decr(current)
    return False, _wait(limit, period, into, previous, used - 1)


def _wait(limit: int, period: float, into: float, previous: int, used: int) -> int:
    """Seconds until ``previous * (1 - elapsed share) + used + 1 <= limit`` holds."""
    if used + 1 <= limit and previous:
        return max(1, math.ceil(period * (1 - (limit - used - 1) / previous) - into))
    # This window alone is full: wait for the next, where it becomes the previous one.
    rest = period - into
    return max(1, math.ceil(rest + period * (1 - (limit - 1) / used))) if used else 1


def limit(request: HttpRequest, refusal: Refusal, **keys: object) -> HttpResponse | None:
    """Count this request against each named limit; the 429 page if one is used up.

    ``keys`` maps a limit in settings.RATE_LIMITS to what it is counted per, e.g.
    ``limit(request, INVITATIONS, invitation_user=user.pk, invitation_case=case.pk)``.
    When a later limit refuses, the uses already counted are given back.
    """
    counted: list[tuple[str, object]] = []
    for name, key in keys.items():
        allowed, wait = _count(name, key)
        if not allowed:
            for done_name, done_key in counted:
                _give_back(done_name, done_key)
            security.rate_limited(request, name)
            return too_many_requests(request, refusal, wait)
        counted.append((name, key))
    return None


def _give_back(name: str, key: object) -> None:
    period = settings.RATE_LIMITS[name][1]
    current = f"so:rl:{name}:{key}:{int(_now() // period)}"
    with contextlib.suppress(ValueError):  # expired meanwhile: nothing to give back
        cache.decr(current)


def too_many_requests(
    request: HttpRequest, refusal: Refusal, wait: int | None = None
) -> HttpResponse:
    """The plain-words 429 page; ``wait`` in seconds when known (allauth does not say)."""
    response = render(
        request,
        "429.html",
        {"refusal": refusal, "minutes": math.ceil(wait / 60) if wait else None},
        status=HTTPStatus.TOO_MANY_REQUESTS,
    )
    if wait:
        response["Retry-After"] = str(wait)
    if getattr(request, "htmx", False):
        # An htmx request shows the same page in place of the main content (base.html's
        # htmx-config lets 429 responses swap).
        response["HX-Retarget"] = "#main"
        response["HX-Reswap"] = "outerHTML"
        response["HX-Reselect"] = "#main"
    return response
