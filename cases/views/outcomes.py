"""After the appointment: the case page's outcome panel, the comparison and the decision.

The outcome page itself, with its follow-up actions, is views/outcome_page.py.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from cases.access import Need, get_case, get_in_case
from cases.comparison import build_comparison
from cases.forms.outcomes import DecisionForm
from cases.models import Case, Decision, Opinion
from cases.models.items import RecordStatus
from cases.models.opinion import Stage
from cases.pdf import render_pdf
from cases.services.opinions import start_next_opinion

COMPARE = "cases/outcomes/compare.html"
DECIDE = "cases/outcomes/decide.html"
SUMMARY = "cases/outcomes/decision_summary.html"

STAGE_TAGS = {
    Stage.SEEKING: "tag--grey",
    Stage.BOOKED: "tag--blue",
    Stage.RECEIVED: "tag--yellow",
    Stage.DECIDED: "tag--green",
}


def _url(name: str, case: Case, **kwargs: Any) -> str:
    return reverse(name, kwargs={"case_id": case.pk, **kwargs})


def panel_context(request: HttpRequest, case: Case, opinion: Opinion) -> dict[str, Any]:
    """The case page's outcome panel: where the current opinion stands and what comes next."""
    can_edit = case.membership.can_edit
    earlier = list(case.opinions.filter(number__lt=opinion.number).order_by("number"))
    any_result = bool(opinion.result) or any(o.result for o in earlier)
    any_decision = bool(opinion.decision) or any(o.decision for o in earlier)
    stage = opinion.stage
    links: list[tuple[str, str]] = []
    primary: tuple[str, str] | None = None
    outcome_url = _url("opinion_outcome", case, opinion_id=opinion.pk)
    if can_edit and stage in (Stage.SEEKING, Stage.BOOKED):
        primary = ("Record what the specialist said", outcome_url)
    elif can_edit and stage == Stage.RECEIVED:
        primary = ("Decide what to do next", _url("opinion_decide", case, opinion_id=opinion.pk))
        links.append(("Change what the specialist said", outcome_url))
    elif can_edit:
        links.append(("Change what the specialist said", outcome_url))
        links.append(("Change the decision", _url("opinion_decide", case, opinion_id=opinion.pk)))
    if any_result:
        links.insert(0, ("Compare the opinions side by side", _url("opinion_compare", case)))
    if any_decision:
        links.append(("Download the decision summary (PDF)", _url("decision_summary", case)))
    fresh = None
    if opinion.number > 2 and stage in (Stage.SEEKING, Stage.BOOKED):
        # A further opinion starts steps 2 to 4 afresh: say so plainly.
        fresh = {
            "insurance_started": bool(
                opinion.coverage or opinion.referral_status or opinion.prior_auth_status
            ),
            "send_again": opinion.records.filter(
                status=RecordStatus.RECEIVED, sent_on__isnull=True
            ).count(),
        }
    return {
        "outcome_panel": {
            "stage": stage,
            "stage_tag": STAGE_TAGS[stage],
            "earlier": earlier,
            "primary": primary,
            "links": links,
            "fresh": fresh,
        }
    }


# Comparing and deciding


@require_safe
def compare(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case(request, case_id)
    opinions = list(case.opinions.order_by("number"))
    comparison = build_comparison(case, [o for o in opinions if o.result])
    current = opinions[-1]
    decide_url = None
    if case.membership.can_edit and current.result:
        decide_url = _url("opinion_decide", case, opinion_id=current.pk)
    return render(
        request,
        COMPARE,
        {
            "case": case,
            "comparison": comparison,
            "decide_url": decide_url,
            "any_decision": any(o.decision for o in opinions),
        },
    )


@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, case_id: uuid.UUID, opinion_id: int) -> HttpResponse:
    case = get_case(request, case_id, Need.EDIT)
    opinion = get_in_case(case, Opinion.objects.all(), opinion_id)
    if not opinion.result:
        messages.info(request, "Record what the specialist said first, then decide.")
        return redirect(_url("opinion_outcome", case, opinion_id=opinion.pk))
    # Once a further opinion has started from this one, the decision stands: changing it
    # would leave that opinion orphaned, and deciding again must not start another.
    next_opinion = case.opinions.filter(number=opinion.number + 1).first()
    form = None if next_opinion else DecisionForm(request.POST or None, instance=opinion)
    if request.method == "POST" and form is not None and form.is_valid():
        with transaction.atomic():
            decided = form.save_guarded()
            started = (
                start_next_opinion(decided)
                if decided and decided.decision == Decision.THIRD
                else None
            )
        if started:
            messages.success(
                request,
                f"Decision saved. The {started.ordinal.lower()} opinion has started: "
                "your records and questions are copied, and steps 2 to 4 begin again.",
            )
            return redirect(case)
        if decided:
            messages.success(request, "Decision saved.")
            return redirect(case)
    return render(
        request,
        DECIDE,
        {"case": case, "opinion": opinion, "form": form, "next_opinion": next_opinion},
    )


@require_safe
def decision_summary(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """A one-page PDF to share with family or the original doctor."""
    case = get_case(request, case_id)
    opinions = list(case.opinions.order_by("number").prefetch_related("actions"))
    decided = [o for o in opinions if o.decision]
    latest = decided[-1] if decided else None
    paper = "letter" if request.GET.get("paper") == "letter" else "a4"
    html = render_to_string(
        SUMMARY,
        {
            "case": case,
            "comparison": build_comparison(case, [o for o in opinions if o.result]),
            "decided": decided,
            "latest": latest,
            "actions": [a for o in opinions for a in o.actions.all()],
            "paper": paper,
            "today": timezone.localdate(),
        },
    )
    day = (latest.decided_on if latest and latest.decided_on else timezone.localdate()).isoformat()
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="decision-summary-{day}.pdf"'
    return response
