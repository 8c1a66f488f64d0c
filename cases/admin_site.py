"""The admin shows every case: staff open it only with two-factor sign-in, passed this session."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.account.decorators import secure_admin_login
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def passed_two_factor(request: HttpRequest) -> bool:
    """Whether this session has seen a code from the person's app (or a recovery code)."""
    return any(r.get("method") == "mfa" for r in get_authentication_records(request, request.user))


class SecureAdminSite(admin.AdminSite):
    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # Through allauth's sign-in page: its rate limits and the two-factor step.
        return secure_admin_login(super().login)(request, extra_context)

    def admin_view(self, view: View, cacheable: bool = False) -> View:
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if user.is_active and user.is_staff:
                if not is_mfa_enabled(user):
                    messages.warning(
                        request,
                        _(
                            "Turn on two-factor sign-in before you open the admin: "
                            "it shows every case."
                        ),
                    )
                    return redirect("mfa_index")
                if not passed_two_factor(request):
                    query = urlencode({"next": request.get_full_path()})
                    return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
            return inner(request, *args, **kwargs)

        return cast(View, guarded)  # called as the view it guards
