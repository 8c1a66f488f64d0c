"""What the middleware adds to a request, for annotations.

Django's ``HttpRequest`` knows neither ``request.htmx`` (django-htmx's middleware sets
it on every request) nor that a view behind the login has a signed-in ``User``, not an
``AnonymousUser``. Views say which they rely on, and mypy checks the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A request to a view behind the login (``LoginRequiredMiddleware``)."""

    user: User
