"""The language switch on every page: a plain form, remembered for the account."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cases.languages import set_language_cookie
from cases.models import AccountLanguage, Language


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the language and come back to the same page (Django's set_language, plus
    saving the choice on the account so the next sign-in, anywhere, opens in it)."""
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    language = request.POST.get("language", "")
    if language not in Language.values:
        return response
    set_language_cookie(response, language)
    if request.user.is_authenticated:
        AccountLanguage.remember(request.user, language)
    return response
