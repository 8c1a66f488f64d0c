"""Every page finds its rows through an index, on SQLite and on PostgreSQL.

Pages must cost the same with 10,000 other cases in the database (bench/pages.py
--scale). The planner's choice on a tiny test database says little, so each query is
asked how it *can* run: on PostgreSQL with sequential scans made a last resort, on
SQLite with its default assumption that tables are large. A table read from end to end
(SQLite's ``SCAN``, PostgreSQL's ``Seq Scan``) would read every other family's rows.
"""

from __future__ import annotations

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import audit
from cases.models import Medication, RecordItem
from cases.sections import SECTIONS
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db

# Tables that grow with the number of cases. (Small lookup tables such as content
# types may be scanned.)
GROWING = (
    "auditlog_logentry",
    "auth_user",
    "cases_",
    "django_session",
    "account_emailaddress",
)


def plan(sql: str, params: tuple | list = ()) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return [row[3] for row in cursor.fetchall()]
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return [row[0] for row in cursor.fetchall()]


def full_reads(lines: list[str]) -> list[str]:
    """The lines of a plan that read a growing table from end to end."""
    found = []
    for line in lines:
        if connection.vendor == "sqlite":
            words = line.split()
            if words[:1] == ["SCAN"] and words[1].startswith(GROWING):
                found.append(line)
        elif "Seq Scan on" in line:
            table = line.split("Seq Scan on", 1)[1].split()[0]
            if table.startswith(GROWING):
                found.append(line)
    return found


def test_the_activity_feed_reads_its_case_through_the_index(case, owner):
    with set_actor(owner):
        Medication.objects.create(case=case, name="Tamoxifen")
    feed = audit.for_case(case)
    sql, params = feed.query.sql_with_params()
    lines = plan(sql, params)
    assert any("cases_activity_case_idx" in line for line in lines), lines
    assert not full_reads(lines)
    # The count the feed's pages need, and the "removed meanwhile" check, too.
    count_sql, count_params = (
        LogEntry.objects.filter(audit.of_case(case.pk)).values("pk").query.sql_with_params()
    )
    assert any("cases_activity_case_idx" in line for line in plan(count_sql, count_params))
    assert list(feed) == list(LogEntry.objects.filter(additional_data__case_id=str(case.pk)))


def test_the_feed_finds_exactly_its_own_case(case, owner):
    other = make_case(make_user("other@example.org"))
    with set_actor(owner):
        Medication.objects.create(case=case, name="Tamoxifen")
        Medication.objects.create(case=other, name="Aspirin")
    mine = {e.additional_data["case_id"] for e in audit.for_case(case)}
    assert mine == {str(case.pk)}
    assert audit.was_removed(case, Medication, 10**9) is False


def test_no_page_reads_every_case(case, owner, owner_client):
    record = RecordItem.objects.filter(opinion__case=case).first()
    with set_actor(owner):
        Medication.objects.create(case=case, name="Tamoxifen")
    kw = {"case_id": case.pk}
    pages = [
        reverse("dashboard"),
        reverse("case_detail", kwargs=kw),
        reverse(SECTIONS["diagnosis"].url_name, kwargs=kw),
        reverse("case_activity", kwargs=kw),
        reverse("records", kwargs=kw),
        reverse("medications", kwargs=kw),
        reverse("questions", kwargs=kw),
        reverse("case_members", kwargs=kw),
        reverse("packet_preview", kwargs=kw),
        reverse("record_edit", kwargs={**kw, "item_id": record.pk}),
    ]
    checked = 0
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(page).status_code == 200, page
        for query in queries.captured_queries:
            if query["sql"].startswith("SELECT"):
                assert not full_reads(plan(query["sql"])), (page, query["sql"])
                checked += 1
    assert checked > 3 * len(pages)
