"""A case whose records come from two places, letters written to them, and a controlled
today, for the records-request letters' tests (tests/test_letters.py,
tests/test_letter_sending.py)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from cases.models import RecordItem, RecordRequest
from cases.models.items import RecordFormat, RecordKind
from cases.services.letters import start_letter

SENT = dt.date(2026, 10, 1)
LAB = "Riverside Community Hospital, pathology lab"
IMAGING = "Riverside imaging department"


def checklist(case) -> None:
    """Two places: the lab with two records, imaging with the images on disc."""
    opinion = case.current_opinion()
    opinion.records.all().delete()
    RecordItem.objects.bulk_create(
        [
            RecordItem(opinion=opinion, name="Pathology report", source=LAB, position=0),
            RecordItem(
                opinion=opinion, name="Biopsy slides", source=f"  {LAB.upper()} ", position=1
            ),
            RecordItem(
                opinion=opinion,
                name="MRI images",
                kind=RecordKind.IMAGES,
                format=RecordFormat.DISC,
                source=IMAGING,
                position=2,
            ),
            RecordItem(opinion=opinion, name="Old letter", source="", position=3),
        ]
    )


def letters_case_of(case):
    """Maria's case with a date of birth, and records from the lab and from imaging."""
    case.patient_dob = dt.date(1968, 4, 12)
    case.save(update_fields=["patient_dob"])
    checklist(case)
    return case


def new_letter(case, source=LAB) -> RecordRequest:
    return start_letter(case.current_opinion(), source)


def letter_url(name, case, letter=None):
    kwargs = {"case_id": case.pk} | ({"letter_id": letter.pk} if letter else {})
    return reverse(name, kwargs=kwargs)


def pretend_today(monkeypatch, day: dt.date) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)
