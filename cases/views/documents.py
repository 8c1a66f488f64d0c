"""Downloading a PDF the task worker makes: the file when it is ready, else a page that
says it is being prepared (and polls with htmx), or why it could not be made.

The page worker never renders a packet or a summary itself (cases/services/documents.py),
so a huge case cannot stall the site, and nobody waits on a worker timeout.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cases.access import Need, get_case
from cases.htmx import page_or_partial
from cases.http import AuthenticatedHttpRequest
from cases.models import Case
from cases.services import documents
from cases.services.packet import paper_for

TEMPLATE = "cases/documents/preparing.html"


def _names() -> dict[str, str]:
    return {
        documents.PACKET: _("packet"),
        documents.SUMMARY: _("decision summary"),
        "letter": _("letter"),
    }


def paper(request: AuthenticatedHttpRequest) -> str:
    return paper_for(request.GET.get("paper"), request.headers.get("Accept-Language", ""))


def pdf_response(pdf: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


def _download_url(case: Case, kind: str, paper: str, *, bundle: bool) -> str:
    if kind == documents.SUMMARY:
        name = "decision_summary"
    else:
        name = "packet_bundle_download" if bundle else "packet_download"
    return reverse(name, args=[case.pk]) + f"?paper={paper}"


def waiting_page(
    request: AuthenticatedHttpRequest,
    case: Case,
    ticket: documents.Ticket,
    *,
    bundle: bool = False,
    accepted: int = 202,
) -> HttpResponse:
    """The "being prepared" page (``accepted``: 202 from a download, which asked for the
    PDF; 200 from the status page, which only looks), or the plain-words failure (503);
    never the PDF itself.

    ``bundle``: the person asked for the packet with the attached records, which is
    put together as soon as the packet is ready.
    """
    kind, paper_ = ticket.source.kind, ticket.source.paper
    status_url = reverse("document_status", args=[case.pk, kind]) + f"?paper={paper_}"
    context: dict[str, Any] = {
        "ready": ticket.ready,
        "pending": ticket.pending,
        "download_url": _download_url(case, kind, paper_, bundle=bundle),
        "status_url": status_url + ("&bundle=1" if bundle else ""),
    }
    return _page(request, case, kind, ticket.failure, context, accepted=accepted)


def failed_page(
    request: AuthenticatedHttpRequest, case: Case, kind: str, failure: str
) -> HttpResponse:
    """The plain-words page for a PDF made on the spot (a letter) that failed."""
    return _page(request, case, kind, failure, {"ready": False, "pending": False})


def _page(
    request: AuthenticatedHttpRequest,
    case: Case,
    kind: str,
    failure: str,
    context: dict[str, Any],
    *,
    accepted: int = 202,
) -> HttpResponse:
    if kind == documents.PACKET:
        back = (reverse("packet_preview", args=[case.pk]), _("Read the packet on screen"))
    else:
        back = (case.get_absolute_url(), _("Go back to the case"))
    context |= {
        "case": case,
        "failure": failure,
        "document_name": _names()[kind],
        "back_url": back[0],
        "back_label": back[1],
    }
    status = 503 if failure else accepted
    if request.htmx:
        status = 200  # htmx swaps 2xx only; the partial itself says what happened
    response = page_or_partial(request, TEMPLATE, "status", context, status=status)
    response["Vary"] = "HX-Request"
    if failure:
        response["Retry-After"] = str(settings.PDF_FAILED_SECONDS)
    return response


def serve(
    request: AuthenticatedHttpRequest,
    case: Case,
    kind: str,
    *,
    on_ready: Callable[[documents.Ticket], HttpResponse],
    bundle: bool = False,
) -> HttpResponse:
    """The file through ``on_ready`` when the worker has made it, else the waiting page."""
    ticket = documents.prepare(kind, case, request.user, paper=paper(request))
    if ticket.ready:
        return on_ready(ticket)
    return waiting_page(request, case, ticket, bundle=bundle)


@require_safe
def document_status(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, kind: str
) -> HttpResponse:
    """Polled by the "being prepared" page: asks for nothing, only looks."""
    case = get_case(request, case_id, Need.VIEW)
    if kind not in documents.KINDS:
        raise Http404
    ticket = documents.status(kind, case, request.user, paper=paper(request))
    bundle = kind == documents.PACKET and request.GET.get("bundle") == "1"
    return waiting_page(request, case, ticket, bundle=bundle, accepted=200)
