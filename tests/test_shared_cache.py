"""The shared cache: the database cache by default, Redis when CACHE_URL says so, and a
system check that refuses a per-process cache in production."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection

from cases.checks import shared_cache
from secondopinion.cache import DEFAULT_TABLE, DatabaseCache
from secondopinion.config.backends import caches as cache_settings

REDIS_URL = "redis://127.0.0.1:6379/2"


def test_the_default_cache_is_the_database_table_migrate_creates(db):
    assert isinstance(caches["default"], DatabaseCache)
    assert settings.CACHES["default"]["LOCATION"] == DEFAULT_TABLE
    assert DEFAULT_TABLE in connection.introspection.table_names()


def test_cache_url_picks_the_backend():
    assert cache_settings("")["default"]["BACKEND"] == "secondopinion.cache.DatabaseCache"
    redis = cache_settings(REDIS_URL)["default"]
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == REDIS_URL
    assert cache_settings("rediss://cache.example.org:6380/0")["default"]["BACKEND"].endswith(
        "RedisCache"
    )
    assert cache_settings("locmemcache://")["default"]["BACKEND"].endswith("LocMemCache")


class TestAtomicIncrement:
    def test_incr_counts_and_keeps_the_expiry(self, db):
        cache.set("n", 1, timeout=100)
        before = _expiry("n")
        assert cache.incr("n") == 2
        assert cache.incr("n", 5) == 7
        assert cache.decr("n") == 6
        assert cache.get("n") == 6
        assert _expiry("n") == before  # Django's own database cache would reset it to 300 s

    def test_incr_of_a_missing_or_expired_key_raises_like_every_backend(self, db):
        with pytest.raises(ValueError):
            cache.incr("missing")
        cache.set("gone", 1, timeout=100)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {DEFAULT_TABLE} SET expires = %s WHERE cache_key LIKE %s",
                [dt.datetime(2000, 1, 1, tzinfo=dt.UTC), "%gone"],
            )
        with pytest.raises(ValueError):
            cache.incr("gone")

    def test_add_only_adds_once(self, db):
        assert cache.add("once", 1) is True
        assert cache.add("once", 2) is False
        assert cache.get("once") == 1


def _expiry(key: str):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT expires FROM {DEFAULT_TABLE} WHERE cache_key LIKE %s", ["%:" + key])
        return cursor.fetchone()[0]


def test_redis_as_configured_from_cache_url_counts_and_adds():
    """Against the Redis on 127.0.0.1 (database 2), through Django's own backend."""
    config = cache_settings(REDIS_URL)["default"]
    redis = RedisCache(config["LOCATION"], {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    try:
        assert redis.add("once", 0, timeout=30) is True
        assert redis.add("once", 0, timeout=30) is False
        assert redis.incr("once") == 1
        assert redis.incr("once") == 2
        assert redis.get("once") == 2
    finally:
        redis.delete("once")
        redis.close()


class TestTheSystemCheck:
    @pytest.mark.parametrize(
        "backend",
        [
            "django.core.cache.backends.locmem.LocMemCache",
            "django.core.cache.backends.dummy.DummyCache",
        ],
    )
    def test_a_per_process_cache_is_an_error_with_debug_off(self, settings, backend):
        settings.DEBUG = False
        settings.CACHES = {"default": {"BACKEND": backend}}
        errors = shared_cache()
        assert [e.id for e in errors] == ["secondopinion.E001"]
        assert "not shared between processes" in errors[0].msg
        assert "CACHE_URL" in errors[0].hint

    def test_it_is_allowed_while_developing(self, settings):
        settings.DEBUG = True
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        assert shared_cache() == []

    @pytest.mark.parametrize("url", ["", REDIS_URL])
    def test_shared_caches_pass(self, settings, url):
        settings.DEBUG = False
        settings.CACHES = cache_settings(url)
        assert shared_cache() == []
