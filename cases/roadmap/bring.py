"""What to bring to the appointment: the article's list, each item ready or missing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cases.models import Medication, Question
from cases.models.items import RecordItem, RecordKind

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


def _records_item(label: str, items: Sequence[RecordItem], empty: str) -> BringItem:
    if not items:
        return BringItem(label, False, empty, "records", "Add it to your records list")
    missing = [r.name for r in items if not r.is_ready]
    if not missing:
        return BringItem(label, True, "Ready.")
    ready = len(items) - len(missing)
    return BringItem(
        label,
        False,
        f"{ready} of {len(items)} ready. Still missing: {', '.join(missing)}.",
        "records",
        "See the records",
    )


def what_to_bring(
    records: Sequence[RecordItem],
    medications: Sequence[Medication],
    questions: Sequence[Question],
) -> list[BringItem]:
    """The article's list, each item marked ready or missing from what the case holds."""
    general = [r for r in records if r.kind not in NOT_RECORDS]
    images = [r for r in records if r.kind in IMAGE_KINDS]
    plans = [r for r in records if r.kind in PLAN_KINDS]
    meds = len(medications)
    qs = len(questions)
    return [
        _records_item("Medical records and test results", general, "None on your list yet."),
        _records_item(
            "Imaging on disc or USB", images, "No images on your list. Add them if you had scans."
        ),
        BringItem(
            "List of medications and dosages",
            meds > 0,
            f"{plural(meds, 'medicine')} listed." if meds else "No medicines listed yet.",
            "medications",
            "See medications" if meds else "Add medications",
        ),
        _records_item(
            "Treatment plan from the first provider", plans, "Not on your records list yet."
        ),
        BringItem(
            "Questions for the doctor",
            qs > 0,
            f"{plural(qs, 'question')} written down." if qs else "No questions written yet.",
            "questions",
            "See questions" if qs else "Write your questions",
        ),
        BringItem("A notebook and pen for notes", None, "Or bring someone to take notes."),
    ]
