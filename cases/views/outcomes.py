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
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cases import display, ratelimit
from cases.access import Need, get_case, get_in_case
from cases.comparison import build_comparison
from cases.forms.outcomes import DecisionForm
from cases.http import AuthenticatedHttpRequest
from cases.limits import ListFull
from cases.models import Case, Decision, Opinion
from cases.models.items import RecordStatus
from cases.models.opinion import Stage
from cases.services import documents
from cases.services.opinions import start_next_opinion
from cases.services.packet import PAPER_SIZES, paper_for
from cases.views.documents import pdf_response, serve

COMPARE = "cases/outcomes/compare.html"
DECIDE = "cases/outcomes/decide.html"


def _url(name: str, case: Case, **kwargs: Any) -> str:
    return reverse(name, kwargs={"case_id": case.pk, **kwargs})


def _paper(request: HttpRequest) -> str:
    """The decision summary's paper: picked, else the usual paper of the browser's region."""
    return paper_for(request.GET.get("paper"), request.headers.get("Accept-Language", ""))


Link = tuple[str, str]  # (words, URL)


def panel_context(request: HttpRequest, case: Case, opinion: Opinion) -> dict[str, Any]:
    """The case page's outcome panel: where the current opinion stands and what comes next."""
    # From the opinions the roadmap already fetched (a case has a handful): no query.
    opinions = case.opinions.all()
    earlier = sorted((o for o in opinions if o.number < opinion.number), key=lambda o: o.number)
    primary, links = _panel_links(request, case, opinion, earlier)
    return {
        "outcome_panel": {
            "stage": opinion.stage,
            "stage_tag": display.tag_class(opinion.stage),
            "earlier": earlier,
            "primary": primary,
            "links": links,
            "fresh": _fresh_start(opinion),
        }
    }


def _panel_links(
    request: HttpRequest, case: Case, opinion: Opinion, earlier: list[Opinion]
) -> tuple[Link | None, list[Link]]:
    """The one thing to do next on the opinion (for editors), and the other links."""
    stage, links = opinion.stage, []
    primary: Link | None = None
    outcome_url = _url("opinion_outcome", case, opinion_id=opinion.pk)
    decide_url = _url("opinion_decide", case, opinion_id=opinion.pk)
    if case.membership.can_edit and stage in (Stage.SEEKING, Stage.BOOKED):
        primary = (_("Record what the specialist said"), outcome_url)
    elif case.membership.can_edit and stage == Stage.RECEIVED:
        primary = (_("Decide what to do next"), decide_url)
        links.append((_("Change what the specialist said"), outcome_url))
    elif case.membership.can_edit:
        links.append((_("Change what the specialist said"), outcome_url))
        links.append((_("Change the decision"), decide_url))
    if opinion.result or any(o.result for o in earlier):
        links.insert(0, (_("Compare the opinions side by side"), _url("opinion_compare", case)))
    if opinion.decision or any(o.decision for o in earlier):
        paper = _paper(request)
        summary_url = f"{_url('decision_summary', case)}?paper={paper}"
        links.append(
            (
                _("Download the decision summary (PDF, %(paper)s)") % {"paper": PAPER_SIZES[paper]},
                summary_url,
            )
        )
    return primary, links


def _fresh_start(opinion: Opinion) -> dict[str, Any] | None:
    """A further opinion starts steps 2 to 4 afresh: what of them is done, said plainly."""
    if opinion.number <= 2 or opinion.stage not in (Stage.SEEKING, Stage.BOOKED):
        return None
    return {
        "insurance_started": bool(
            opinion.coverage or opinion.referral_status or opinion.prior_auth_status
        ),
        "send_again": opinion.records.filter(
            status=RecordStatus.RECEIVED, sent_on__isnull=True
        ).count(),
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
            "paper": _paper(request),
            "paper_sizes": PAPER_SIZES.items(),
        },
    )


@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, case_id: uuid.UUID, opinion_id: int) -> HttpResponse:
    case = get_case(request, case_id, Need.EDIT)
    opinion = get_in_case(case, Opinion.objects.all(), opinion_id)
    if not opinion.result:
        messages.info(request, _("Record what the specialist said first, then decide."))
        return redirect(_url("opinion_outcome", case, opinion_id=opinion.pk))
    # Once a further opinion has started from this one, the decision stands: changing it
    # would leave that opinion orphaned, and deciding again must not start another.
    next_opinion = case.opinions.filter(number=opinion.number + 1).first()
    form = None if next_opinion else DecisionForm(request.POST or None, instance=opinion)
    saving = request.method == "POST" and form is not None and form.is_valid()
    if saving and form is not None and (message := _save_decision(form)):
        messages.success(request, message)
        return redirect(case)
    return render(
        request,
        DECIDE,
        {"case": case, "opinion": opinion, "form": form, "next_opinion": next_opinion},
    )


def _save_decision(form: DecisionForm) -> str | None:
    """Save the decision, starting the next opinion if it is to seek one.

    Returns what to tell the person, or None after a conflict (the form says why).
    """
    try:
        with transaction.atomic():
            decided = form.save_guarded()
            if decided is None:
                return None
            assert isinstance(decided, Opinion)
            if decided.decision != Decision.THIRD:
                return _("Decision saved.")
            started = start_next_opinion(decided)
    except ListFull as exc:
        # Nothing was saved: the decision and the new opinion go together or not at all.
        form.add_error("decision", str(exc))
        return None
    return _(
        "Decision saved. The %(ordinal)s opinion has started: "
        "your records and questions are copied, and steps 2 to 4 begin again."
    ) % {"ordinal": started.ordinal.lower()}


@require_safe
def decision_summary(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """A one-page PDF to share with family or the original doctor, made by the worker."""
    case = get_case(request, case_id)
    if refused := ratelimit.limit(request, ratelimit.DOWNLOADS, download_user=request.user.pk):
        return refused
    return serve(
        request,
        case,
        documents.SUMMARY,
        on_ready=lambda ticket: pdf_response(ticket.data, ticket.file_name),
    )
