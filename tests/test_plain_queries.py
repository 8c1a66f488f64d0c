"""The plain queries every request makes (cases/plain.py) give what the ORM gives."""

from __future__ import annotations

import datetime as dt

from django.db import models

from cases import plain
from cases.models import Case, Membership, Role
from tests.factories import add_member, make_case


def _values(obj: models.Model) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_a_membership_and_its_case_read_as_the_orm_reads_them(case, caregiver):
    case.patient_dob = dt.date(1961, 4, 2)
    case.reasons = ["less_invasive", "other"]
    case.treatment_start_by = dt.date(2026, 12, 15)
    case.save()
    membership = Membership.objects.get(case=case, user=caregiver)
    membership.authority_expires = dt.date(2027, 1, 31)
    membership.save()

    got = plain.membership_with_case(case.pk, caregiver.pk)

    assert got is not None
    expected = Membership.objects.select_related("case").get(case=case, user=caregiver)
    assert _values(got) == _values(expected)
    assert _values(got.case) == _values(expected.case)
    assert type(got.case.patient_dob) is dt.date
    assert got.case.reasons == ["less_invasive", "other"]
    assert not got._state.adding


def test_no_membership_is_none(case, stranger):
    assert plain.membership_with_case(case.pk, stranger.pk) is None


def test_a_persons_cases_come_as_the_orm_lists_them_with_their_role(owner, caregiver):
    cases = [make_case(owner, patient_name=name) for name in ("Zoe", "Ann", "Ann", "Bob")]
    cases[1].patient_dob = dt.date(1950, 1, 1)
    cases[1].save()
    add_member(cases[3], caregiver, Role.EDITOR)
    add_member(make_case(caregiver, patient_name="Not Alice's"), owner, Role.VIEWER)

    got = plain.cases_with_role(owner.pk)

    expected = list(
        Case.objects.visible_to(owner).order_by("patient_name", "patient_dob", "-created_at")
    )
    assert [c.pk for c, _ in got] == [c.pk for c in expected]
    assert [_values(c) for c, _ in got] == [_values(c) for c in expected]
    roles = {c.patient_name: role for c, role in got}
    assert roles["Not Alice's"] == Role.VIEWER
    assert roles["Bob"] == Role.OWNER
