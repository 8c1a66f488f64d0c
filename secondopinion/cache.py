"""The embedded shared cache: Django's database cache with an atomic ``incr``.

Rate limits and the one-time use of two-factor codes live in the cache, so the cache
must be one for every worker: by default it is a table in the app's own database (no
extra server to run), and Redis when ``CACHE_URL`` names one.

Django's database cache implements ``incr`` as a read followed by a write, so two
workers counting at once can both read 4 and both write 5, and the write also resets
the entry's expiry. Counting attempts needs better than that: here the read and the
write happen in one transaction holding the row (``SELECT ... FOR UPDATE`` where the
database has it; SQLite's IMMEDIATE transactions take the write lock up front), and
the expiry is left alone.
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.timezone import now as tz_now

# The table `migrate` creates (cases/migrations/0003_shared_cache.py).
DEFAULT_TABLE = "secondopinion_cache"


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        qn = connection.ops.quote_name
        table = qn(self.cache_model_class._meta.db_table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {qn('value')}, {qn('expires')} FROM {table} "  # noqa: S608
                f"WHERE {qn('cache_key')} = %s{lock}",
                [key],
            )
            row = cursor.fetchone()
            if row is None or self._expired(connection, row[1]):
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(  # noqa: S301 (written by this cache only)
                base64.b64decode(connection.ops.process_clob(row[0]).encode())
            )
            new_value = value + delta
            encoded = base64.b64encode(pickle.dumps(new_value, self.pickle_protocol))
            cursor.execute(
                f"UPDATE {table} SET {qn('value')} = %s WHERE {qn('cache_key')} = %s",  # noqa: S608
                [encoded.decode("latin1"), key],
            )
        return new_value

    @staticmethod
    def _expired(connection: BaseDatabaseWrapper, expires: Any) -> bool:
        expression = models.Expression(output_field=models.DateTimeField())
        for converter in connection.ops.get_db_converters(
            expression
        ) + expression.get_db_converters(connection):
            expires = converter(expires, expression, connection)
        return expires < tz_now()
