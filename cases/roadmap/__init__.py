"""Where a case stands on the article's four-step roadmap, worked out from its data.

Plain functions over a case, its current opinion and lists fetched up front
(``prefetch``): nothing else here queries the database, so the case page and the
dashboard cost the same number of queries with one record or fifty, one case or
thirty. ``today`` is a parameter so that tests can fix it.

- steps: the four steps, each with a status, a summary and the next thing to do
- timing: warnings about time (the article's first risk is delay)
- bring: what to bring to the appointment
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, InsuranceCall, Medication, Opinion, Question
from cases.models.items import RecordItem
from cases.models.letters import RecordRequest
from cases.models.opinion import Stage
from cases.services.letters import Source, running_clocks

from .bring import BringItem, what_to_bring
from .steps import (
    RECORD_FOLLOW_UP_DAYS,
    REFERRAL_FOLLOW_UP_DAYS,
    START_BY_CLOSE_DAYS,
    Status,
    Step,
    appointment_step,
    inform_step,
    insurance_step,
    records_step,
)
from .timing import Warning, timing_warnings

__all__ = [
    "RECORD_FOLLOW_UP_DAYS",
    "REFERRAL_FOLLOW_UP_DAYS",
    "START_BY_CLOSE_DAYS",
    "BringItem",
    "Roadmap",
    "Status",
    "Step",
    "Warning",
    "appointment_step",
    "for_case",
    "inform_step",
    "insurance_step",
    "prefetch",
    "records_step",
    "roadmap",
    "timing_warnings",
    "what_to_bring",
]


@dataclass
class Roadmap:
    opinion: Opinion
    steps: list[Step]
    warnings: list[Warning]
    bring: list[BringItem]
    records_ready: int = 0
    records_total: int = 0
    # Records requests still waiting for their records, each with its clock.
    letter_clocks: list[Source] = field(default_factory=list)

    @property
    def next_step(self) -> str:
        """The one thing to do next on this opinion, as the dashboard says it."""
        stage = self.opinion.stage
        if stage == Stage.DECIDED:
            return _("Decided: %(decision)s.") % {
                "decision": self.opinion.get_decision_display().lower()
            }
        if stage == Stage.RECEIVED:
            return _("Compare the opinions and decide what to do next.")
        # An unfinished step's next thing first; then any step's (a reminder to check).
        unfinished = [s.next for s in self.steps if s.next and s.status.is_open]
        reminders = [s.next for s in self.steps if s.next]
        if unfinished or reminders:
            return (unfinished or reminders)[0]
        if stage == Stage.BOOKED:
            return _("Get ready for the appointment.")
        return _("Work through the four steps to get the opinion.")


def roadmap(
    case: Case,
    opinion: Opinion,
    *,
    records: Sequence[RecordItem],
    medications: Sequence[Medication],
    questions: Sequence[Question],
    calls: Sequence[InsuranceCall],
    letters: Sequence[RecordRequest] = (),
    today: dt.date | None = None,
) -> Roadmap:
    today = today or timezone.localdate()
    return Roadmap(
        opinion=opinion,
        steps=[
            inform_step(case),
            insurance_step(case, opinion, calls),
            records_step(records, today),
            appointment_step(opinion, case),
        ],
        warnings=timing_warnings(case, opinion, records, today, letters),
        bring=what_to_bring(
            records,
            medications,
            questions,
            can_edit=getattr(getattr(case, "membership", None), "can_edit", True),
        ),
        records_ready=sum(1 for r in records if r.is_ready),
        records_total=len(records),
        letter_clocks=running_clocks(records, letters, today),
    )


def prefetch(cases: Iterable[Case]) -> None:
    """Fetch everything the roadmap reads for these cases, in a fixed number of queries.

    Cases already fetched are left alone, so calling it again costs nothing.
    """
    prefetch_related_objects(
        list(cases),
        Prefetch(
            "opinions",
            Opinion.objects.prefetch_related("records", "questions", "calls", "letters"),
        ),
        "medications",
    )


def for_case(case: Case, today: dt.date | None = None) -> Roadmap:
    """The roadmap of a case's current opinion: the case page and the dashboard both ask here."""
    if "opinions" not in getattr(case, "_prefetched_objects_cache", {}):
        # (Walking the lookups again on cases the dashboard fetched is not free.)
        prefetch([case])
    opinion = case.current_opinion()
    return roadmap(
        case,
        opinion,
        records=list(opinion.records.all()),
        medications=list(case.medications.all()),
        questions=list(opinion.questions.all()),
        calls=list(opinion.calls.all()),
        letters=list(opinion.letters.all()),
        today=today,
    )
