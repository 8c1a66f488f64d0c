"""Parts of pages kept as rendered HTML, under the case's revision.

Building a case's roadmap and its summaries is most of the case page's and the
dashboard's time (a dozen queries and some thousands of template nodes), and it gives
the same HTML until the case changes, the day turns or someone else reads it. So the
HTML is kept, per process, under a key made of everything it depends on:

- the case and its revision (cases/revisions.py: new with every change to its data);
- the reader (the wording and the links follow their role and relationship);
- the language, the time zone and the local date (warnings count days).

What depends on anything else (a form's CSRF token, the members' names, a packet being
made) stays outside these parts and is rendered on each request. The keys name no
health data; the HTML stays in this process's memory (the "pages" cache in settings:
ten minutes at most, 2,000 parts) and is never written anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import caches
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from cases.models import Case

CACHE = "pages"
C = TypeVar("C", bound=Case)


def key(user_id: object, case: Case, name: str) -> str:
    """What a part of ``case`` for that reader depends on, as a cache key. ``name`` also
    carries whatever else the part follows (the paper size of its links)."""
    return ":".join(
        (
            name,
            str(case.pk),
            str(case.revision),
            str(user_id),
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
            timezone.localdate().isoformat(),
        )
    )


def cached(request: HttpRequest, case: Case, name: str, build: Callable[[], str]) -> SafeString:
    """The part ``name`` of ``case``'s page for this reader: kept, or built and kept."""
    cache, at = caches[CACHE], key(request.user.pk, case, name)
    html = cache.get(at)
    if html is None:
        html = build()
        cache.set(at, html)
    return mark_safe(html)  # noqa: S308  # our own rendered template, escaped when built


def cached_many(
    request: HttpRequest,
    cases: Iterable[C],
    name: str,
    build: Callable[[list[C]], dict[C, str]],
) -> dict[C, SafeString]:
    """The part ``name`` of each case, building only those not kept, together (one batch
    of queries for all the misses, so a page's query count does not grow with them)."""
    cache, keys = caches[CACHE], {case: key(request.user.pk, case, name) for case in cases}
    found = cache.get_many(list(keys.values()))
    missing = [case for case, key in keys.items() if key not in found]
    built = build(missing) if missing else {}
    cache.set_many({keys[case]: html for case, html in built.items()})
    return {
        case: mark_safe(found[key] if key in found else built[case])  # noqa: S308
        for case, key in keys.items()
    }
