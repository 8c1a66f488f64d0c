from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from cases.models import Case, Invitation, Membership, Opinion, Role
from cases.services.erasure import erase_case


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

    # Deleting here deletes for good, as the owner's own "Delete this case" does: the
    # activity trail's copies of the data go too (cases/services/erasure.py).
    def delete_model(self, request, obj: Case) -> None:
        erase_case(obj, by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for case in queryset:
            erase_case(case, by=request.user)


admin.site.register(Opinion)
admin.site.register(Invitation)


class UserAdmin(DjangoUserAdmin):
    """The admin never deletes a person who alone owns a case: that case would be left
    with nobody to manage it. Django lists such cases as protected and deletes nothing."""

    def get_deleted_objects(self, objs, request):
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
