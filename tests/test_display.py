"""One way to show a time of day, a person and a status tag, on every screen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template

from cases import display
from cases.models.opinion import Stage
from cases.roadmap.steps import Status


@pytest.mark.parametrize(
    ("clock", "shown"),
    [
        (dt.time(10, 30), "10:30am"),
        (dt.time(9, 0), "9am"),
        (dt.time(14, 5), "2:05pm"),
        (dt.time(12, 0), "midday"),
        (dt.time(0, 0), "midnight"),
        (dt.time(12, 45), "12:45pm"),
    ],
)
def test_a_time_of_day_reads_the_gov_uk_way(clock, shown):
    assert display.time_of_day(clock) == shown


def test_a_date_and_time_reads_the_same_from_python_and_templates():
    when = dt.datetime(2026, 5, 14, 10, 30)
    assert display.date_and_time(when) == "14 May 2026 at 10:30am"
    assert display.date_and_time(when, weekday=True) == "Thursday 14 May 2026 at 10:30am"
    html = Template('{% load display %}{{ when|date_and_time:"weekday" }}').render(
        Context({"when": when})
    )
    assert html == "Thursday 14 May 2026 at 10:30am"


def test_each_stage_has_one_colour_wherever_it_is_shown():
    html = Template("{% load display %}{{ stage|status_tag }}")
    for stage in Stage:
        assert html.render(Context({"stage": stage})) == display.tag_class(stage)
    assert display.tag_class(Stage.BOOKED) == "tag--blue"
    assert display.tag_class(Stage.RECEIVED) == "tag--yellow"
    assert Status.DONE.tag_class == "tag--green"


class _User:
    def __init__(self, full: str, email: str) -> None:
        self.full, self.email = full, email

    def get_full_name(self) -> str:
        return self.full

    def get_username(self) -> str:
        return self.email


def test_a_person_is_named_by_name_else_email():
    assert display.person_name(_User(" Emma Lopez ", "emma@example.org")) == "Emma Lopez"
    assert display.person_name(_User("", "emma@example.org")) == "emma@example.org"
    assert display.person_name(None) == "Someone"


def test_no_screen_formats_a_time_of_day_its_own_way():
    """Times go through display.time_of_day; only the export READMEs state UTC in 24 hours."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    own_way = re.compile(r"g:i|h:i|H:i(?!:s)|%-?I:%M|%p\b|\|time:")
    offenders = [
        str(path.relative_to(root))
        for pattern in ("templates/**/*.html", "cases/**/*.py")
        for path in root.glob(pattern)
        if own_way.search(path.read_text()) and path.name != "display.py"
    ]
    assert offenders == []
