"""Work on the lists: adding in order, moving, and a record's status.

Lists are kept in the order people put them in (questions by priority, medications as
the doctor will read them). Positions are renumbered 0..n-1 on every move so that items
created with the same position (seeded, imported, added concurrently) still move
predictably.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal, TypeGuard, TypeVar

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import limits, revisions
from cases.models import Medication, Question, RecordItem
from cases.models.items import RecordStatus

Direction = Literal["up", "down"]
# The items a person keeps in their own order.
Positioned = TypeVar("Positioned", RecordItem, Medication, Question)


def is_direction(value: object) -> TypeGuard[Direction]:
    return value in ("up", "down")


# Questions patients are advised to ask a second doctor (see the domain brief).
SUGGESTED_QUESTIONS = [
    _("Do you agree with the diagnosis?"),
    _("Why does your recommendation differ?"),
    _("What are the options, including less invasive ones and clinical trials?"),
    _("What if I wait or do nothing?"),
    _("How urgent is it?"),
    _("How many people with this condition have you treated?"),
    _("What will it cost?"),
    _("What happens next?"),
]


def _same_text(text: str) -> str:
    return " ".join(text.split()).casefold()


def unused_suggestions(texts: list[str]) -> list[str]:
    """The suggested questions, in the reader's language, not already on a list holding
    ``texts``."""
    asked = {_same_text(t) for t in texts}
    suggestions = [str(q) for q in SUGGESTED_QUESTIONS]
    return [q for q in suggestions if _same_text(q) not in asked]


# Moving a record to one of these statuses stamps today's date on the matching field.
STATUS_DATE_FIELD: dict[str, str] = {
    RecordStatus.REQUESTED: "requested_on",
    RecordStatus.RECEIVED: "received_on",
    RecordStatus.SENT: "sent_on",
}


def next_position(siblings: models.QuerySet) -> int:
    """The position that puts a new item at the end of its list."""
    highest = siblings.aggregate(top=Max("position"))["top"]
    return 0 if highest is None else highest + 1


def append(item: Positioned, siblings: models.QuerySet) -> Positioned:
    """Save a new ``item`` (its owner already set) at the end of ``siblings``."""
    item.position = next_position(siblings)
    item.save()
    return item


@transaction.atomic
def save_within(
    item: models.Model, siblings: models.QuerySet, *, case_id: uuid.UUID, limit: str
) -> models.Model:
    """Save a new ``item`` of a list kept in date order (calls, follow-up actions), unless
    the list already holds its limit (then ListFull, nothing saved). Counted under the
    case's lock, like ``append_within``."""
    limits.lock_case(case_id)
    limits.check_room(limit, siblings)
    item.save()
    return item


@transaction.atomic
def append_within(
    item: Positioned, siblings: models.QuerySet, *, case_id: uuid.UUID, limit: str | None
) -> Positioned:
    """``append``, unless the list already holds its limit (then ListFull, nothing saved).

    The count is taken under the case's lock, so two people adding the last item at the
    same moment cannot both succeed.
    """
    if limit is not None:
        limits.lock_case(case_id)
        limits.check_room(limit, siblings)
    return append(item, siblings)


@transaction.atomic
def move(item: Positioned, siblings: models.QuerySet, direction: Direction) -> bool:
    """Swap ``item`` with its neighbour in ``siblings``; False if it is already at that end."""
    ids = list(siblings.select_for_update().order_by("position", "id").values_list("id", flat=True))
    index = ids.index(item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ids):
        return False
    ids[index], ids[other] = ids[other], ids[index]
    model = type(item)
    model._default_manager.bulk_update(
        [model(pk=pk, position=i) for i, pk in enumerate(ids)], ["position"]
    )
    revisions.changed(item)  # bulk_update sends no signal
    item.position = other
    return True


def set_record_status(record: RecordItem, status: str, today: dt.date | None = None) -> None:
    """Change a record's status, filling the matching date with today if it is empty."""
    today = today or timezone.localdate()
    record.status = status
    changed = ["status"]
    date_field = STATUS_DATE_FIELD.get(status)
    if date_field and getattr(record, date_field) is None:
        setattr(record, date_field, today)
        changed.append(date_field)
    record.save(update_fields=changed)


class StatusChangedMeanwhile(Exception):
    """Someone else changed a record's status since this person saw it."""

    def __init__(self, record: RecordItem) -> None:
        self.record = record
        super().__init__(
            _(
                "Someone else marked this ‘%(status)s’ while you were looking. "
                "Check the status shown, then choose again."
            )
            % {"status": record.get_status_display().lower()}
        )


@transaction.atomic
def change_record_status(record: RecordItem, status: str, *, was: str = "") -> RecordItem:
    """Change a record's status in place, unless someone else changed it meanwhile.

    ``was`` is the status this person saw (empty: not known, no check). If the record
    now has another status, neither ``was`` nor the one chosen, their change is not
    silently overwritten: StatusChangedMeanwhile is raised and nothing is saved.
    Returns the record as saved.
    """
    current = RecordItem.objects.select_for_update().get(pk=record.pk)
    if was and current.status not in (was, status):
        raise StatusChangedMeanwhile(current)
    set_record_status(current, status)
    return current
