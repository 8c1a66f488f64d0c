"""Create the database cache's table, so a plain `migrate` gives a shared cache.

Rate limits and two-factor code replay protection live in the cache, and with no
CACHE_URL the cache is this table (secondopinion/cache.py). It is created whatever
CACHE_URL says today, so switching from Redis back to the default needs no extra step;
any other database cache named in CACHES gets its table too.
"""

from django.core.cache import caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.core.management import call_command
from django.db import migrations

DEFAULT_TABLE = "secondopinion_cache"


def _tables():
    tables = {DEFAULT_TABLE}
    for cache in caches.all():
        if isinstance(cache, BaseDatabaseCache):
            tables.add(cache._table)
    return sorted(tables)


def create_tables(apps, schema_editor):
    call_command(
        "createcachetable", *_tables(), database=schema_editor.connection.alias, verbosity=0
    )


def drop_tables(apps, schema_editor):
    for table in _tables():
        schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_sessions_accounts")]

    operations = [migrations.RunPython(create_tables, drop_tables, elidable=False)]
