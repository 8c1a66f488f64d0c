"""Index auditlog entries by the case they belong to, so a case's Activity feed stays one
indexed query however long the whole trail grows.

cases/activity.py stores the case id in LogEntry.additional_data and filters on
``additional_data__case_id``, which PostgreSQL runs as ``additional_data -> 'case_id'``.
The index lives on auditlog's table, so it is created here with plain SQL, on PostgreSQL
only (SQLite, the small embedded default, scans).
"""

from django.db import migrations

INDEX = "cases_activity_case_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON auditlog_logentry "
            "((additional_data -> 'case_id'), timestamp DESC)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
