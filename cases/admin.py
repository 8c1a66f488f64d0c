from collections.abc import Sequence

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest

from cases.background import mail
from cases.models import (
    Case,
    Invitation,
    Membership,
    Opinion,
    OutgoingEmail,
    Role,
    ScheduledRun,
    SentReminder,
)
from cases.services.erasure import erase_case


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fk_name = "case"
    raw_id_fields = ["user", "invited_by"]


def _staff(request: HttpRequest) -> User | None:
    """Who acts in the admin: always a signed-in member of staff there."""
    return request.user if request.user.is_authenticated else None


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["patient_name", "condition", "created_at"]
    search_fields = ["patient_name"]
    inlines = [MembershipInline]

    # Deleting here deletes for good, as the owner's own "Delete this case" does: the
    # activity trail's copies of the data go too (cases/services/erasure.py).
    def delete_model(self, request: HttpRequest, obj: Case) -> None:
        erase_case(obj, by=_staff(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Case]) -> None:
        for case in queryset:
            erase_case(case, by=_staff(request))


admin.site.register(Opinion)
admin.site.register(Invitation)


class UserAdmin(DjangoUserAdmin):
    """The admin never deletes a person who alone owns a case: that case would be left
    with nobody to manage it. Django lists such cases as protected and deletes nothing."""

    def get_deleted_objects(
        self, objs: Sequence[User] | QuerySet[User], request: HttpRequest
    ) -> tuple[list[str], dict[str, int], set[str], list[str]]:
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        ids = {u.pk for u in objs}
        owners: dict = {}
        for case_id, user_id in Membership.objects.filter(
            case__memberships__user__in=ids, role=Role.OWNER
        ).values_list("case_id", "user_id"):
            owners.setdefault(case_id, set()).add(user_id)
        orphaned = sorted(str(c) for c, users in owners.items() if users <= ids)
        protected = list(protected) + [
            f"Case {case_id}: this person is its only owner; hand it over or delete it first"
            for case_id in orphaned
        ]
        return deleted, counts, perms_needed, protected


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), UserAdmin)


# Background work: an operator sees what waits to be sent and what failed. The task
# list itself (state, errors, tracebacks) is django-tasks-db's admin, registered by that
# app; with RQ, django-rq's dashboard is in the admin instead.


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "recipients",
        "subject",
        "attempts",
        "next_attempt_at",
        "failed_at",
        "error",
    ]
    list_filter = [("failed_at", admin.EmptyFieldListFilter)]
    # The message itself stays out of sight: it may hold a password-reset link.
    exclude = ["message"]
    actions = ["send_again"]

    @admin.display(description="Last error")
    def error(self, obj: OutgoingEmail) -> str:
        return obj.last_error[:120]

    def has_send_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("cases.change_outgoingemail")

    @admin.action(description="Send again now", permissions=["send"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutgoingEmail]) -> None:
        count = mail.send_again(list(queryset))
        self.message_user(request, f"{count} emails will be sent again now.")


@admin.register(SentReminder)
class SentReminderAdmin(ReadOnlyAdmin):
    list_display = ["sent_on", "kind", "case", "user", "due_on"]
    list_filter = ["kind", "sent_on"]
    raw_id_fields = ["case", "user"]


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnlyAdmin):
    list_display = ["name", "period", "created_at"]
    list_filter = ["name"]
