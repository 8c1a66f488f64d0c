"""Records-request letters: which places the records come from, and what each letter says.

The letter is written from the checklist each time it is shown, so it always names the
records as they stand; the row (cases/models/letters.py) only holds the place and when
and how the letter was sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Membership, Opinion, RecordItem, RecordRequest
from cases.models.items import RecordFormat, RecordKind, RecordStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import User
from cases.models.letters import EXTENSION_DAYS, MAX_LETTERS, RESPONSE_DAYS, Clock, source_key
from cases.models.sharing import AuthorityKind
from cases.services.sharing import display_name

# Images come on a disc (or USB stick); everything else is asked for as an electronic copy.
DISC_KINDS = {RecordKind.IMAGES}
DISC_FORMATS = {RecordFormat.DISC, RecordFormat.USB}


@dataclass
class Source:
    """One place records come from, its records on the checklist and its letter, if any."""

    name: str
    records: list[RecordItem] = field(default_factory=list)
    letter: RecordRequest | None = None
    clock: Clock | None = None

    @property
    def outstanding(self) -> list[RecordItem]:
        return [r for r in self.records if not r.is_ready]


def sources(records: Iterable[RecordItem], letters: Iterable[RecordRequest]) -> list[Source]:
    """The checklist grouped by where each record comes from, in checklist order.

    Records with no place given cannot be asked for in a letter and are left out.
    """
    by_key: dict[str, Source] = {}
    for record in records:
        key = source_key(record.source)
        if not key:
            continue
        by_key.setdefault(key, Source(name=" ".join(record.source.split()))).records.append(record)
    for letter in letters:
        if (found := by_key.get(source_key(letter.source))) is not None:
            found.letter = letter
    return list(by_key.values())


def running_clocks(
    records: Sequence[RecordItem], letters: Sequence[RecordRequest], today: dt.date
) -> list[Source]:
    """Places written to whose records have not all arrived: the clocks that still matter."""
    out = []
    for source in sources(records, letters):
        source.clock = source.letter.clock(today) if source.letter else None
        if source.clock and source.outstanding:
            out.append(source)
    return out


def decorate_records(entries: Sequence[Any]) -> dict[str, Any]:
    """The records list's letters: one per place, and each waiting record's clock.

    One query, however many records (the list's ``decorate`` hook calls it).
    """
    if not entries:
        return {"letter_sources": [], "letters_full": False}
    records = [e.obj for e in entries]
    letters = list(RecordRequest.objects.filter(opinion_id=records[0].opinion_id))
    today = timezone.localdate()
    found = sources(records, letters)
    clocks = {}
    for source in found:
        source.clock = source.letter.clock(today) if source.letter else None
        for record in source.outstanding:
            clocks[record.pk] = source.clock
    for entry in entries:
        if clock := clocks.get(entry.obj.pk):
            entry.extra["letter_clock"] = clock
    return {"letter_sources": found, "letters_full": len(letters) >= MAX_LETTERS}


def wants_disc(record: RecordItem) -> bool:
    return record.kind in DISC_KINDS or record.format in DISC_FORMATS


class LetterRefused(forms.ValidationError):
    pass


def start_letter(opinion: Opinion, source_name: str) -> RecordRequest:
    """The letter to ``source_name`` (one of this opinion's places), written once."""
    key = source_key(source_name)
    records = list(opinion.records.all())
    matching = [r for r in records if key and source_key(r.source) == key]
    if not matching:
        raise LetterRefused(
            _("That place is no longer on the checklist. Choose one from the list.")
        )
    name = " ".join(matching[0].source.split())
    with transaction.atomic():
        # Holding the opinion row makes two clicks at once write one letter, not two.
        Opinion.objects.select_for_update().filter(pk=opinion.pk).first()
        letters = list(opinion.letters.all())
        for letter in letters:
            if source_key(letter.source) == key:
                return letter
        if len(letters) >= MAX_LETTERS:
            raise LetterRefused(
                _(
                    "A case can hold up to %(limit)d letters. "
                    "Use one you have already written for this place."
                )
                % {"limit": MAX_LETTERS}
            )
        return RecordRequest.objects.create(opinion=opinion, source=name)


def mark_sent(letter: RecordRequest, sent_on: dt.date, sent_how: str) -> RecordRequest:
    """Start the clock; records still marked "needed" at that place become "requested".

    Saved row by row with ``update_fields`` (not a queryset update) so that the
    activity trail records each change.
    """
    key = source_key(letter.source)
    with transaction.atomic():
        letter.sent_on, letter.sent_how = sent_on, sent_how
        letter.save(update_fields=["sent_on", "sent_how"])
        needed = RecordItem.objects.select_for_update().filter(
            opinion_id=letter.opinion_id, status=RecordStatus.NEEDED
        )
        for record in needed:
            if source_key(record.source) == key:
                record.status, record.requested_on = RecordStatus.REQUESTED, sent_on
                record.save(update_fields=["status", "requested_on"])
    return letter


@dataclass
class Letter:
    """Everything the letter says, for the PDF, the copyable text and the page."""

    case: Case
    request: RecordRequest
    source: Source
    dated: dt.date
    sender_name: str
    authority: str  # the authority on file when a caregiver sends it, else ""
    authority_expires: dt.date | None

    @property
    def deadline(self) -> dt.date:
        return self.dated + dt.timedelta(days=RESPONSE_DAYS)

    @property
    def extension_days(self) -> int:
        return EXTENSION_DAYS

    @property
    def response_days(self) -> int:
        return RESPONSE_DAYS

    @property
    def by_caregiver(self) -> bool:
        return bool(self.authority)

    @property
    def items(self) -> list[tuple[RecordItem, str]]:
        return [
            (r, _("on a disc (CD or DVD)") if wants_disc(r) else _("as an electronic copy"))
            for r in self.source.records
        ]

    @property
    def wants_any_disc(self) -> bool:
        return any(wants_disc(r) for r in self.source.records)

    @property
    def how_to_send(self) -> str:
        """How the copies should travel, for the records this letter asks for."""
        disc = self.wants_any_disc
        electronic = any(not wants_disc(r) for r in self.source.records)
        if disc and not electronic:
            return _("Please send the images on a disc (CD or DVD).")
        if disc:
            return _(
                "Please send electronic copies by secure email or through the patient portal, "
                "and the images on a disc (CD or DVD)."
            )
        return _("Please send electronic copies by secure email or through the patient portal.")

    @property
    def file_name(self) -> str:
        # The place and the patient are health data: the name says only what it is.
        return f"records-request-{self.request.pk}.pdf"


def build_letter(
    case: Case, letter: RecordRequest, user: User, today: dt.date | None = None
) -> Letter:
    """The letter as ``user`` would send it: in the patient's words, or a caregiver's with
    the authority they have on file."""
    today = today or timezone.localdate()
    opinion = letter.opinion
    records = list(RecordItem.objects.filter(opinion=opinion))
    found = next(
        (s for s in sources(records, [letter]) if s.letter is not None),
        Source(name=letter.source, letter=letter),
    )
    membership = getattr(case, "membership", None)  # set by get_case
    if membership is None or membership.user_id != user.pk:
        membership = Membership.objects.filter(case=case, user=user).first()
    authority = ""
    expires = None
    if membership and membership.authority_kind and membership.authority_kind != AuthorityKind.NONE:
        authority = str(AuthorityKind(membership.authority_kind).label)
        expires = membership.authority_expires
    sender = display_name(user) if authority else case.patient_name
    return Letter(
        case=case,
        request=letter,
        source=found,
        dated=letter.sent_on or today,
        sender_name=sender,
        authority=authority,
        authority_expires=expires,
    )
