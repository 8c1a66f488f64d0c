"""Documents attached to records: attach, download, thumbnail, remove.

Every request reaches the file through ``get_case`` and ``get_in_case``: viewers may
download, strangers get 404. A download is never rendered by the browser: it comes as
an attachment, with nosniff and a sandboxing CSP, under a name free of health data.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases import ratelimit
from cases.access import Need, get_case, get_in_case
from cases.audit import record_file_download
from cases.forms.files import AttachForm
from cases.http import AuthenticatedHttpRequest
from cases.models import Attachment, Case, RecordItem
from cases.services.files import attach, offers_received
from cases.views.item_lists import Screen

SANDBOX_CSP = "sandbox; default-src 'none'"


def _records_screen(request: AuthenticatedHttpRequest, case_id: uuid.UUID, need: Need) -> Screen:
    return Screen.open(request, case_id, "records", need)


@require_POST
def file_add(request: AuthenticatedHttpRequest, case_id: uuid.UUID, item_id: int) -> HttpResponse:
    screen = _records_screen(request, case_id, Need.EDIT)
    record = screen.get(item_id)
    form = AttachForm(request.POST, request.FILES, record_id=record.pk)
    if form.is_valid():
        try:
            made = attach(record, form.cleaned_data["files"], request.user)
        except ValidationError as exc:
            form.add_error("files", exc)
    if form.errors:
        return screen.render(focus=(record.pk, "files-error"), failed_form=form, files_form=form)
    names = ", ".join(_("‘%(file)s’") % {"file": a.name} for a in made)
    if offers_received(record):
        message = _(
            "Attached %(files)s to ‘%(record)s’. "
            "If this is the record itself, you can mark it received"
        ) % {"files": names, "record": record.name}
    else:
        message = _("Attached %(files)s to ‘%(record)s’") % {"files": names, "record": record.name}
    return screen.saved(message, record, focus=(record.pk, "files"))


def _attachment(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, file_id: int, need: Need
) -> tuple[Case, Attachment]:
    case = get_case(request, case_id, need)
    queryset = Attachment.objects.select_related("record")
    return case, get_in_case(case, queryset, file_id)


def _never_rendered(response: HttpResponseBase) -> HttpResponseBase:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    return response


@require_safe
def file_download(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, file_id: int
) -> HttpResponseBase:
    case, attachment = _attachment(request, case_id, file_id, Need.VIEW)
    if refused := ratelimit.limit(request, ratelimit.DOWNLOADS, download_user=request.user.pk):
        return refused
    record_file_download(case, request.user, attachment)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.download_name,
        content_type="application/octet-stream",
    )
    return _never_rendered(response)


@require_safe
def file_thumbnail(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, file_id: int
) -> HttpResponseBase:
    """Our own re-encoded PNG (never the uploaded bytes), so it may show inline."""
    _, attachment = _attachment(request, case_id, file_id, Need.VIEW)
    if not attachment.thumbnail:
        return HttpResponse(status=404)
    response = FileResponse(attachment.thumbnail.open("rb"), content_type="image/png")
    return _never_rendered(response)


@require_http_methods(["GET", "POST"])
def file_remove(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, file_id: int
) -> HttpResponse:
    """GET asks first, in the record's place; POST removes the file and its objects."""
    screen = _records_screen(request, case_id, Need.EDIT)
    attachment = get_in_case(screen.case, Attachment.objects.select_related("record"), file_id)
    record: RecordItem = attachment.record
    if request.method == "POST":
        name = attachment.name
        attachment.delete()
        return screen.saved(
            _("Removed ‘%(file)s’ from ‘%(record)s’") % {"file": name, "record": record.name},
            record,
            focus=(record.pk, "files"),
        )
    return screen.render(focus=(record.pk, "file-confirm"), removing_file=attachment)
