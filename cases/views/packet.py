"""The "bring to your appointment" packet: an HTML preview and the printable PDF.

Any member may see and download it, viewers included: it is the reason many relatives
are invited at all. The paper size is a query parameter (it is not health data).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cases import ratelimit
from cases.access import Need, get_case
from cases.audit import record_bundle_download, record_packet_download
from cases.http import AuthenticatedHttpRequest
from cases.models import Case, Language
from cases.models.preferences import in_packet_language, packet_language
from cases.services import documents
from cases.services.bundle import BundleTooBig, build_bundle, check_size
from cases.services.packet import PAPER_SIZES, Packet, Paper, build_packet, paper_for
from cases.views.documents import pdf_response, serve


def panel_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    """The case page's packet panel: links, and the packet's language for editors."""
    return {
        "packet_paper": paper(request),
        "packet_languages": Language.choices,
        "packet_language_label": Language(packet_language(case)).label,
    }


@require_POST
def packet_language_change(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Choose the language of the documents that go to the specialist (an editor's choice)."""
    case = get_case(request, case_id, Need.EDIT)
    chosen = request.POST.get("packet_language", "")
    if chosen in Language.values:
        case.packet_language = chosen
        case.save(update_fields=["packet_language", "updated_at"])
        messages.success(
            request,
            _("The packet and letters will be written in %(language)s.")
            % {"language": Language(chosen).label},
        )
    else:
        messages.error(request, _("Choose a language for the packet."))
    return redirect(f"{case.get_absolute_url()}#packet-panel-heading")


def paper(request: HttpRequest) -> Paper:
    return paper_for(request.GET.get("paper"), request.headers.get("Accept-Language", ""))


@require_safe
def packet_preview(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case(request, case_id, Need.VIEW)
    # The packet as it will print, in the packet's language; the page around it (header,
    # buttons, paper size) in the reader's.
    with in_packet_language(case):
        packet = build_packet(case, request.user, paper=paper(request))
        content = render_to_string(
            "cases/packet/_content.html", {"packet": packet, "for_print": False}, request=request
        )
    context = {
        "case": case,
        "packet": packet,
        "packet_content": content,
        "packet_lang": packet_language(case),
        "paper_sizes": PAPER_SIZES.items(),
    }
    return render(request, "cases/packet/preview.html", context)


@require_safe
def packet_download(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The packet PDF once the task worker has made it (cases/views/documents.py)."""
    case = get_case(request, case_id, Need.VIEW)
    # Before the work: printing is the most expensive thing a person can ask for.
    if refused := ratelimit.limit(request, ratelimit.DOWNLOADS, download_user=request.user.pk):
        return refused

    def send(ticket: documents.Ticket) -> HttpResponse:
        # Every download goes on the case's activity trail: the packet holds the member ID.
        record_packet_download(case, request.user)
        return pdf_response(ticket.data, ticket.file_name)

    return serve(request, case, documents.PACKET, on_ready=send)


@require_safe
def packet_bundle_download(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """The packet followed by every attached PDF and image, bookmarked per record.

    The packet comes from the worker like the packet download; joining the attached
    files to it is bounded by the bundle's size limit (cases/services/bundle.py).
    """
    case = get_case(request, case_id, Need.VIEW)
    if refused := ratelimit.limit(request, ratelimit.DOWNLOADS, download_user=request.user.pk):
        return refused
    with in_packet_language(case):
        packet = build_packet(case, request.user, paper=paper(request))
    try:
        check_size(packet.records)
    except BundleTooBig as exc:
        return _bundle_too_big(request, case, packet, exc)

    def send(ticket: documents.Ticket) -> HttpResponse:
        with in_packet_language(case):
            pdf = build_bundle(ticket.data, packet.records, paper=packet.paper)
        record_bundle_download(case, request.user)
        return pdf_response(pdf, packet.bundle_file_name)

    return serve(request, case, documents.PACKET, on_ready=send, bundle=True)


def _bundle_too_big(
    request: AuthenticatedHttpRequest, case: Case, packet: Packet, exc: BundleTooBig
) -> HttpResponse:
    """The preview page, saying why the packet with records cannot be made."""
    context = {
        "case": case,
        "packet": packet,
        "paper_sizes": PAPER_SIZES.items(),
        "bundle_error": str(exc),
    }
    return render(request, "cases/packet/preview.html", context, status=413)
