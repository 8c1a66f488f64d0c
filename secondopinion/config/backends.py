"""Where data lives: embedded by default, scaled out by the environment.

With no variables set the app runs on one machine with nothing else to start (SQLite,
a cache table, files in a private folder); DATABASE_URL, CACHE_URL and an S3 bucket
move the same code onto PostgreSQL, Redis and object storage.
"""

from pathlib import Path
from typing import Any

import environ


def database(config: dict[str, Any], conn_max_age: int) -> dict[str, Any]:
    """The database ``config`` (from DATABASE_URL), with the connection kept open."""
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while one person saves; IMMEDIATE transactions take the
        # write lock up front, so a patient and a caregiver saving at once queue behind the
        # busy timeout instead of failing with "database is locked".
        # These run once, when a connection opens: connections are kept (below), so a
        # request pays for neither the open nor the PRAGMAs.
        config.setdefault("OPTIONS", {}).update(
            {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            }
        )
    # Each worker (thread) keeps its connection between requests, SQLite's as PostgreSQL's:
    # opening one, with its PRAGMAs or its TLS and sign-in, cost as much as a simple page.
    # Health checks drop a connection the server closed before a request uses it.
    config.setdefault("CONN_MAX_AGE", conn_max_age)
    config["CONN_HEALTH_CHECKS"] = True
    return config


def caches(url: str) -> dict:
    """The shared cache: a table in the app's database unless ``CACHE_URL`` names Redis.

    Rate limits and the one-time use of two-factor codes are kept here, so it must be
    shared by every worker; a system check refuses a per-process cache with DEBUG off.
    """
    if not url:
        return {
            "default": {
                "BACKEND": "secondopinion.cache.DatabaseCache",
                "LOCATION": "secondopinion_cache",
                # Culling drops entries at random once full: keep it far from the number
                # of live rate-limit counters, so flooding cannot wipe someone's count.
                "OPTIONS": {"MAX_ENTRIES": 100_000},
            }
        }
    if url.split(":", 1)[0] in ("redis", "rediss"):
        # Django's own Redis backend (redis-py), not django-redis as django-environ assumes.
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": "secondopinion",
            }
        }
    return {"default": environ.Env.cache_url_config(url)}


def attachments_storage(env: environ.Env, private_media_root: Path) -> dict[str, Any]:
    """Documents attached to records (cases/models/files.py), private either way.

    By default a folder outside static/: nothing serves it but the download view, which
    checks access. With ATTACHMENTS_S3_BUCKET set, S3-compatible object storage
    (django-storages), so more than one machine sees the same files.
    """
    if not env("ATTACHMENTS_S3_BUCKET", default=""):
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": private_media_root, "base_url": None},
        }
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("ATTACHMENTS_S3_BUCKET"),
            "endpoint_url": env("ATTACHMENTS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env("ATTACHMENTS_S3_REGION", default="") or None,
            "access_key": env("ATTACHMENTS_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("ATTACHMENTS_S3_SECRET_ACCESS_KEY", default="") or None,
            # Private objects, never overwritten; the app streams them after its checks.
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
