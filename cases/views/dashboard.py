"""The list of cases a person can see, grouped by the person each case is for.

A caregiver may look after several people: each person's cases sit under their name,
with the stage of the current opinion, the next thing to do and the appointment.
The page costs the same number of queries with one case or fifty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby
from typing import TYPE_CHECKING, TypedDict

from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cases import roadmap
from cases.http import AuthenticatedHttpRequest
from cases.models import Case, Membership, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_stubs_ext import WithAnnotations


class _MyRole(TypedDict):
    my_role: str


@dataclass
class Person:
    name: str
    dob: dt.date | None
    cases: list[Case] = field(default_factory=list)


def _cases_for(user: User) -> list[WithAnnotations[Case, _MyRole]]:
    my_role = Membership.objects.filter(case=OuterRef("pk"), user=user).values("role")[:1]
    cases = list(
        Case.objects.visible_to(user)
        .annotate(my_role=Subquery(my_role))
        .order_by("patient_name", "patient_dob", "-created_at")
    )
    roadmap.prefetch(cases)
    return cases


@require_safe
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    people = []
    for (name, dob), group in groupby(
        _cases_for(request.user), key=lambda c: (c.patient_name, c.patient_dob)
    ):
        person = Person(name=name, dob=dob)
        for case in group:
            plan = roadmap.for_case(case)
            case.opinion = plan.opinion
            case.next_step = plan.next_step
            case.letter_clocks = plan.letter_clocks
            case.my_role_label = Role(case.my_role).label
            person.cases.append(case)
        people.append(person)
    return render(request, "cases/dashboard.html", {"people": people})
