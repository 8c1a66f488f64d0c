from django.contrib import admin

from cases.models import Case, Invitation, Membership, Opinion
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
