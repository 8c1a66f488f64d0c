"""Sessions that end: signed out after a spell without activity, and after a fixed time.

HIPAA's automatic logoff: a person who walks away from a shared or unlocked computer
is signed out after ``SESSION_IDLE_TIMEOUT`` seconds (30 minutes) without a request,
and everybody is signed out ``SESSION_ABSOLUTE_TIMEOUT`` seconds (12 hours) after
signing in, however busy. Two timestamps in the session carry this: when the person
signed in (never moved by later requests or saves) and when they were last seen.

The last-seen time is written at most once a ``TOUCH_INTERVAL``, so most requests
write nothing: a person can be signed out up to that much earlier than the limit,
never later. The session store forgets a session shortly after the idle limit anyway
(``SESSION_COOKIE_AGE``), so a cookie stolen from an idle browser is useless even
without this middleware.

A person whose session ended comes back to the sign-in page with ``?signed_out=1``,
which says why. The flag and the ``next`` path carry ids at most, never health data.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, logout
from django.contrib.sessions.backends.db import SessionStore as DBSessionStore
from django.db import connections, router
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
TOUCH_INTERVAL = 60
# The warning shows this long before the idle sign-out (less on very short limits).
WARNING_SECONDS = 120
SIGNED_OUT_FLAG = "signed_out"


def now() -> float:
    return time.time()


def idle_limit() -> int:
    return settings.SESSION_IDLE_TIMEOUT


def absolute_limit() -> int:
    return settings.SESSION_ABSOLUTE_TIMEOUT


@dataclass(frozen=True)
class Deadline:
    """When a signed-in session ends, and whether activity can push that back."""

    remaining: int
    can_extend: bool

    @property
    def ended(self) -> bool:
        return self.remaining <= 0


def deadline(data: Any, at: float | None = None) -> Deadline:
    """The deadline for session data (a session or the dict of a stored one).

    A signed-in session without the timestamps (one that began before this rule
    existed, or was tampered with) has ended: it is safer to ask for the password
    once more than to give it a fresh 12 hours.
    """
    at = now() if at is None else at
    signed_in_at, seen_at = data.get(SIGNED_IN_AT), data.get(SEEN_AT)
    if not isinstance(signed_in_at, int | float) or not isinstance(seen_at, int | float):
        return Deadline(remaining=0, can_extend=False)
    idle_end = seen_at + idle_limit()
    absolute_end = signed_in_at + absolute_limit()
    end = min(idle_end, absolute_end)
    return Deadline(remaining=math.floor(end - at), can_extend=idle_end < absolute_end)


def stamp_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: the absolute limit counts from here."""
    if request is None or not hasattr(request, "session"):
        return
    at = int(now())
    request.session[SIGNED_IN_AT] = at
    request.session[SEEN_AT] = at


def touch(request: HttpRequest, *, force: bool = False) -> None:
    """Record activity, writing the session only when the last record is stale."""
    at = int(now())
    seen_at = request.session.get(SEEN_AT)
    if force or not isinstance(seen_at, int | float) or at - seen_at >= TOUCH_INTERVAL:
        request.session[SEEN_AT] = at


def warning_seconds() -> int:
    return min(WARNING_SECONDS, idle_limit() // 2)


def signed_out_url(next_path: str | None) -> str:
    params = {SIGNED_OUT_FLAG: "1"}
    if next_path:
        params = {"next": next_path, **params}
    return f"{resolve_url(settings.LOGIN_URL)}?{urlencode(params)}"


def _safe_path(request: HttpRequest, url: str | None) -> str | None:
    if not url or not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def return_path(request: HttpRequest) -> str | None:
    """Where to come back to after signing in again: the page the person was on.

    A GET names it; a form post or an htmx request was made from a page, named by the
    Referer or htmx's current-URL header (same site only).
    """
    if getattr(request, "htmx", False):
        return _safe_path(request, request.headers.get("HX-Current-URL"))
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    return _safe_path(request, request.headers.get("Referer"))


class SessionTimeoutMiddleware:
    """Ends sessions past their idle or absolute limit, and records activity.

    Goes after AuthenticationMiddleware. A session that has ended is flushed before
    the view runs, so the request carries on as anonymous: pages open to everyone
    still answer, and LoginRequiredMiddleware's redirect to the sign-in page is
    rewritten to say why (for htmx, as an HX-Redirect so the whole page changes).
    A cookie naming a session the store no longer has (ended elsewhere, or forgotten
    after the idle limit) is treated the same way.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.status_path: str | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.status_path is None:
            self.status_path = reverse("session_status")
        session = request.session
        signed_out = False
        if session.get(SESSION_KEY) is not None:
            if deadline(session).ended:
                logout(request)
                signed_out = True
            elif request.path != self.status_path:
                # Before the view, so the page it renders counts from this request.
                touch(request)
        elif request.COOKIES.get(settings.SESSION_COOKIE_NAME) and session.session_key is None:
            signed_out = True

        response = self.get_response(request)
        return self._explain(request, response) if signed_out else response

    def _explain(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        login_path = resolve_url(settings.LOGIN_URL)
        if not (
            isinstance(response, HttpResponseRedirect)
            and urlsplit(response["Location"]).path == login_path
        ):
            return response
        url = signed_out_url(return_path(request))
        if getattr(request, "htmx", False):
            redirect = HttpResponse(status=204)
            redirect["HX-Redirect"] = url
            return redirect
        response["Location"] = url
        return response


def in_words(seconds: int) -> str:
    """A duration as people say it: "30 minutes", "12 hours", "1 hour and 30 minutes"."""
    hours, minutes = divmod(max(60, seconds) // 60, 60)
    hours_text = ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minutes_text = ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    if hours and minutes:
        return _("%(hours)s and %(minutes)s") % {"hours": hours_text, "minutes": minutes_text}
    return hours_text if hours else minutes_text


def _warning_context(request: HttpRequest) -> dict[str, Any]:
    session = getattr(request, "session", None)
    if session is None or session.get(SESSION_KEY) is None:
        return {}
    return {
        "remaining": max(0, deadline(session).remaining),
        "warning": warning_seconds(),
        "status_url": reverse("session_status"),
        "signed_out_url": signed_out_url(return_path(request)),
    }


def _limits() -> dict[str, str]:
    return {"idle": in_words(idle_limit()), "absolute": in_words(absolute_limit())}


def session_timeout(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the limits in words, and what the idle warning in app.js needs.

    Lazy: htmx partials, which never show the warning, pay nothing for it.
    """
    return {
        "session_limits": SimpleLazyObject(_limits),
        "session_timeout": SimpleLazyObject(lambda: _warning_context(request)),
    }


# The store ----------------------------------------------------------------------------


RENAMED_BACKENDS = {
    "django.contrib.auth.backends.ModelBackend": "cases.auth.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend": "cases.auth.AuthenticationBackend",
}


class SessionStore(DBSessionStore):
    """Django's database sessions, read with one plain query.

    Every request reads its session, so the ORM's work of building the query (more
    than the query itself on a small page) is done once here, as SQL. The same row is
    read: an unknown or expired key finds nothing and starts an empty session.
    """

    def load(self) -> dict[str, Any]:
        data = super().load()
        # Sessions from before cases/auth.py name the backends it replaced: same people.
        if (backend := data.get(BACKEND_SESSION_KEY)) in RENAMED_BACKENDS:
            data[BACKEND_SESSION_KEY] = RENAMED_BACKENDS[backend]
        return data

    def _get_session_from_db(self) -> Any:
        model = self.model
        connection = connections[router.db_for_read(model)]
        quote = connection.ops.quote_name
        # Names from the model, quoted; the values are parameters.
        table = quote(model._meta.db_table)
        sql = f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s"  # noqa: S608
        expired_before = connection.ops.adapt_datetimefield_value(dt.datetime.now(tz=dt.UTC))
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, expired_before])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=self.session_key or "", session_data=row[0])


# Signed-in devices -------------------------------------------------------------------

_BROWSERS = [
    ("Edge", r"Edg(?:e|A|iOS)?/"),
    ("Samsung Internet", r"SamsungBrowser/"),
    ("Opera", r"OPR/|Opera"),
    ("Firefox", r"Firefox/|FxiOS/"),
    ("Chrome", r"Chrome/|CriOS/|Chromium/"),
    ("Safari", r"Safari/"),
]
_SYSTEMS = [
    (gettext_lazy("an iPhone"), r"iPhone"),
    (gettext_lazy("an iPad"), r"iPad"),
    ("Android", r"Android"),
    ("ChromeOS", r"CrOS"),
    ("Windows", r"Windows"),
    (gettext_lazy("a Mac"), r"Macintosh|Mac OS X"),
    ("Linux", r"Linux"),
]


def describe_device(user_agent: str) -> str:
    """A browser's User-Agent in plain words: "Firefox on Windows"."""
    browser = next((name for name, rx in _BROWSERS if re.search(rx, user_agent)), None)
    system = next((name for name, rx in _SYSTEMS if re.search(rx, user_agent)), None)
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    if browser:
        return browser
    if system:
        return _("A browser on %(system)s") % {"system": system}
    return _("An unknown browser")


@dataclass(frozen=True)
class SignedInDevice:
    session: Any  # allauth.usersessions.models.UserSession
    device: str
    signed_in_at: dt.datetime
    seen_at: dt.datetime
    current: bool


def _stored_sessions(keys: list[str]) -> dict[str, dict[str, Any]]:
    """The data of each live session among ``keys``, in one query on the database store."""
    from django.contrib.sessions.backends.db import SessionStore as DBStore

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if issubclass(store_class, DBStore):
        rows = store_class.get_model_class().objects.filter(
            session_key__in=keys, expire_date__gt=dt.datetime.now(tz=dt.UTC)
        )
        return {row.session_key: store_class().decode(row.session_data) for row in rows}
    return {key: store_class(key).load() for key in keys}


def signed_in_devices(request: HttpRequest) -> list[SignedInDevice]:
    """This person's live sessions, this one first; ended ones are cleared away.

    allauth.usersessions records each sign-in; only the session store knows whether a
    session is still live and when it was last used, so all are read at once.
    """
    from allauth.usersessions.adapter import get_adapter
    from allauth.usersessions.models import UserSession

    current_key = request.session.session_key
    if not UserSession.objects.filter(session_key=current_key).exists():
        # Sessions that began before sign-ins were recorded have no record yet.
        UserSession.objects.create_from_request(request)
    records = list(UserSession.objects.filter(user_id=request.user.pk))
    stored = _stored_sessions([r.session_key for r in records])
    at = now()
    devices, ended = [], []
    for record in records:
        data = stored.get(record.session_key, {})
        if str(data.get(SESSION_KEY)) != str(request.user.pk) or deadline(data, at).ended:
            ended.append(record)
            continue
        devices.append(
            SignedInDevice(
                session=record,
                device=describe_device(record.user_agent),
                signed_in_at=dt.datetime.fromtimestamp(data[SIGNED_IN_AT], tz=dt.UTC),
                seen_at=dt.datetime.fromtimestamp(data[SEEN_AT], tz=dt.UTC),
                current=record.session_key == current_key,
            )
        )
    if ended:
        get_adapter().end_sessions(ended)
    devices.sort(key=lambda d: (not d.current, -d.seen_at.timestamp()))
    return devices
