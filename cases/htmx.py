"""Helpers for views that serve a whole page to plain requests and a partial to htmx.

The pattern (see docs/DEVELOPING.md): a page template defines its sections inline with
``{% partialdef name inline %}``. A GET or a failed POST renders the whole page, or
just ``template#partial`` for htmx. A successful POST redirects (plain) or returns the
updated partial with an announcement for screen readers (htmx).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django_htmx.http import trigger_client_event

from cases.http import HtmxHttpRequest


def page_or_partial(
    request: HtmxHttpRequest,
    template: str,
    partial: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    name = f"{template}#{partial}" if request.htmx else template
    return render(request, name, context, status=status)


def announce(response: HttpResponse, message: str) -> HttpResponse:
    """Tell htmx to fire an ``announce`` event; app.js reads its message into the live region."""
    return trigger_client_event(response, "announce", {"message": message})


def saved(
    request: HtmxHttpRequest,
    *,
    message: str,
    redirect_to: str,
    template: str,
    partial: str,
    context: dict[str, Any],
) -> HttpResponse:
    """After a successful write: the fresh partial for htmx, else post/redirect/get."""
    if request.htmx:
        return announce(render(request, f"{template}#{partial}", context), message)
    messages.success(request, message)
    return redirect(redirect_to)
