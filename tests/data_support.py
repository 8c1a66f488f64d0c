"""A case with every field of every object filled, for export, import and erasure tests.

Values are derived from each model field's type, so a field added later is filled (and
so checked by the round trip and the canary) without touching this file.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import zipfile
from typing import Any

from django.db import models
from django.utils import timezone

from cases.models import (
    Case,
    FollowUpAction,
    InsuranceCall,
    Invitation,
    Medication,
    Membership,
    Opinion,
    Question,
    Reason,
    RecordItem,
    Role,
)
from tests.factories import add_member, make_case

BOOKKEEPING = {"id", "created_at", "updated_at", "revision"}


def _value(field: models.Field, tag: str, n: int) -> Any:
    if field.choices:
        codes = [c for c, _ in field.flatchoices if c]
        return codes[n % len(codes)]
    if isinstance(field, models.EmailField):
        return f"{tag.lower()}-{n}@example.org"
    if isinstance(field, models.CharField | models.TextField):
        text = f"{tag} {field.name} {n}"
        return text[: field.max_length] if field.max_length else text + "\nsecond line"
    if isinstance(field, models.DateTimeField):
        return timezone.make_aware(dt.datetime(2026, 3, 1 + n % 27, 9, 30 + n % 29))
    if isinstance(field, models.DateField):
        return dt.date(2026, 1 + n % 12, 1 + n % 27)
    if isinstance(field, models.DecimalField):
        return decimal.Decimal(f"{1200 + n}.45")
    if isinstance(field, models.BooleanField):
        return True
    if isinstance(field, models.JSONField):
        return [c for c, _ in Reason.choices]
    return None


def fill(obj: models.Model, tag: str, n: int = 0, *, skip: set[str] = frozenset()) -> None:
    """Give every data field of ``obj`` a distinctive value (containing ``tag`` if text)."""
    for field in obj._meta.concrete_fields:
        if field.is_relation or field.name in BOOKKEEPING or field.name in skip:
            continue
        if field.name in ("position", "number", "nonce"):
            continue
        value = _value(field, tag, n)
        if value is not None:
            setattr(obj, field.name, value)


def make_full_case(owner, *, tag: str = "Full", editor=None, viewer=None) -> Case:
    """Every field filled: a decided second opinion, a third under way, every list twice."""
    case = make_case(owner)
    fill(case, tag)
    case.save()
    second = case.current_opinion()
    second.records.all().delete()
    opinions = [second, Opinion.objects.create(case=case, number=3)]
    for i, opinion in enumerate(opinions):
        fill(opinion, tag, i)
        opinion.save()
        for k in range(2):
            for model in (RecordItem, Question, InsuranceCall, FollowUpAction):
                item = model(opinion=opinion)
                fill(item, tag, k + i)
                if hasattr(item, "position"):
                    item.position = k
                item.save()
    for k in range(2):
        med = Medication(case=case, position=k)
        fill(med, tag, k)
        med.save()
    # The third opinion is being sought: no decision yet.
    opinions[1].decision = ""
    opinions[1].save()
    mine = Membership.objects.get(case=case, user=owner)
    mine.authority_kind = "proxy"
    mine.authority_expires = dt.date(2027, 5, 1)
    mine.save()
    if editor is not None:
        add_member(case, editor, Role.EDITOR)
    if viewer is not None:
        add_member(case, viewer, Role.VIEWER)
    invitation = Invitation(case=case, invited_by=owner, role=Role.VIEWER)
    fill(invitation, tag)
    invitation.accepted_at = invitation.cancelled_at = None
    invitation.save()
    return case


def snapshot(case: Case) -> dict[str, Any]:
    """Every data field of the case and everything under it, read straight from the models
    (not through the exporter), in the order people see them."""

    def fields(obj: models.Model) -> dict[str, Any]:
        return {
            f.name: getattr(obj, f.name)
            for f in obj._meta.concrete_fields
            if not f.is_relation and f.name not in BOOKKEEPING
        }

    case = Case.objects.get(pk=case.pk)
    return {
        "case": fields(case),
        "medications": [fields(m) for m in case.medications.order_by("position", "id")],
        "opinions": [
            {
                **fields(o),
                "records": [fields(r) for r in o.records.all()],
                "questions": [fields(q) for q in o.questions.all()],
                "calls": [fields(c) for c in o.calls.all()],
                "actions": [fields(a) for a in o.actions.all()],
            }
            for o in case.opinions.order_by("number")
        ],
    }


def zip_bytes(entries: dict[str, bytes | str], **infos: zipfile.ZipInfo) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for info in infos.values():
            archive.writestr(info, b"x")
    return buffer.getvalue()


def read_zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def case_json(data: bytes, folder: str = "") -> dict[str, Any]:
    return json.loads(read_zip(data).read(folder + "case.json"))
