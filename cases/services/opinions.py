"""Starting a further opinion after deciding to seek one."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cases import limits, revisions
from cases.models import Opinion, Question, RecordItem
from cases.models.items import RecordStatus

SEND_AGAIN_NOTE = _("Send again to the new specialist.")


@transaction.atomic
def start_next_opinion(opinion: Opinion) -> Opinion:
    """The opinion that follows ``opinion``, created once however often this is called.

    The case and its medications carry over as they are. Records and questions are
    copied: records already in hand stay received but must be sent to the new
    specialist; questions come without the last specialist's answers. Steps 2 to 4
    (insurance, referral, appointment) start empty, because they belong to the new
    provider.
    """
    # Lock the deciding opinion so two submissions at once queue here, and the second
    # one finds the opinion the first created.
    Opinion.objects.select_for_update().get(pk=opinion.pk)
    existing = Opinion.objects.filter(case_id=opinion.case_id, number=opinion.number + 1).first()
    if existing is not None:
        return existing
    # Every list of the case is bounded, the opinions too (ListFull: nothing is saved).
    limits.lock_case(opinion.case_id)
    limits.check_room("opinions", Opinion.objects.filter(case_id=opinion.case_id))
    new = Opinion.objects.create(
        case_id=opinion.case_id, number=opinion.number + 1, key_question=opinion.key_question
    )
    # The copies keep to the new opinion's limits, should those have been lowered since.
    records = opinion.records.order_by("position", "id")[: limits.most("records")]
    RecordItem.objects.bulk_create(_copy_record(record, new) for record in records)
    questions = opinion.questions.order_by("position", "id")[: limits.most("questions")]
    Question.objects.bulk_create(
        Question(opinion=new, text=q.text, position=q.position) for q in questions
    )
    revisions.changed(new)  # bulk_create sends no signal
    return new


def _copy_record(record: RecordItem, new: Opinion) -> RecordItem:
    copy = RecordItem(
        opinion=new,
        kind=record.kind,
        name=record.name,
        status=record.status,
        source=record.source,
        format=record.format,
        requested_on=record.requested_on,
        received_on=record.received_on,
        notes=record.notes,
        position=record.position,
    )
    if record.status in (RecordStatus.RECEIVED, RecordStatus.SENT):
        # In hand, but the new specialist has not got them yet.
        copy.status = RecordStatus.RECEIVED
        copy.sent_on = None
        # Within the notes' maximum: the reminder always fits.
        room = (RecordItem._meta.get_field("notes").max_length or 0) - len(SEND_AGAIN_NOTE) - 1
        copy.notes = f"{record.notes[:room]}\n{SEND_AGAIN_NOTE}".strip()
    return copy
