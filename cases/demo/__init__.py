"""Demo data for a first look: Maria Lopez's own case, her husband John's, and her
mother Rosa's, whose second opinion is already in and decided.

Drawn from the reference article: a major treatment recommended quickly (Maria's
surgery), an uncertain diagnosis with lifelong medication (John's suspected MS), a
caregiver acting with a health care proxy, and a relative who may only look.
Rosa's finished case shows the rest of the product: the outcome, the opinions side by
side and the decision. Every date is relative to today. One module per case; the
builders they share are in builders.py (the tests' scenario cases use them too).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cases.demo.builders import DEMO_PASSWORD, demo_user
from cases.demo.files import attach_demo_files
from cases.demo.john import johns_case
from cases.demo.maria import marias_case
from cases.demo.rosa import rosas_case
from cases.models import Case, Role
from cases.services.erasure import erase_case

DEMO_EMAIL = "demo@example.org"
DAUGHTER_EMAIL = "emma@example.org"

__all__ = ["DAUGHTER_EMAIL", "DEMO_EMAIL", "DEMO_PASSWORD", "load"]

CASES = (
    ("Maria Lopez", marias_case),
    ("John Lopez", johns_case),
    ("Rosa Alvarez", rosas_case),
)


def load(*, reset: bool = False) -> list[str]:
    """Create the demo accounts and whichever demo cases are missing (all of them afresh
    with ``reset``); returns the names of the cases created."""
    with transaction.atomic():
        maria = demo_user(DEMO_EMAIL, "Maria", "Lopez")
        emma = demo_user(DAUGHTER_EMAIL, "Emma", "Lopez")
        created = []
        for name, build in CASES:
            existing = Case.objects.filter(
                patient_name=name,
                memberships__user=maria,
                memberships__role=Role.OWNER,
            )
            if existing.exists() and not reset:
                continue
            for old in existing:
                # Deleted for good, activity trail included, as people delete cases.
                erase_case(old, by=None)
            attach_demo_files(build(maria, emma, timezone.localdate()), maria)
            created.append(name)
    return created
