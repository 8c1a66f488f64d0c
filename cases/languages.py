"""Which language a person reads: the switch's cookie, the account's choice, emails.

The browser's Accept-Language decides until the person switches (LocaleMiddleware); the
switch saves the choice on the account (``AccountLanguage``), and signing in applies it
again on any browser. Emails to a person are written in their account's language.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation

from cases.models import AccountLanguage
from cases.models.preferences import language_of


def set_language_cookie(response: HttpResponseBase, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]  # "Lax" in settings
    )


def apply_on_sign_in(
    sender: Any,
    request: HttpRequest,
    user: Any,
    response: HttpResponseBase | None = None,
    **kw: Any,
) -> None:
    """allauth's ``user_logged_in``: open the account in its language from the first page.

    An account that never switched keeps the language it first signed in with, so its
    emails (invitations, reminders) have a language too.
    """
    saved = AccountLanguage.for_user(user)
    if saved is None:
        saved = language_of(translation.get_language())
        AccountLanguage.remember(user, saved)
    # Now, for the "signed in" message; the cookie, for every request after.
    translation.activate(saved)
    request.LANGUAGE_CODE = saved
    if response is not None:
        set_language_cookie(response, saved)


def language_for_email(user: Any = None) -> str:
    """The language to write to a person in: their account's, else the language active
    now (the sender's, for an address with no account yet)."""
    saved = AccountLanguage.for_user(user) if getattr(user, "pk", None) else None
    return saved or language_of(translation.get_language())
