"""Indexes the query plans asked for at 10,000 cases (bench/pages.py --scale 10000).

The Activity feed on SQLite: an index on the case id inside auditlog's JSON, spelled
exactly as cases/audit.py queries it (``json_extract(additional_data, '$.case_id')``),
newest first, as migration 0002 gives PostgreSQL. tests/test_query_plans.py checks
each page's plan uses its index on both databases.
"""

from django.db import migrations

INDEX = "cases_activity_case_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON auditlog_logentry "
            "(json_extract(additional_data, '$.case_id'), timestamp DESC)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_bounds")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
