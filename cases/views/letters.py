"""Records-request letters: write one for a place, read and copy it, download the PDF,
and mark it sent (which starts the provider's 30-day clock).

Any member may read and download a letter; writing one and marking it sent change the
case, so they need a member who may edit.
"""

from __future__ import annotations

import logging
import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cases import ratelimit
from cases.access import Need, get_case, get_in_case
from cases.audit import record_letter_download
from cases.display import date_text
from cases.forms.letters import LetterSentForm, LetterStartForm
from cases.http import AuthenticatedHttpRequest
from cases.models import Case, RecordRequest
from cases.models.preferences import in_packet_language
from cases.services.documents import RenderFailed, RenderTimedOut, render_capped
from cases.services.letters import Letter, LetterRefused, build_letter, mark_sent, start_letter
from cases.views.documents import failed_page

logger = logging.getLogger(__name__)


def _letter(request: AuthenticatedHttpRequest, case: Case, letter_id: int) -> Letter:
    found = get_in_case(case, RecordRequest.objects.select_related("opinion"), letter_id)
    return build_letter(case, found, request.user)


def _letter_text(letter: Letter, case: Case) -> str:
    with in_packet_language(case):
        return render_to_string("cases/letters/letter.txt", {"letter": letter})


def _page(
    request: AuthenticatedHttpRequest, case: Case, letter: Letter, form: LetterSentForm | None
) -> HttpResponse:
    can_edit = case.membership.can_edit
    if can_edit and form is None:
        initial: dict[str, object] = {"sent_on": letter.request.sent_on or timezone.localdate()}
        if letter.request.sent_how:
            initial["sent_how"] = letter.request.sent_how
        form = LetterSentForm(initial=initial)
    context = {
        "case": case,
        "letter": letter,
        # The letter as it will be sent: in the case's packet language.
        "text": _letter_text(letter, case),
        "clock": letter.request.clock(timezone.localdate()),
        "form": form if can_edit else None,
    }
    return render(request, "cases/letters/letter.html", context)


@require_POST
def letter_create(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case(request, case_id, Need.EDIT)
    form = LetterStartForm(request.POST)
    records_url = reverse("records", args=[case.pk])
    if not form.is_valid():
        messages.error(request, _("Choose a place from the list to write to."))
        return redirect(records_url)
    try:
        letter = start_letter(case.current_opinion(), form.cleaned_data["source"])
    except LetterRefused as exc:
        messages.error(request, exc.messages[0])
        return redirect(records_url)
    return redirect("letter_detail", case_id=case.pk, letter_id=letter.pk)


@require_safe
def letter_detail(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, letter_id: int
) -> HttpResponse:
    case = get_case(request, case_id, Need.VIEW)
    return _page(request, case, _letter(request, case, letter_id), None)


@require_safe
def letter_download(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, letter_id: int
) -> HttpResponse:
    case = get_case(request, case_id, Need.VIEW)
    if refused := ratelimit.limit(request, ratelimit.DOWNLOADS, download_user=request.user.pk):
        return refused
    # One page of bounded fields: made here, but under the same time cap as the packet.
    try:
        with in_packet_language(case):
            letter = _letter(request, case, letter_id)
            html = render_to_string(
                "cases/letters/document.html", {"letter": letter}, request=request
            )
            pdf = render_capped(html)
    except RenderTimedOut:
        return failed_page(request, case, "letter", "timeout")
    except RenderFailed:
        logger.exception("A records request letter could not be rendered")
        return failed_page(request, case, "letter", "failed")
    record_letter_download(case, request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter.file_name}"'
    return response


@require_POST
def letter_sent(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, letter_id: int
) -> HttpResponse:
    case = get_case(request, case_id, Need.EDIT)
    letter = _letter(request, case, letter_id)
    form = LetterSentForm(request.POST)
    if not form.is_valid():
        return _page(request, case, letter, form)
    mark_sent(letter.request, form.cleaned_data["sent_on"], form.cleaned_data["sent_how"])
    clock = letter.request.clock(timezone.localdate())
    assert clock is not None  # marked as sent just now
    messages.success(
        request,
        _("Marked as sent on %(sent)s. The answer is due by %(due)s.")
        % {
            "sent": date_text(clock.sent_on),
            "due": date_text(clock.deadline),
        },
    )
    return redirect("letter_detail", case_id=case.pk, letter_id=letter.request.pk)
