"""What to bring to the appointment: the article's list, each item ready or missing."""

from __future__ import annotations

from collections.abc import Sequence, Sized
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.models.items import RecordFormat, RecordItem, RecordKind


@dataclass(frozen=True)
class BringItem:
    label: str
    ready: bool | None  # None: nothing in the data can tell (a notebook)
    detail: str
    url_name: str = ""
    link_text: str = ""


PLAN_KINDS = {RecordKind.TREATMENT_PLAN}
IMAGE_KINDS = {RecordKind.IMAGES}
# The medication list is brought from the medications page, not as a record.
NOT_RECORDS = PLAN_KINDS | IMAGE_KINDS | {RecordKind.MEDICATION_LIST}


# Records a person adds with a disc or USB format are imaging too, whatever their kind.
IMAGE_FORMATS = {RecordFormat.DISC, RecordFormat.USB}


def is_imaging(record: RecordItem) -> bool:
    return record.kind in IMAGE_KINDS or record.format in IMAGE_FORMATS


def _records_item(
    label: str, items: Sequence[RecordItem], empty: str, add: str, can_edit: bool
) -> BringItem:
    if not items:
        link = add if can_edit else _("See the records list")
        return BringItem(label, False, empty, "records", link)
    missing = [r.name for r in items if not r.is_ready]
    if not missing:
        return BringItem(label, True, _("Ready."))
    ready = len(items) - len(missing)
    return BringItem(
        label,
        False,
        _("%(ready)d of %(count)d ready. Still missing: %(missing)s.")
        % {"ready": ready, "count": len(items), "missing": ", ".join(missing)},
        "records",
        _("See the records list"),
    )


def what_to_bring(
    records: Sequence[RecordItem],
    medications: Sized,
    questions: Sized,
    *,
    can_edit: bool = True,
) -> list[BringItem]:
    """The article's list, each item marked ready or missing from what the case holds.

    A viewer is offered only what they may do: "See …", never "Add …" to a read-only page.
    """
    images = [r for r in records if is_imaging(r)]
    plans = [r for r in records if r.kind in PLAN_KINDS and not is_imaging(r)]
    general = [r for r in records if r.kind not in NOT_RECORDS and not is_imaging(r)]
    meds = len(medications)
    qs = len(questions)
    return [
        _records_item(
            _("Medical records and test results"),
            general,
            _("None on the list yet."),
            _("Add records and test results"),
            can_edit,
        ),
        _records_item(
            _("Imaging on disc or USB"),
            images,
            _("No images on the list. Add them if there were scans."),
            _("Add imaging to the records list"),
            can_edit,
        ),
        BringItem(
            _("List of medications and dosages"),
            meds > 0,
            ngettext("%(count)d medicine listed.", "%(count)d medicines listed.", meds)
            % {"count": meds}
            if meds
            else _("No medicines listed yet."),
            "medications",
            _("See the medications") if meds or not can_edit else _("Add medications"),
        ),
        _records_item(
            _("Treatment plan from the first provider"),
            plans,
            _("Not on the records list yet."),
            _("Add the treatment plan to the records list"),
            can_edit,
        ),
        BringItem(
            _("Questions for the doctor"),
            qs > 0,
            ngettext("%(count)d question written down.", "%(count)d questions written down.", qs)
            % {"count": qs}
            if qs
            else _("No questions written yet."),
            "questions",
            _("See the questions") if qs or not can_edit else _("Write questions for the doctor"),
        ),
        BringItem(_("A notebook and pen for notes"), None, _("Or bring someone to take notes.")),
    ]
