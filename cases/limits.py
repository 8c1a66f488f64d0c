"""How many of each thing one case may hold: every list's limit in one place.

A case is bounded so that every page, the packet and the export do a bounded amount of
work (a case with 500 records and 500 questions once took 16 s to print). The limits
are far above what a real search for a second opinion needs; bench/bounds.py prints
the largest case they allow in under 5 s. ``settings.CASE_LIMITS`` may lower or raise
any of them (a dict with the same keys).

Each check runs where the item is added, inside the transaction that adds it and after
``lock_case``, so two people adding at the same moment cannot both take the last place.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DEFAULTS: dict[str, int] = {
    "records": 40,  # per opinion: the records checklist
    "medications": 25,  # per case
    "questions": 25,  # per opinion
    "calls": 25,  # per opinion: the log of calls to the insurer
    "actions": 25,  # per opinion: follow-up actions
    "letters": 20,  # per opinion: records-request letters, one per place
    "opinions": 5,  # per case: second to fifth
    "files": 100,  # per case: documents attached to records (their bytes have a limit too)
    "members": 20,  # per case, the owner included
    "invitations": 10,  # per case, pending (sent, not yet accepted or cancelled)
}

# What each list is called in "This case has 40 records".
# What the lists hold, counted: whole ngettext calls so that the catalogue has them.
_NOUNS: dict[str, Callable[[int], str]] = {
    "records": lambda n: ngettext("record", "records", n),
    "medications": lambda n: ngettext("medicine", "medicines", n),
    "questions": lambda n: ngettext("question", "questions", n),
    "calls": lambda n: ngettext("call in the log", "calls in the log", n),
    "actions": lambda n: ngettext("follow-up action", "follow-up actions", n),
    "letters": lambda n: ngettext("letter", "letters", n),
    "opinions": lambda n: ngettext("opinion", "opinions", n),
    "files": lambda n: ngettext("attached document", "attached documents", n),
    "members": lambda n: ngettext("person with access", "people with access", n),
    "invitations": lambda n: ngettext(
        "invitation waiting for an answer", "invitations waiting for an answer", n
    ),
}


def most(name: str) -> int:
    """The limit on ``name`` (a key of DEFAULTS), with the settings' override if any."""
    return {**DEFAULTS, **getattr(settings, "CASE_LIMITS", {})}[name]


def full_message(name: str) -> str:
    """What a full list says, e.g. "This case has 40 records, the most it can hold..."."""
    limit = most(name)
    noun = _NOUNS[name](limit)
    if name == "invitations":
        return _(
            "This case has %(count)s %(noun)s, the most it can have at once. Cancel one, "
            "or wait until one is accepted, to invite someone else."
        ) % {"count": limit, "noun": noun}
    if name == "opinions":
        return _(
            "This case has %(count)s %(noun)s, the most it can hold, so another cannot be "
            "started. Choose another next step."
        ) % {"count": limit, "noun": noun}
    if name == "members":
        return _(
            "This case has %(count)s %(noun)s or invited, the most it can have. Remove "
            "someone, or cancel an invitation, to invite someone else."
        ) % {"count": limit, "noun": noun}
    return _(
        "This case has %(count)s %(noun)s, the most it can hold. Remove one to add another."
    ) % {"count": limit, "noun": noun}


class ListFull(Exception):
    """Adding would take a list past its limit; the message says so in plain words."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(full_message(name))


def lock_case(case_id: uuid.UUID) -> None:
    """Hold the case's row until the transaction ends, where the database can.

    Additions to any list of one case queue here, so a count taken after this is still
    true when the new item is written. SQLite has no row locks; its IMMEDIATE
    transactions (settings) take the write lock at the start instead.
    """
    from cases.models import Case

    list(Case.objects.select_for_update().filter(pk=case_id).values_list("pk", flat=True))


def check_room(name: str, items: models.QuerySet, *, adding: int = 1) -> None:
    """Raise ListFull if ``items`` (already counted under lock_case) has no room for more."""
    if items.count() + adding > most(name):
        raise ListFull(name)


def has_room(name: str, count: int) -> bool:
    return count < most(name)
