"""Work that spans several models when a case begins or ends."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Membership, RecordItem, Role
from cases.models.items import RecordFormat, RecordKind
from cases.models.preferences import language_of
from cases.text import Text

# The article's checklist of records to gather for the second provider.
STARTER_RECORDS: list[tuple[str, Text, str]] = [
    (RecordKind.PATHOLOGY, _("Diagnosis or pathology report"), ""),
    (RecordKind.LABS, _("Lab results"), ""),
    (RecordKind.IMAGING_REPORT, _("Imaging reports"), ""),
    (
        RecordKind.IMAGES,
        _("The images themselves (MRI, X-ray, CT) on disc or USB"),
        RecordFormat.DISC,
    ),
    (RecordKind.TREATMENT_PLAN, _("Current treatment plan or summary from the first provider"), ""),
    (RecordKind.MEDICATION_LIST, _("Medication list"), ""),
]


@transaction.atomic
def create_case(*, owner: User, **fields: Any) -> Case:
    """Create a case owned by ``owner``, its second opinion with the starter checklist.

    The packet starts in the language its creator is reading (they may change it).
    """
    fields.setdefault("packet_language", language_of(translation.get_language()))
    case = Case.objects.create(created_by=owner, **fields)
    Membership.objects.create(case=case, user=owner, role=Role.OWNER)
    opinion = case.current_opinion()
    RecordItem.objects.bulk_create(
        RecordItem(opinion=opinion, kind=kind, name=str(name), format=fmt, position=i)
        for i, (kind, name, fmt) in enumerate(STARTER_RECORDS)
    )
    return case
