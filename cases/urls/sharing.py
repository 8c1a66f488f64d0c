"""Sharing a case: members, roles, invitations, authority on file, activity."""

from django.urls import path

from cases.views import activity, sharing

urlpatterns = [
    path("members/", sharing.members, name="case_members"),
    path("members/invite/", sharing.invite, name="case_invite"),
    path("members/me/authority/", sharing.my_authority, name="my_authority"),
    path("members/<int:member_id>/role/", sharing.member_role, name="member_role"),
    path("members/<int:member_id>/remove/", sharing.member_remove, name="member_remove"),
    path("members/<int:member_id>/make-owner/", sharing.member_transfer, name="member_transfer"),
    path("members/<int:member_id>/authority/", sharing.member_authority, name="member_authority"),
    path(
        "invitations/<int:invitation_id>/resend/",
        sharing.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "invitations/<int:invitation_id>/cancel/",
        sharing.invitation_cancel,
        name="invitation_cancel",
    ),
    path("leave/", sharing.leave, name="case_leave"),
    path("activity/", activity.case_activity, name="case_activity"),
]
