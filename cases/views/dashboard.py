"""The list of cases a person can see, grouped by the person each case is for.

A caregiver may look after several people: each person's cases sit under their name,
with the stage of the current opinion, the next thing to do and the appointment.
The page costs the same number of queries with one case or fifty; a case's card is
kept under the case's revision (cases/fragments.py), so the roadmap is built only for
cases that changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from cases import fragments, plain, roadmap
from cases.http import AuthenticatedHttpRequest
from cases.models import Case, Role

CARD = "cases/dashboard.html#case-card"


@dataclass
class Person:
    name: str
    dob: dt.date | None
    cards: list[str] = field(default_factory=list)


def _cards(request: AuthenticatedHttpRequest, cases: list[Case]) -> dict[Case, str]:
    """Each case's card, for the cases whose card is not kept (cases/fragments.py)."""
    roadmap.prefetch(cases)
    cards: dict[Case, str] = {}
    for case in cases:
        plan = roadmap.for_case(case)
        case.opinion = plan.opinion
        case.next_step = plan.next_step
        case.letter_clocks = plan.letter_clocks
        cards[case] = render_to_string(CARD, {"case": case}, request)
    return cards


@require_safe
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    cases = []
    # The same cases as Case.objects.visible_to(), read with one plain query (cases/plain.py).
    for case, role in plain.cases_with_role(request.user.pk):
        case.my_role_label = Role(role).label
        cases.append(case)
    cards = fragments.cached_many(request, cases, "dashboard-card", lambda c: _cards(request, c))
    people = []
    for (name, dob), group in groupby(cases, key=lambda c: (c.patient_name, c.patient_dob)):
        people.append(Person(name=name, dob=dob, cards=[cards[case] for case in group]))
    return render(request, "cases/dashboard.html", {"people": people})
