"""The case page's overview: time warnings, the roadmap, what to bring, list counts.

Shared by the case page and by the sections edited in place on it, which send a fresh
overview along (an htmx out-of-band swap) so a changed start-by date shows at once.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, prefetch_related_objects

from cases import roadmap
from cases.models import Case, Opinion


def overview_context(case: Case) -> dict[str, Any]:
    # Everything the roadmap reads, fetched up front: the query count stays flat however
    # many records, medications, questions and calls the case holds.
    prefetch_related_objects(
        [case],
        Prefetch("opinions", Opinion.objects.prefetch_related("records", "questions", "calls")),
        "medications",
    )
    opinion = case.current_opinion()
    medications = list(case.medications.all())
    questions = list(opinion.questions.all())
    return {
        "case": case,
        "opinion": opinion,
        "roadmap": roadmap.roadmap(
            case,
            opinion,
            records=list(opinion.records.all()),
            medications=medications,
            questions=questions,
            calls=list(opinion.calls.all()),
        ),
        "medication_count": len(medications),
        "question_count": len(questions),
    }
