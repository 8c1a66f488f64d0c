"""A case's revision: a new number whenever anything shown about the case changes.

Pages keep what they render for a case under its revision (cases/fragments.py), so the
revision must change with every write to the case or to anything hung on it. The case
gives itself a new one in ``Case.save``; the models below give their case a new one
when they are saved or deleted (post_save, post_delete), in the same transaction as
the change; so does a change to a member's account (their name shows on the page).
``QuerySet.update()`` and ``bulk_create``/``bulk_update`` send no signals: the few
services that use them call ``changed`` or ``touch``. Tests check that every
model with a path to a case is listed here, and that every kind of change shows at once.
(A new case's demo and starter rows need no call: no page can have been kept for a case
before it existed.)

Why not a hash of the data, as the packet cache does (cases/services/documents.py):
a page is worth caching only if a hit costs no more than reading the case row, which
the access check reads anyway; the revision comes with it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models.signals import post_delete, post_save

from cases.models import (
    Attachment,
    Case,
    FollowUpAction,
    InsuranceCall,
    Invitation,
    Medication,
    Membership,
    Opinion,
    Question,
    RecordItem,
    RecordRequest,
)
from cases.models.case import new_revision

# Each model that belongs to a case: the lookup from Case, and the instance's attribute
# it matches. Never the row itself: on post_delete it is gone (a deleted cascade runs
# children first, so an item's opinion and an attachment's record are still there).
CASE_LOOKUPS: dict[type[models.Model], tuple[str, str]] = {
    Opinion: ("pk", "case_id"),
    Medication: ("pk", "case_id"),
    Membership: ("pk", "case_id"),
    Invitation: ("pk", "case_id"),
    RecordItem: ("opinions", "opinion_id"),
    Question: ("opinions", "opinion_id"),
    InsuranceCall: ("opinions", "opinion_id"),
    FollowUpAction: ("opinions", "opinion_id"),
    RecordRequest: ("opinions", "opinion_id"),
    Attachment: ("opinions__records", "record_id"),
}


def touch(case: Case | Any) -> None:
    """Give a case (or a case's id) a new revision: after a bulk write that sends no signal."""
    Case.objects.filter(pk=getattr(case, "pk", case)).update(revision=new_revision())


def changed(instance: models.Model) -> None:
    """Give the case of ``instance`` a new revision: after a bulk write to its siblings."""
    _changed(type(instance), instance)


def _changed(
    sender: type[models.Model], instance: models.Model, origin: Any = None, **kwargs: Any
) -> None:
    if _case_going(origin):
        return  # its rows go with the whole case: nothing of it is shown again
    lookup, attribute = CASE_LOOKUPS[sender]
    value = getattr(instance, attribute)
    if value is None:
        return
    # One UPDATE, with the case found through a subquery: no read first.
    Case.objects.filter(**{lookup: value}).update(revision=new_revision())


def _case_going(origin: Any) -> bool:
    """Whether a delete started from a case (``post_delete``'s ``origin``)."""
    return isinstance(origin, Case) or (
        isinstance(origin, models.QuerySet) and origin.model is Case
    )


def _person_changed(
    sender: type[models.Model],
    instance: models.Model,
    update_fields: frozenset[str] | None = None,
    **kwargs: Any,
) -> None:
    """A member's name shows on their cases' pages (who can see this case)."""
    if update_fields is not None and update_fields <= {"last_login", "password"}:
        return  # signing in, or a new password: nothing any page shows
    Case.objects.filter(memberships__user=instance.pk).update(revision=new_revision())


def connect() -> None:
    for model in CASE_LOOKUPS:
        uid = f"cases.revisions.{model.__name__}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}.delete")
    post_save.connect(
        _person_changed, sender=get_user_model(), dispatch_uid="cases.revisions.person"
    )
