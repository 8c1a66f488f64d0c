"""Every opinion on a case side by side: the original, then each further one with a result.

The original opinion is the first provider's, kept on the Case. A row is marked as
differing when an opinion says something other than the original on a point both of
them addressed (diagnosis, treatment, urgency). Wording is compared loosely (case,
spacing and punctuation ignored): it flags what to look at, it does not judge.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.display import date_text
from cases.models import Case, Opinion, Result
from cases.text import Text

NOT_RECORDED = ""
BRIEF_KEYS = ("result", "diagnosis", "treatment", "urgency", "cost")


@dataclass
class Column:
    heading: str
    provider: str
    is_original: bool = False
    opinion: Opinion | None = None


@dataclass
class Cell:
    text: str
    differs: bool = False


@dataclass
class Row:
    key: str
    label: Text
    cells: list[Cell]
    compared: bool = False

    @property
    def differs(self) -> bool:
        return any(cell.differs for cell in self.cells)


@dataclass
class Card:
    column: Column
    items: list[tuple[Row, Cell]] = field(default_factory=list)


@dataclass
class Comparison:
    columns: list[Column]
    rows: list[Row]

    @property
    def has_opinions(self) -> bool:
        return len(self.columns) > 1

    @property
    def brief_rows(self) -> list[Row]:
        """The rows that fit on a one-page summary."""
        return [r for r in self.rows if r.key in BRIEF_KEYS]

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)

    def cards(self) -> list[Card]:
        """The same content one provider at a time, for narrow screens."""
        return [
            Card(column, [(row, row.cells[i]) for row in self.rows])
            for i, column in enumerate(self.columns)
        ]


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def _join(*parts: str) -> str:
    return ", ".join(p for p in parts if p)


def _date(value: dt.date | dt.datetime | None) -> str:
    return date_text(value) if value else NOT_RECORDED


def _money(value: Decimal | None) -> str:
    if value is None:
        return NOT_RECORDED
    return "$" + number_format(value, decimal_pos=2, force_grouping=True)


def _original_treatment(case: Case) -> str:
    if case.treatment_description:
        return case.treatment_description
    return case.get_treatment_kind_display() if case.treatment_kind else ""


def with_results(case: Case) -> list[Opinion]:
    """The further opinions that have a result, in order: one query."""
    return list(case.opinions.exclude(result="").order_by("number"))


# (key, label, original value, opinion value, compared with the original?). Who gave each
# opinion is in the column headings.
RowSpec = tuple[str, Text, Callable[[Case], str], Callable[[Opinion], str], bool]

ROWS: list[RowSpec] = [
    (
        "date",
        gettext_lazy("Date"),
        lambda c: _date(c.diagnosed_on),
        lambda o: _date(o.outcome_on),
        False,
    ),
    (
        "result",
        gettext_lazy("Result"),
        lambda c: _("The original opinion"),
        lambda o: o.get_result_display(),
        False,
    ),
    (
        "diagnosis",
        gettext_lazy("Diagnosis"),
        lambda c: c.condition,
        lambda o: o.outcome_diagnosis,
        True,
    ),
    (
        "treatment",
        gettext_lazy("Recommended treatment"),
        _original_treatment,
        lambda o: o.outcome_treatment,
        True,
    ),
    (
        "urgency",
        gettext_lazy("How urgent"),
        lambda c: c.get_treatment_urgency_display() if c.treatment_urgency else "",
        lambda o: o.get_outcome_urgency_display() if o.outcome_urgency else "",
        True,
    ),
    ("rationale", gettext_lazy("Why"), lambda c: "", lambda o: o.outcome_rationale, False),
    (
        "other_options",
        gettext_lazy("Other options"),
        lambda c: "",
        lambda o: o.other_options,
        False,
    ),
    (
        "cost",
        gettext_lazy("Cost, when known"),
        lambda c: "",
        lambda o: _money(o.outcome_cost),
        False,
    ),
]


AGREED_BY_RESULT: dict[str, tuple[str, ...]] = {
    Result.CONFIRMATION: ("diagnosis", "treatment"),
    Result.ADJUSTMENT: ("diagnosis",),
}


def build_comparison(case: Case, opinions: Sequence[Opinion]) -> Comparison:
    columns = [
        Column(
            _("Original opinion"),
            _join(case.diagnosed_by_name, case.diagnosed_by_facility),
            is_original=True,
        )
    ]
    columns += [
        Column(
            _("%(ordinal)s opinion") % {"ordinal": o.ordinal},
            _join(o.specialist_name, o.specialist_institution),
            opinion=o,
        )
        for o in opinions
    ]
    rows = []
    for key, label, original_of, opinion_of, compared in ROWS:
        original = original_of(case)
        cells = [Cell(original)]
        for o in opinions:
            text = opinion_of(o)
            differs = (
                compared and bool(original) and bool(text) and _normal(text) != _normal(original)
            )
            # The specialist's own verdict wins over wording: a confirmation agrees on
            # both, an adjustment agrees on the diagnosis.
            if key in AGREED_BY_RESULT.get(o.result, ()):
                differs = False
            cells.append(Cell(text, differs))
        rows.append(Row(key, label, cells, compared))
    return Comparison(columns, rows)
