"""The list of cases a person can see, grouped by the person each case is for.

A caregiver may look after several people: each person's cases sit under their name,
with the stage of the current opinion, the next thing to do and the appointment.
The page costs the same number of queries with one case or fifty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import OuterRef, Prefetch, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cases.models import Case, Membership, Opinion, Role
from cases.models.opinion import Stage

try:  # The roadmap knows the next thing to do on each step, when it is there.
    from cases import roadmap as roadmap_module
except ImportError:  # pragma: no cover
    roadmap_module = None


@dataclass
class Person:
    name: str
    dob: object
    cases: list[Case] = field(default_factory=list)


def _cases_for(user) -> list[Case]:
    my_role = Membership.objects.filter(case=OuterRef("pk"), user=user).values("role")[:1]
    opinions = Opinion.objects.order_by("number").prefetch_related("records", "calls", "questions")
    return list(
        Case.objects.visible_to(user)
        .annotate(my_role=Subquery(my_role))
        .prefetch_related(Prefetch("opinions", queryset=opinions), "medications")
        .order_by("patient_name", "patient_dob", "-created_at")
    )


def next_step(case: Case, opinion: Opinion | None) -> str:
    if opinion is None:
        return "Start the second opinion."
    stage = opinion.stage
    if stage == Stage.DECIDED:
        return f"Decided: {opinion.get_decision_display().lower()}."
    if stage == Stage.RECEIVED:
        return "Compare the opinions and decide what to do next."
    if roadmap_module is not None:
        plan = roadmap_module.roadmap(
            case,
            opinion,
            records=list(opinion.records.all()),
            medications=list(case.medications.all()),
            questions=list(opinion.questions.all()),
            calls=list(opinion.calls.all()),
        )
        for step in plan.steps:
            if step.next and step.status not in (
                roadmap_module.Status.DONE,
                roadmap_module.Status.SKIPPED,
            ):
                return step.next
        for step in plan.steps:
            if step.next:
                return step.next
    if stage == Stage.BOOKED:
        return "Get ready for the appointment."
    return "Work through the four steps to get the opinion."


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    people = []
    for (name, dob), group in groupby(
        _cases_for(request.user), key=lambda c: (c.patient_name, c.patient_dob)
    ):
        person = Person(name=name, dob=dob)
        for case in group:
            case.opinion = case.current_opinion() if case.opinions.all() else None
            case.next_step = next_step(case, case.opinion)
            case.my_role_label = Role(case.my_role).label
            person.cases.append(case)
        people.append(person)
    return render(request, "cases/dashboard.html", {"people": people})
