"""Deleting for good: a case, or a person's account.

Deleting a case removes its rows and every activity-trail entry about it: the trail
stores the values people typed (diagnosis, member ID, medicines), so keeping it would
keep the case. What stays is one tombstone entry with no health data: which case id
was deleted, by whom and when, for whoever has to answer "where did our case go?".
Stored files (attachments, once records have them) go once the transaction commits.

Deleting an account first settles every case the person is the only owner of: handed
to another member or deleted, as they chose. A case is never left without an owner
(``CaseWithoutOwner`` below guards every way a membership disappears).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from cases import audit
from cases.models import (
    Case,
    FollowUpAction,
    InsuranceCall,
    Invitation,
    Medication,
    Membership,
    Opinion,
    Question,
    RecordItem,
    Role,
)
from cases.services import documents

TOMBSTONE_EVENT = "case_erased"
ACCOUNT_DELETED_EVENT = "member_account_deleted"
_CHUNK = 500


class CaseWithoutOwner(Exception):
    """Raised instead of leaving a case that nobody can manage."""


def _keys_under(case: Case) -> dict[type[models.Model], list[str]]:
    """The primary keys of everything in the case, as the trail stores them (text)."""
    opinions = Opinion.objects.filter(case=case)
    under_opinion = Q(opinion__case=case)
    sources: dict[type[models.Model], models.QuerySet] = {
        Case: Case.objects.filter(pk=case.pk),
        Opinion: opinions,
        Medication: Medication.objects.filter(case=case),
        Membership: Membership.objects.filter(case=case),
        Invitation: Invitation.objects.filter(case=case),
        RecordItem: RecordItem.objects.filter(under_opinion),
        Question: Question.objects.filter(under_opinion),
        InsuranceCall: InsuranceCall.objects.filter(under_opinion),
        FollowUpAction: FollowUpAction.objects.filter(under_opinion),
    }
    return {
        model: [str(pk) for pk in qs.values_list("pk", flat=True)] for model, qs in sources.items()
    }


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _forget_trail(case_id: str, keys: dict[type[models.Model], list[str]]) -> None:
    """Every trail entry about the case: by its case id, and by the objects themselves in
    case an entry was written without one. The admin's own change log too."""
    LogEntry.objects.filter(audit.of_case(case_id)).delete()
    for model, pks in keys.items():
        content_type = ContentType.objects.get_for_model(model)
        for chunk in _chunks(pks):
            LogEntry.objects.filter(content_type=content_type, object_pk__in=chunk).delete()
            AdminLogEntry.objects.filter(content_type=content_type, object_id__in=chunk).delete()


def stored_files(case: Case) -> list[str]:
    """Names in the attachments storage that belong to the case, gathered before the
    rows go. (Each attachment's post_delete also removes its own; deleting twice is
    harmless, and this list still holds if a bulk delete ever skips the signal.)"""
    from cases.models import Attachment

    return [n for a in Attachment.objects.in_case(case) for n in a.stored_names()]


def _delete_stored(names: list[str]) -> None:
    from cases.services.files import delete_stored

    delete_stored(names)


@transaction.atomic
def erase_case(case: Case, *, by: User | None) -> None:
    """Delete the case, everything in it and its activity trail, leaving a tombstone."""
    case_id = str(case.pk)
    keys = _keys_under(case)
    files = stored_files(case)
    # Deleting writes no trail entries: they would copy every value into the log again.
    with disable_auditlog():
        Case.objects.filter(pk=case.pk).delete()
    _forget_trail(case_id, keys)
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Case),
        object_pk=case_id,
        object_repr="deleted case",
        action=LogEntry.Action.DELETE,
        changes={},
        actor=by if getattr(by, "is_authenticated", False) else None,
        additional_data={"event": TOMBSTONE_EVENT},
    )
    if files:
        transaction.on_commit(lambda: _delete_stored(files))
    # The case's packets and summaries, cached by the task worker (harmless if the
    # deletion rolls back: they are made again on the next download).
    documents.forget(case_id)


# Accounts ----------------------------------------------------------------------------------


@dataclass
class SoleOwnership:
    """A case the person is the only owner of, with the members who could take it over."""

    case: Case
    others: list[Membership]


def sole_owned(user: User) -> list[SoleOwnership]:
    """Cases ``user`` alone owns, each with its other members; two queries."""
    cases = list(
        Case.objects.filter(memberships__user=user, memberships__role=Role.OWNER)
        .annotate(owners=Count("memberships", filter=Q(memberships__role=Role.OWNER)))
        .filter(owners=1)
        .order_by("patient_name", "created_at")
    )
    others: dict[uuid.UUID, list[Membership]] = {c.pk: [] for c in cases}
    for m in (
        Membership.objects.filter(case__in=cases)
        .exclude(user=user)
        .select_related("user")
        .order_by("created_at")
    ):
        others[m.case_id].append(m)
    return [SoleOwnership(case=c, others=others[c.pk]) for c in cases]


def memberships_that_end(user: User, owned: list[SoleOwnership]) -> models.QuerySet:
    """The cases ``user`` is in but does not own alone: deleting the account only takes
    them out of these."""
    return (
        Membership.objects.filter(user=user)
        .exclude(case__in=[o.case for o in owned])
        .select_related("case")
        .order_by("case__patient_name")
    )


class AccountChanged(Exception):
    """The cases the person owns alone changed while they were choosing."""


HAND_OVER_PREFIX = "member-"
DELETE = "delete"


@transaction.atomic
def delete_account(user: User, choices: dict[str, str]) -> None:
    """Settle each case ``user`` alone owns as chosen, then delete the account.

    ``choices`` maps each such case's id to ``DELETE`` or ``"member-<membership id>"``.
    Cases the person only belongs to stay with their owners.
    """
    list(Membership.objects.select_for_update().filter(user=user))
    current = sole_owned(user)
    if {str(s.case.pk) for s in current} != set(choices):
        raise AccountChanged
    for owned in current:
        choice = choices[str(owned.case.pk)]
        if choice == DELETE:
            erase_case(owned.case, by=user)
            continue
        heir = next((m for m in owned.others if f"{HAND_OVER_PREFIX}{m.pk}" == choice), None)
        if heir is None:
            raise AccountChanged
        heir.role = Role.OWNER
        heir.save(update_fields=["role"])
    # Leaving the cases that stay: one plain entry in each trail, written here because
    # the automatic ones would point at an account that is about to disappear.
    remaining = list(Membership.objects.filter(user=user).values_list("case_id", flat=True))
    with disable_auditlog():
        Membership.objects.filter(user=user).delete()
        LogEntry.objects.bulk_create(
            LogEntry(
                content_type=ContentType.objects.get_for_model(Membership),
                object_pk="",
                object_repr="member",
                action=LogEntry.Action.DELETE,
                changes={},
                additional_data={"case_id": str(case_id), "event": ACCOUNT_DELETED_EVENT},
            )
            for case_id in remaining
        )
        # Their name goes from the trails of the cases that stay: entries read "Someone".
        LogEntry.objects.filter(actor=user).update(actor=None, actor_email=None)
        user.delete()


def cases_without_owner() -> models.QuerySet[Case]:
    return Case.objects.annotate(
        owners=Count("memberships", filter=Q(memberships__role=Role.OWNER))
    ).filter(owners=0)


def guard_last_owner(
    sender: type[Membership], instance: Membership, origin: object = None, **kwargs: Any
) -> None:
    """pre_delete: refuse to remove a case's last owner unless the case itself is going.

    Deleting a user deletes their memberships; without this, deleting someone who alone
    owns a case (in the admin, say) would leave the case with nobody to manage it.
    """
    if instance.role != Role.OWNER:
        return
    if isinstance(origin, Case) or (isinstance(origin, models.QuerySet) and origin.model is Case):
        return
    others = (
        Membership.objects.filter(case_id=instance.case_id, role=Role.OWNER)
        .exclude(pk=instance.pk)
        .exists()
    )
    if not others:
        raise CaseWithoutOwner(
            _("This person is the only owner of a case: hand it over or delete it first.")
        )
