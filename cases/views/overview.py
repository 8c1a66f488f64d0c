"""The case page's overview: time warnings, the roadmap, what to bring, list counts.

Shared by the case page and by the sections edited in place on it, which send a fresh
overview along (an htmx out-of-band swap) so a changed start-by date shows at once.
"""

from __future__ import annotations

from typing import Any

from cases import roadmap
from cases.models import Case


def overview_context(case: Case) -> dict[str, Any]:
    plan = roadmap.for_case(case)
    return {
        "case": case,
        "opinion": plan.opinion,
        "roadmap": plan,
        # Prefetched with the roadmap: counting costs no query.
        "medication_count": len(case.medications.all()),
        "question_count": len(plan.opinion.questions.all()),
    }
