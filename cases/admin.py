from django.contrib import admin

from cases.models import Case, Invitation, Membership, Opinion


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
