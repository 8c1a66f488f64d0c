from django.contrib import admin

from cases.background import mail
from cases.models import (
    Case,
    Invitation,
    Membership,
    Opinion,
    OutgoingEmail,
    ScheduledRun,
    SentReminder,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fk_name = "case"
    raw_id_fields = ["user", "invited_by"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["patient_name", "condition", "created_at"]
    search_fields = ["patient_name"]
    inlines = [MembershipInline]


admin.site.register(Opinion)
admin.site.register(Invitation)


# Background work: an operator sees what waits to be sent and what failed. The task
# list itself (state, errors, tracebacks) is django-tasks-db's admin, registered by that
# app; with RQ, django-rq's dashboard is in the admin instead.


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
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

    def has_send_permission(self, request) -> bool:
        return request.user.has_perm("cases.change_outgoingemail")

    @admin.action(description="Send again now", permissions=["send"])
    def send_again(self, request, queryset) -> None:
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
