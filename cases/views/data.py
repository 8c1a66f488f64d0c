"""People own their data: export a case or an account, import a case, delete an account.

Exports are downloads answered to a POST from a small page that says what the file
holds; the file names carry a date only. Deleting an account asks the person to
confirm who they are first (allauth's re-authentication), then what becomes of each
case they alone own.
"""

from __future__ import annotations

import uuid

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases.access import Need, get_case
from cases.forms.data import DeleteAccountForm, ImportForm
from cases.http import AuthenticatedHttpRequest
from cases.models import Membership
from cases.services.erasure import (
    AccountChanged,
    delete_account,
    memberships_that_end,
    sole_owned,
)
from cases.services.export import Export, export_account, export_case
from cases.services.importing import ImportRefused, import_documents
from cases.services.packet import Paper, paper_for


def _paper(request: AuthenticatedHttpRequest) -> Paper:
    return paper_for(None, request.headers.get("Accept-Language", ""))


def _download(export: Export) -> FileResponse:
    response = FileResponse(
        export.file, as_attachment=True, filename=export.file_name, content_type="application/zip"
    )
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
def case_export(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponseBase:
    case = get_case(request, case_id, Need.EDIT)
    if request.method == "POST":
        return _download(export_case(case, request.user, paper=_paper(request)))
    return render(request, "cases/data/export.html", {"case": case})


@require_http_methods(["GET", "POST"])
def case_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        try:
            imported = import_documents(form.case_files, request.user)
        except ImportRefused as exc:
            form.add_error("file", str(exc))
        else:
            left_behind = sum(i.left_behind for i in imported)
            done = ngettext(
                "The case has been imported.",
                "%(count)d cases have been imported.",
                len(imported),
            ) % {"count": len(imported)}
            if left_behind:
                done = _(
                    "%(done)s The people who had access to it have not been given access "
                    "here: invite them again from “Share or manage access”."
                ) % {"done": done}
            messages.success(request, done)
            if len(imported) == 1:
                return redirect(imported[0].case)
            return redirect("dashboard")
    return render(
        request,
        "cases/data/import.html",
        {"form": form, "max_mb": settings.CASE_IMPORT_MAX_MB},
    )


@require_safe
def your_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "cases/data/your_data.html",
        {
            "case_count": Membership.objects.filter(user=request.user).count(),
            "retention_days": settings.ACTIVITY_RETENTION_DAYS,
        },
    )


@require_POST
def account_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    return _download(export_account(request.user, paper=_paper(request)))


@reauthentication_required
@require_http_methods(["GET", "POST"])
def account_delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = DeleteAccountForm(
        request.POST if request.method == "POST" else None, owned=sole_owned(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            delete_account(request.user, form.choices())
        except AccountChanged:
            form = DeleteAccountForm.after_a_change(request.POST, user=request.user)
        else:
            logout(request)
            messages.success(request, _("Your account has been deleted."))
            return redirect("account_login")
    return render(
        request,
        "cases/data/delete_account.html",
        {
            "form": form,
            "unshared": [o for o in form.owned if not o.others],
            "shared": [o for o in form.owned if o.others],
            "member_only": memberships_that_end(request.user, form.owned),
        },
    )
