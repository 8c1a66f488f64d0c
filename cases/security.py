"""The security log: what an operator reviews after an attack or a complaint.

Events go to the ``secondopinion.security`` logger as JSON lines (settings.LOGGING):
sign-ins and failures, two-factor failures, password and two-factor changes, refused
case requests, invitations sent and rate limits reached. Each line names the account
by id, the network by a keyed hash of its address, and the path without its query
or the secrets some paths hold.
Never health data: no names, no diagnosis, no email addresses; a case appears only as
its random id.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import signals as auth_signals
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import Resolver404, resolve

if TYPE_CHECKING:
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.models import User

logger = logging.getLogger("secondopinion.security")


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as the rate limits see it (ALLAUTH_TRUSTED_PROXY_COUNT)."""
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return None


def ip_hash(ip: str | None) -> str | None:
    """Stable within a deployment, so attempts from one network line up, yet the log
    alone does not give the address away (keyed with SECRET_KEY)."""
    if not ip:
        return None
    key = f"security-log-ip:{settings.SECRET_KEY}".encode()
    return hmac.new(key, ip.encode(), hashlib.sha256).hexdigest()[:16]


def loggable_path(request: HttpRequest) -> str:
    """The path without its query, and without secrets some paths carry (a password
    reset key, an invitation token): string URL arguments become ``<name>``."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(path)
        except Resolver404:
            return path
    for name, value in match.kwargs.items():
        if isinstance(value, str) and len(value) >= 8:
            path = path.replace(value, f"<{name}>")
    return path


def log_event(
    event: str,
    request: HttpRequest | None = None,
    *,
    user: Any = None,
    level: int = logging.INFO,
    **fields: Any,
) -> None:
    """Write one event. ``fields`` must hold ids and codes only, never what people typed."""
    if user is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            user = request_user
    entry: dict[str, Any] = {"user": getattr(user, "pk", user)}
    if request is not None:
        entry.update(
            {
                "ip": ip_hash(client_ip(request)),
                "method": request.method,
                "path": loggable_path(request),
            }
        )
    entry.update(fields)
    logger.log(level, event, extra={"fields": entry})


# Sign-in -------------------------------------------------------------------------------


def _on_login(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
    log_event("login", request, user=user)


def _on_logout(sender: object, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        log_event("logout", request, user=user)


def _on_login_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The address typed is not logged (it may be someone's mistyped other address):
    # the account's id is, when there is one, so attacks on one account show up.
    typed = credentials.get("email") or credentials.get("username") or ""
    user_id = None
    if typed:
        user_id = (
            get_user_model()
            .objects.filter(email__iexact=typed)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
    log_event("login_failed", request, user=user_id, level=logging.WARNING)


def _on_mfa_failed(
    sender: object, request: HttpRequest, user: User, authenticator: Authenticator, **kwargs: Any
) -> None:
    log_event(
        "mfa_failed",
        request,
        user=user,
        level=logging.WARNING,
        authenticator=authenticator.type,
        reauthentication=bool(kwargs.get("reauthentication")),
    )


# Changes to how an account signs in ----------------------------------------------------


def _account_change(event: str) -> Callable[..., None]:
    def receiver(sender: object, request: HttpRequest, user: User, **kwargs: Any) -> None:
        log_event(event, request, user=user)

    return receiver


def _mfa_change(event: str) -> Callable[..., None]:
    def receiver(
        sender: object,
        request: HttpRequest,
        user: User,
        authenticator: Authenticator,
        **kwargs: Any,
    ) -> None:
        log_event(event, request, user=user, authenticator=authenticator.type)

    return receiver


# Refused case requests and rate limits -------------------------------------------------


def case_refused(request: HttpRequest, exception: Exception) -> None:
    """A 404 or 403 raised by cases/access.py: strangers probing ids, roles overstepped."""
    refusal = exception.security_refusal  # type: ignore[attr-defined]
    log_event("case_refused", request, level=logging.WARNING, **refusal)


def rate_limited(request: HttpRequest, limit: str) -> None:
    log_event("rate_limited", request, level=logging.WARNING, limit=limit)


def connect() -> None:
    auth_signals.user_logged_in.connect(_on_login, dispatch_uid="security_login")
    auth_signals.user_logged_out.connect(_on_logout, dispatch_uid="security_logout")
    auth_signals.user_login_failed.connect(_on_login_failed, dispatch_uid="security_failed")
    mfa_signals.authentication_failed.connect(_on_mfa_failed, dispatch_uid="security_mfa")
    for signal, event in (
        (account_signals.password_changed, "password_changed"),
        (account_signals.password_set, "password_set"),
        (account_signals.password_reset, "password_reset"),
    ):
        signal.connect(_account_change(event), dispatch_uid=f"security_{event}", weak=False)
    for signal, event in (
        (mfa_signals.authenticator_added, "mfa_added"),
        (mfa_signals.authenticator_removed, "mfa_removed"),
        (mfa_signals.authenticator_reset, "mfa_reset"),
    ):
        signal.connect(_mfa_change(event), dispatch_uid=f"security_{event}", weak=False)
