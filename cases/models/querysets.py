"""How to find the objects of one case, said once per kind of object.

``get_in_case`` (cases/access.py) fetches through ``in_case``, so an id from another
case is never found, whatever the view asks for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self, TypeVar

from django.db import models

if TYPE_CHECKING:
    from .case import Case

M = TypeVar("M", bound=models.Model)


class InCaseQuerySet(models.QuerySet[M]):
    def in_case(self, case: Case) -> Self:
        raise NotImplementedError


class CaseItemQuerySet(InCaseQuerySet[M]):
    """Objects hung on the case itself: opinions, medications, memberships, invitations."""

    def in_case(self, case: Case) -> Self:
        return self.filter(case=case)


class OpinionItemQuerySet(InCaseQuerySet[M]):
    """Objects hung on one of the case's opinions: records, questions, calls, actions."""

    def in_case(self, case: Case) -> Self:
        return self.filter(opinion__case=case)
