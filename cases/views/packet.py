"""The "bring to your appointment" packet: an HTML preview and the printable PDF.

Any member may see and download it, viewers included: it is the reason many relatives
are invited at all. The paper size is a query parameter (it is not health data).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cases import ratelimit
from cases.access import Need, get_case
from cases.audit import record_bundle_download, record_packet_download
from cases.models import Case, Opinion
from cases.services import documents
from cases.services.bundle import BundleTooBig, build_bundle, check_size
from cases.services.packet import PAPER_SIZES, Packet, build_packet, paper_for
from cases.views.documents import pdf_response, serve


def panel_context(request: HttpRequest, case: Case, opinion: Opinion) -> dict[str, Any]:
    """The case page's packet panel: links only, so it costs no queries."""
    return {"packet_paper": _paper(request)}


def _paper(request: HttpRequest) -> str:
    return paper_for(request.GET.get("paper"), request.headers.get("Accept-Language", ""))


def _packet(request: HttpRequest, case_id: uuid.UUID) -> Packet:
    case = get_case(request, case_id, Need.VIEW)
    return build_packet(case, request.user, paper=_paper(request))


@require_safe
def packet_preview(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    packet = _packet(request, case_id)
    context = {"case": packet.case, "packet": packet, "paper_sizes": PAPER_SIZES.items()}
    return render(request, "cases/packet/preview.html", context)


@require_safe
def packet_download(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The packet PDF once the task worker has made it (cases/views/documents.py)."""
    case = get_case(request, case_id, Need.VIEW)
    # Before the work: printing is the most expensive thing a person can ask for.
    if refused := ratelimit.limit(request, ratelimit.DOWNLOADS, download_user=request.user.pk):
        return refused

    def send(ticket: documents.Ticket) -> HttpResponse:
        # Every download goes on the case's activity trail: the packet holds the member ID.
        record_packet_download(case, request.user)
        return pdf_response(ticket.pdf, ticket.file_name)

    return serve(request, case, documents.PACKET, on_ready=send)


@require_safe
def packet_bundle_download(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The packet followed by every attached PDF and image, bookmarked per record.

    The packet comes from the worker like the packet download; joining the attached
    files to it is bounded by the bundle's size limit (cases/services/bundle.py).
    """
    case = get_case(request, case_id, Need.VIEW)
    if refused := ratelimit.limit(request, ratelimit.DOWNLOADS, download_user=request.user.pk):
        return refused
    packet = build_packet(case, request.user, paper=_paper(request))
    try:
        check_size(packet.records)
    except BundleTooBig as exc:
        return render(
            request,
            "cases/packet/preview.html",
            {
                "case": case,
                "packet": packet,
                "paper_sizes": PAPER_SIZES.items(),
                "bundle_error": str(exc),
            },
            status=413,
        )

    def send(ticket: documents.Ticket) -> HttpResponse:
        pdf = build_bundle(ticket.pdf, packet.records, paper=packet.paper)
        record_bundle_download(case, request.user)
        return pdf_response(pdf, packet.bundle_file_name)

    return serve(request, case, documents.PACKET, on_ready=send, bundle=True)
