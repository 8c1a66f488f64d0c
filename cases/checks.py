"""System checks for settings that would quietly weaken a protection."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache


def shared_cache(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Rate limits and the one-time use of two-factor codes are kept in the default cache.

    A per-process cache counts separately in every worker (so each one allows its own
    share of wrong passwords) and lets a code be used once per worker.
    """
    if settings.DEBUG:
        return []
    cache = caches["default"]
    if not isinstance(cache, LocMemCache | DummyCache):
        return []
    return [
        checks.Error(
            f"The default cache ({type(cache).__name__}) is not shared between processes, "
            "so sign-in rate limits and two-factor code replay protection would not hold.",
            hint="Leave CACHE_URL unset to use the database cache, or set it to redis://...",
            id="secondopinion.E001",
        )
    ]


def register() -> None:
    checks.register(shared_cache, checks.Tags.caches)
