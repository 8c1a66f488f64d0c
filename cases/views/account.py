"""The account's pages beyond allauth's own: staying signed in, and where you are signed in."""

from __future__ import annotations

from allauth.usersessions.forms import ManageUserSessionsForm
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases import sessions


def _state(request: HttpRequest) -> JsonResponse:
    if request.session.get(SESSION_KEY) is None:
        return JsonResponse({"remaining": 0, "can_extend": False})
    deadline = sessions.deadline(request.session)
    return JsonResponse(
        {"remaining": max(0, deadline.remaining), "can_extend": deadline.can_extend}
    )


@login_not_required
@require_safe
def session_status(request: HttpRequest) -> JsonResponse:
    """Seconds until sign-out, for the warning in app.js.

    Asking is not activity (SessionTimeoutMiddleware leaves this URL out): a page left
    open must not keep its session alive. Open to everyone, so a session that has just
    ended answers 0 rather than a redirect.
    """
    return _state(request)


@require_POST
def session_keep_alive(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in": app.js posts it and reads the new time left; a plain post
    (without JavaScript) comes back to the page it was sent from."""
    sessions.touch(request, force=True)
    if "application/json" in request.headers.get("Accept", ""):
        return _state(request)
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("dashboard")


@require_http_methods(["GET", "POST"])
def signed_in_devices(request: HttpRequest) -> HttpResponse:
    """Every browser signed in to this account, and a way to sign the others out."""
    if request.method == "POST":
        form = ManageUserSessionsForm(request.POST, request=request)
        if form.is_valid():
            form.save(request)
            messages.success(request, _("You are now signed out everywhere else."))
        return redirect("account_sessions")
    devices = sessions.signed_in_devices(request)
    return render(
        request,
        "usersessions/usersession_list.html",
        {"devices": devices, "others": sum(not d.current for d in devices)},
    )
