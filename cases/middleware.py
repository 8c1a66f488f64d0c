import time
from collections.abc import Callable
from typing import Any

import csp.middleware
from auditlog.cid import set_cid
from auditlog.context import auditlog_value
from csp import constants as csp_constants
from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import http_date


class NoStoreMiddleware:
    """Pages may show health data: never let a browser or proxy keep a copy.

    Static files are served by WhiteNoise before this runs, so they stay cacheable.
    One URL can answer with a whole page or an htmx partial, hence Vary: HX-Request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" in response or "Expires" in response or "Vary" in response:
            add_never_cache_headers(response)
            patch_vary_headers(response, ["HX-Request"])
        else:
            # What the two calls above write, without parsing the headers they would merge.
            response.headers["Expires"] = http_date(time.time() - 1)
            response.headers["Cache-Control"] = NEVER_CACHE
            response.headers["Vary"] = "HX-Request"
        return response


NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


# Powerful browser features the app never uses, denied to it and to anything it embeds:
# a script that got in anyway cannot reach the camera, the microphone or a location.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class PermissionsPolicyMiddleware:
    """Send Permissions-Policy on every response, static files included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class SecurityLogMiddleware:
    """Write refused case requests (cases/access.py) to the security log, with the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if hasattr(exception, "security_refusal"):
            from cases import security

            security.case_refused(request, exception)


# Cheaper versions of two libraries' middleware, doing the same work ----------------------


_csp_headers: dict[str, str] | None = None


@receiver(setting_changed)
def _forget_csp_headers(setting: str, **kwargs: Any) -> None:
    global _csp_headers
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _csp_headers = None


def _static_csp_headers() -> dict[str, str]:
    global _csp_headers
    if _csp_headers is None:
        headers = {}
        if policy := build_policy():
            headers[csp_constants.HEADER] = policy
        if policy := build_policy(report_only=True):
            headers[csp_constants.HEADER_REPORT_ONLY] = policy
        _csp_headers = headers
    return _csp_headers


_PER_VIEW_POLICY = tuple(
    f"_csp_{kind}{suffix}"
    for kind in ("config", "update", "replace", "exempt")
    for suffix in ("", "_ro")
)


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's middleware, with the policy built once instead of on every response.

    The app's policy is the same for every response (settings). A response that asks
    for its own (django-csp's decorators), a request that used a nonce, or settings with
    excluded paths go through django-csp's own code, unchanged.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if (
            settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in _PER_VIEW_POLICY)
            or (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get(
                "EXCLUDE_URL_PREFIXES"
            )
            or (getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or {}).get(
                "EXCLUDE_URL_PREFIXES"
            )
        ):
            return super().process_response(request, response)
        for header, policy in _static_csp_headers().items():
            response.headers.setdefault(header, policy)
        return response


# auditlog's own middleware connects a signal receiver for every request and disconnects
# it after (which also empties Django's cache of receivers); this one is connected once.
_AUDIT_CONTEXT = ("cases.middleware", "request")


class AuditActorMiddleware:
    """Names the signed-in person on the audit entries a request writes.

    Does what ``auditlog.middleware.AuditlogMiddleware`` does (the actor, the
    correlation id header, the forwarded port; never the address, see
    AUDITLOG_DISABLE_REMOTE_ADDR), but looks at the person only when an entry is written.
    Inside ``auditlog.context.set_actor`` that actor wins, as with auditlog's middleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        set_cid(request)
        token = auditlog_value.set({"signal_duid": _AUDIT_CONTEXT, "request": request})
        try:
            return self.get_response(request)
        finally:
            auditlog_value.reset(token)


def name_audit_actor(sender: Any, instance: Any, **kwargs: Any) -> None:
    """pre_save receiver for auditlog's LogEntry, connected once (cases/apps.py)."""
    try:
        context = auditlog_value.get()
    except LookupError:
        return
    if context.get("signal_duid") != _AUDIT_CONTEXT:
        return
    request = context["request"]
    user = getattr(request, "user", None)
    if instance.actor_id is None and isinstance(user, get_user_model()) and user.is_authenticated:
        instance.actor = user
        instance.actor_email = getattr(user, "email", None)
    instance.remote_addr = None
    try:
        instance.remote_port = int(request.headers.get("X-Forwarded-Port", ""))
    except ValueError:
        instance.remote_port = None
