"""The audit trail of a case: what django-auditlog records, and how it is read back.

django-auditlog records every create, update and delete of a case's data. Each entry
carries the case id in ``additional_data`` so a case's trail is one query. Packet
downloads are recorded as ACCESS entries. Entries are never edited or deleted by the
app; cases/activity.py turns them into plain sentences for the Activity page.

Auditlog stores the changed values, which are health data: they stay in the
database and are never written to the console or the logs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router
from django.db.models.lookups import Exact

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from cases.models import Attachment

    AnyUser = User | AnonymousUser

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
    RecordRequest,
)

# Timestamps and list ordering are bookkeeping, not changes a family cares about; the
# invitation nonce is a secret and must not be copied into the trail.
_ALWAYS_EXCLUDED = ["created_at", "updated_at", "position"]


def _case_id_of(instance: models.Model) -> str | None:
    """The id of the case an instance belongs to, without a query when we can."""
    if isinstance(instance, Case):
        return str(instance.pk)
    case_id = getattr(instance, "case_id", None)
    if case_id is not None:
        return str(case_id)
    opinion_id = getattr(instance, "opinion_id", None)
    if opinion_id is None:
        return None
    cached = instance._state.fields_cache.get("opinion")
    if cached is not None:
        return str(cached.case_id)
    case_id = Opinion.objects.filter(pk=opinion_id).values_list("case_id", flat=True).first()
    return str(case_id) if case_id else None


def _additional_data(self: models.Model) -> dict[str, Any]:
    data: dict[str, Any] = {"case_id": _case_id_of(self)}
    # Enough to name the person in the feed even after the membership is gone.
    if isinstance(self, Membership):
        data["user_id"] = self.user_id
    elif isinstance(self, Invitation):
        data["email"] = self.email
    return data


def register() -> None:
    """Register the case's models with auditlog; called once from CasesConfig.ready()."""
    # A member's own choice of email reminders is not a change to the case.
    extra_excludes: dict[type[models.Model], list[str]] = {
        Case: ["revision"],  # bookkeeping of kept pages (cases/revisions.py)
        Invitation: ["nonce"],
        Membership: ["reminders"],
    }
    for model in (
        Case,
        Opinion,
        RecordItem,
        RecordRequest,
        Medication,
        Question,
        InsuranceCall,
        FollowUpAction,
        Membership,
        Invitation,
    ):
        if auditlog.contains(model):
            continue
        # auditlog asks each instance for get_additional_data(); giving it here keeps the
        # whole trail's wiring in this module instead of spreading it over the models.
        model.get_additional_data = _additional_data  # type: ignore[union-attr]  # a new hook
        auditlog.register(model, exclude_fields=_ALWAYS_EXCLUDED + extra_excludes.get(model, []))


def _record_event(
    case: Case, user: AnyUser, *, event: str, label: str, action: int = LogEntry.Action.ACCESS
) -> LogEntry:
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Case),
        object_pk=str(case.pk),
        object_repr=label,
        action=action,
        changes={},
        actor=user if getattr(user, "is_authenticated", False) else None,
        additional_data={"case_id": str(case.pk), "event": event},
    )


def record_packet_download(case: Case, user: AnyUser) -> LogEntry:
    """Record that ``user`` downloaded the case's packet (an ACCESS entry)."""
    return _record_event(case, user, event="packet_download", label="packet")


def record_letter_download(case: Case, user: AnyUser) -> LogEntry:
    """Record that ``user`` downloaded a records-request letter (an ACCESS entry)."""
    return _record_event(case, user, event="letter_download", label="records request letter")


def record_file_download(case: Case, user: AnyUser, attachment: Attachment) -> LogEntry:
    """Record that ``user`` downloaded an attached document (an ACCESS entry). The label
    is the file's name as members see it on the record."""
    return _record_event(case, user, event="file_download", label=attachment.name[:200])


def record_bundle_download(case: Case, user: AnyUser) -> LogEntry:
    """Record that ``user`` downloaded the packet with every attached record."""
    return _record_event(case, user, event="bundle_download", label="packet with records")


def record_case_export(case: Case, user: AnyUser) -> LogEntry:
    """Record that ``user`` took a copy of everything in the case away (an ACCESS entry)."""
    return _record_event(case, user, event="case_export", label="export")


def record_case_import(case: Case, user: AnyUser) -> LogEntry:
    """The first entry of an imported case: its earlier trail stays in the file it came
    from, because an uploaded file must never be able to write the audit trail."""
    return _record_event(
        case, user, event="case_import", label="import", action=LogEntry.Action.CREATE
    )


class _CaseIdSQLite(models.Func):
    """An entry's case id on SQLite, spelled exactly as its index is (migration 0008).

    SQLite uses an index on an expression only for the very same expression, and Django
    passes the JSON path of ``additional_data__case_id`` as a parameter, which never
    matches. PostgreSQL's planner sees Django's SQL with the path in it (migration 0002).
    """

    output_field = models.TextField()

    def __init__(self) -> None:
        super().__init__(models.F("additional_data"))

    def as_sql(  # type: ignore[override]  # Func.as_sql takes templates we do not use
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, list]:
        column, params = compiler.compile(self.source_expressions[0])
        return f"json_extract({column}, '$.case_id')", list(params)


def of_case(case_id: object) -> models.Q:
    """The condition "this entry belongs to that case", in the form its index serves."""
    if connections[router.db_for_read(LogEntry)].vendor == "sqlite":
        return models.Q(Exact(_CaseIdSQLite(), str(case_id)))
    return models.Q(additional_data__case_id=str(case_id))


def for_case(case: Case) -> models.QuerySet[LogEntry]:
    """A case's trail, newest first, with what the feed needs in one query."""
    return (
        LogEntry.objects.filter(of_case(case.pk))
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


def was_removed(case: Case, model: type[models.Model], pk: int) -> bool:
    """Did someone remove this item from this case? The trail knows, without leaking ids
    of other cases (an id never seen in this case is simply not found)."""
    return LogEntry.objects.filter(
        of_case(case.pk),
        content_type=ContentType.objects.get_for_model(model),
        object_pk=str(pk),
        action=LogEntry.Action.DELETE,
    ).exists()
