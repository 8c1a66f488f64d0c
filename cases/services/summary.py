"""The decision summary: one page to share with family or the original doctor.

Gathered here once for the download and for the case export.
"""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone

from cases.comparison import build_comparison
from cases.models import Case, Opinion
from cases.models.preferences import in_packet_language

TEMPLATE = "cases/outcomes/decision_summary.html"


def has_decision(case: Case) -> bool:
    return case.opinions.exclude(decision="").exists()


def decision_summary_html(case: Case, *, paper: str = "a4") -> tuple[str, dt.date]:
    """The summary's HTML and the day it is dated (the latest decision, else today).

    Written in the case's packet language, like the packet and the letters.
    """
    opinions = list(case.opinions.order_by("number").prefetch_related("actions"))
    decided = [o for o in opinions if o.decision]
    latest = decided[-1] if decided else None
    today = timezone.localdate()
    with in_packet_language(case):
        html = _render(case, opinions, decided, latest, paper, today)
    return html, (latest.decided_on if latest and latest.decided_on else today)


def _render(
    case: Case,
    opinions: list[Opinion],
    decided: list[Opinion],
    latest: Opinion | None,
    paper: str,
    today: dt.date,
) -> str:
    return render_to_string(
        TEMPLATE,
        {
            "case": case,
            "comparison": build_comparison(case, [o for o in opinions if o.result]),
            "decided": decided,
            "latest": latest,
            "actions": [a for o in opinions for a in o.actions.all()],
            "paper": "letter" if paper == "letter" else "a4",
            "today": today,
        },
    )
