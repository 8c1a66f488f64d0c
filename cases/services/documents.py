"""The case's printed documents (the packet, the decision summary): cached, and made by
the task worker under a time cap, so no page ever waits behind a PDF.

Why the cache key is a hash of the document's HTML rather than a version counter: the
HTML is the PDF's only input, so anything that changes the printout (a field of the
case or its opinion, an item added, reordered or removed, a member's authority, a
name, the member ID masked for viewers, today's date, the paper, the language) changes
the key by construction. No signal has to remember every model and every
``QuerySet.update()``; building the HTML costs a few queries and a template render,
far below the PDF itself. A page worker that built it for the same revision of the case
(cases/revisions.py) keeps the hash and skips even that (``known_source``).

The flow: a download builds the HTML and looks in the cache. On a miss it enqueues
``render_document`` (once per person and document: a marker in the cache says one is
on its way) and answers with a "being prepared" page; the worker rebuilds the same HTML
from the database, renders it in a child process that is killed after
``PDF_RENDER_TIMEOUT`` seconds, and caches the PDF, or a failure that the page then
explains in plain words. Task arguments are ids and codes, never health data.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from django.conf import settings
from django.core.cache import cache, caches
from django.template.loader import render_to_string
from django.utils import translation

from cases import fragments
from cases.models import Case, Membership
from cases.models.preferences import packet_language

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

PACKET = "packet"
SUMMARY = "summary"
KINDS = (PACKET, SUMMARY)
Kind = Literal["packet", "summary"]


class RenderTimedOut(Exception):
    """The PDF took longer than ``PDF_RENDER_TIMEOUT`` seconds; its process was killed."""


class RenderFailed(Exception):
    """The PDF could not be made (the child process died or raised)."""


# Rendering under a time cap -----------------------------------------------------------

_warm = False


def _warm_up() -> None:
    """Render a tiny PDF once in this process, so each forked child starts with
    WeasyPrint's fonts and styles loaded instead of loading them again every time."""
    global _warm
    if not _warm:
        from cases.pdf import render_pdf

        render_pdf("<!doctype html><html lang=en><title>.</title><p>.</p></html>")
        _warm = True


def _render_into(html: str, sender: Connection) -> None:
    from cases.pdf import render_pdf

    try:
        sender.send_bytes(b"P" + render_pdf(html))
    except BaseException as exc:  # the parent reports it; the child only exits
        sender.send_bytes(b"E" + f"{type(exc).__name__}: {exc}".encode()[:2000])


def render_capped(html: str, seconds: float | None = None) -> bytes:
    """``cases.pdf.render_pdf(html)`` in a child process, killed after ``seconds``.

    A thread cannot be stopped, and a PDF stuck for minutes would hold the worker (or
    a page worker) until the server kills it: a child process can be killed on time.
    It is forked, so it starts in milliseconds; it touches no database connection and
    leaves with ``os._exit`` (multiprocessing's fork does), so the parent's connections
    are not disturbed.
    """
    seconds = settings.PDF_RENDER_TIMEOUT if seconds is None else seconds
    _warm_up()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_render_into, args=(html, sender), name="pdf-render")
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise RenderTimedOut(f"the PDF took longer than {seconds} seconds")
        data = receiver.recv_bytes()
    except EOFError as exc:
        raise RenderFailed("the PDF process ended without a result") from exc
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    if data[:1] != b"P":
        raise RenderFailed(data[1:].decode(errors="replace"))
    return data[1:]


# What each document shows ---------------------------------------------------------------


@dataclass
class Source:
    """A document as HTML, and the name its file gets (no health data in it)."""

    kind: str
    html: str
    file_name: str
    paper: str
    language: str
    digest: str = ""  # of ``html``; given instead of it when the page knew it (known_source)

    def __post_init__(self) -> None:
        if not self.digest:
            self.digest = hashlib.sha256(self.html.encode()).hexdigest()

    @property
    def key(self) -> str:
        return f"pdf:{self.kind}:{self.paper}:{self.language}:{self.digest}"


def source(kind: str, case: Case, user: User, *, paper: str) -> Source:
    """The HTML of ``kind`` for ``case`` as ``user`` prints it (``case.membership`` set).

    The web request and the worker both build it here, without the request, so that
    the two agree on the cache key. It is written in the case's packet language, the
    specialist's, whatever the reader's.
    """
    language = packet_language(case)
    with translation.override(language):
        if kind == PACKET:
            from cases.services.packet import build_packet

            packet = build_packet(case, user, paper=paper)  # type: ignore[arg-type]
            page = render_to_string("cases/packet/document.html", {"packet": packet})
            return Source(kind, page, packet.file_name, paper, language)
        if kind == SUMMARY:
            from cases.services.summary import decision_summary_html

            html, day = decision_summary_html(case, paper=paper)
            return Source(kind, html, f"decision-summary-{day}.pdf", paper, language)
    raise ValueError(f"unknown document {kind!r}")


def known_source(kind: str, case: Case, user: User, *, paper: str) -> Source:
    """The document's key and file name, without its HTML when this process built the
    same document for this revision of the case before (cases/revisions.py: the
    revision changes with everything the HTML shows; the reader, the day and the time
    zone are in the key too). A download of an unchanged packet then costs a cache
    look instead of building the whole packet to hash it, so people downloading
    packets do not slow everyone else's pages."""
    pages = caches[fragments.CACHE]
    key = fragments.key(user.pk, case, f"pdf-source:{kind}:{paper}")
    if known := pages.get(key):
        digest, file_name, language = known
        return Source(kind, "", file_name, paper, language, digest=digest)
    built = source(kind, case, user, paper=paper)
    pages.set(key, (built.digest, built.file_name, built.language))
    return built


# The cache ------------------------------------------------------------------------------


@dataclass
class Ticket:
    """Where a document stands for one person: ready (``pdf``), failed, or on its way."""

    source: Source
    pdf: bytes | None = None
    failure: str = ""  # "timeout" or "failed"
    pending: bool = False

    @property
    def ready(self) -> bool:
        return self.pdf is not None

    @property
    def data(self) -> bytes:
        """The PDF of a ready ticket."""
        assert self.pdf is not None, "only a ready ticket has its file"
        return self.pdf

    @property
    def file_name(self) -> str:
        return self.source.file_name


def _pending_key(kind: str, case_id: object, user_id: object, paper: str, language: str) -> str:
    return f"pdf-pending:{kind}:{case_id}:{user_id}:{paper}:{language}"


def _look(ticket: Ticket) -> Ticket:
    entry = cache.get(ticket.source.key)
    if isinstance(entry, dict):
        ticket.pdf = entry.get("pdf")
        ticket.failure = entry.get("failure", "")
    return ticket


def status(kind: str, case: Case, user: User, *, paper: str) -> Ticket:
    """Look without asking for anything to be made."""
    ticket = _look(Ticket(known_source(kind, case, user, paper=paper)))
    if not ticket.ready and not ticket.failure:
        s = ticket.source
        ticket.pending = bool(cache.get(_pending_key(kind, case.pk, user.pk, paper, s.language)))
    return ticket


def prepare(kind: str, case: Case, user: User, *, paper: str) -> Ticket:
    """The document if it is cached; otherwise ask the worker for it (once).

    With the immediate task backend (the test suite) the worker's work is done by the
    time ``enqueue`` returns, so the second look finds the PDF.
    """
    ticket = status(kind, case, user, paper=paper)
    if ticket.ready or ticket.failure:
        return ticket
    s = ticket.source
    pending_key = _pending_key(kind, case.pk, user.pk, paper, s.language)
    # The marker expires a minute after the time cap, so a lost task is asked for again.
    if cache.add(pending_key, 1, timeout=settings.PDF_RENDER_TIMEOUT + 60):
        from cases.background import enqueue_on_commit
        from cases.background.tasks import render_document

        enqueue_on_commit(render_document, kind, str(case.pk), user.pk, paper, s.language)
        ticket = status(kind, case, user, paper=paper)
    ticket.pending = ticket.pending or not (ticket.ready or ticket.failure)
    return ticket


def _index_key(case_id: object) -> str:
    return f"pdf-index:{case_id}"


def _remember(case_id: object, key: str) -> None:
    """List the key under the case, so that erasing the case removes its PDFs at once
    (``forget``) instead of leaving them to expire. Two workers adding at the same
    moment can drop one entry; that PDF then goes at its expiry, PDF_CACHE_SECONDS."""
    index = _index_key(case_id)
    keys = [k for k in cache.get(index, []) if k != key][-50:]
    cache.set(index, [*keys, key], settings.PDF_CACHE_SECONDS)


def forget(case_id: object) -> None:
    """Remove every cached PDF of the case (cases.services.erasure.erase_case)."""
    index = _index_key(case_id)
    cache.delete_many([*cache.get(index, []), index])


def store(source: Source, case_id: object) -> bytes:
    """Render ``source`` under the time cap and cache the PDF, or the failure."""
    try:
        pdf = render_capped(source.html)
    except RenderTimedOut:
        cache.set(source.key, {"failure": "timeout"}, settings.PDF_FAILED_SECONDS)
        raise
    except Exception:
        cache.set(source.key, {"failure": "failed"}, settings.PDF_FAILED_SECONDS)
        raise
    cache.set(source.key, {"pdf": pdf}, settings.PDF_CACHE_SECONDS)
    _remember(case_id, source.key)
    return pdf


def render_for(kind: str, case_id: str, user_id: int, paper: str, language: str) -> str:
    """The worker's side: make the document as that member sees it now, and cache it."""
    try:
        with translation.override(language):
            membership = (
                Membership.objects.select_related("case", "user")
                .filter(case_id=case_id, user_id=user_id)
                .first()
            )
            if membership is None:  # the case was deleted, or the person left it
                return "gone"
            case = membership.case
            case.membership = membership
            store(source(kind, case, membership.user, paper=paper), case.pk)
            return "ready"
    finally:
        cache.delete(_pending_key(kind, case_id, user_id, paper, language))


def cached_or_render(kind: str, case: Case, user: User, *, paper: str) -> bytes:
    """The PDF now, for work already off the page path or already time-budgeted (the
    export): from the cache, else rendered here under the time cap and cached."""
    ticket = status(kind, case, user, paper=paper)
    if ticket.pdf is not None:
        return ticket.pdf
    if ticket.failure == "timeout":
        raise RenderTimedOut("this document took too long to prepare a moment ago")
    return store(source(kind, case, user, paper=paper), case.pk)
