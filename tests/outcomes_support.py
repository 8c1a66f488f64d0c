"""The outcome and decision pages' addresses, what their forms post, and the article's
Maria with an appointment just past, for the outcome and decision tests."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from cases.models import Opinion, Result

TODAY = timezone.localdate()
TOMORROW = TODAY + dt.timedelta(days=1)


def outcome_url(case, opinion) -> str:
    return reverse("opinion_outcome", kwargs={"case_id": case.pk, "opinion_id": opinion.pk})


def decide_url(case, opinion) -> str:
    return reverse("opinion_decide", kwargs={"case_id": case.pk, "opinion_id": opinion.pk})


def outcome_data(client, case, opinion, **overrides) -> dict:
    """What the outcome form would post, starting from what the page showed."""
    form = client.get(outcome_url(case, opinion)).context["form"]
    data = {
        "version": form.initial["version"],
        "answers_version": form.initial["answers_version"],
        "result": Result.ADJUSTMENT,
        "outcome_on": TODAY.isoformat(),
        "outcome_diagnosis": "Early-stage breast cancer",
        "outcome_treatment": "Lumpectomy followed by radiation",
        "outcome_urgency": "weeks",
        "outcome_rationale": "Same outcomes with a less invasive procedure.",
        "other_options": "A clinical trial of shorter radiation courses.",
        "outcome_cost": "",
        "outcome_notes": "",
    }
    data.update(overrides)
    return data


def maria_case(case):
    """The article's Maria: immediate surgery proposed, a university specialist booked."""
    case.diagnosed_by_name = "Dr. Okafor"
    case.treatment_kind = "surgery"
    case.treatment_description = "Immediate surgery (mastectomy)"
    case.treatment_urgency = "immediate"
    case.save()
    opinion = case.current_opinion()
    opinion.specialist_name = "Dr. Chen"
    opinion.specialist_institution = "University Medical Center"
    opinion.appointment_at = timezone.now() - dt.timedelta(days=1)
    opinion.save()
    return case


def record_outcome(opinion: Opinion, result: str = Result.ADJUSTMENT, **fields) -> Opinion:
    opinion.result = result
    opinion.outcome_on = TODAY
    opinion.outcome_diagnosis = fields.pop("outcome_diagnosis", "Early-stage breast cancer")
    opinion.outcome_treatment = fields.pop("outcome_treatment", "Lumpectomy followed by radiation")
    for name, value in fields.items():
        setattr(opinion, name, value)
    opinion.save()
    return opinion
