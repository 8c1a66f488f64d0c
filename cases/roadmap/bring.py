"""What to bring to the appointment: the article's list, each item ready or missing."""

from __future__ import annotations

from collections.abc import Sequence, Sized
from dataclasses import dataclass

from cases.models.items import RecordFormat, RecordItem, RecordKind

from .steps import plural


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
        link = add if can_edit else "See the records list"
        return BringItem(label, False, empty, "records", link)
    missing = [r.name for r in items if not r.is_ready]
    if not missing:
        return BringItem(label, True, "Ready.")
    ready = len(items) - len(missing)
    return BringItem(
        label,
        False,
        f"{ready} of {len(items)} ready. Still missing: {', '.join(missing)}.",
        "records",
        "See the records list",
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
            "Medical records and test results",
            general,
            "None on the list yet.",
            "Add records and test results",
            can_edit,
        ),
        _records_item(
            "Imaging on disc or USB",
            images,
            "No images on the list. Add them if there were scans.",
            "Add imaging to the records list",
            can_edit,
        ),
        BringItem(
            "List of medications and dosages",
            meds > 0,
            f"{plural(meds, 'medicine')} listed." if meds else "No medicines listed yet.",
            "medications",
            "See the medications" if meds or not can_edit else "Add medications",
        ),
        _records_item(
            "Treatment plan from the first provider",
            plans,
            "Not on the records list yet.",
            "Add the treatment plan to the records list",
            can_edit,
        ),
        BringItem(
            "Questions for the doctor",
            qs > 0,
            f"{plural(qs, 'question')} written down." if qs else "No questions written yet.",
            "questions",
            "See the questions" if qs or not can_edit else "Write questions for the doctor",
        ),
        BringItem("A notebook and pen for notes", None, "Or bring someone to take notes."),
    ]
