"""Who has access to a case: members, roles, invitations, authority on file, leaving."""

from __future__ import annotations

import uuid
from typing import Any

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases import ratelimit
from cases.access import Need, get_case, get_in_case
from cases.forms.sharing import AuthorityForm, InviteForm, RoleForm
from cases.htmx import saved
from cases.http import AuthenticatedHttpRequest
from cases.limits import ListFull
from cases.models import Case, Invitation, Membership
from cases.services import sharing
from cases.services.sharing import SharingError, display_name

MEMBERS = "cases/sharing/members.html"


def _members(case: Case) -> list[Membership]:
    return list(case.memberships.select_related("user", "invited_by").order_by("created_at"))


def panel_context(request: AuthenticatedHttpRequest, case: Case) -> dict[str, Any]:
    """The case page's sharing panel: who has access, and authority running out."""
    members = _members(case)
    return {
        "sharing_members": members,
        "authority_warnings": sharing.authority_warnings(members),
    }


def _members_context(case: Case) -> dict[str, Any]:
    members = _members(case)
    invitations = (
        list(case.invitations.filter(accepted_at=None, cancelled_at=None).order_by("created_at"))
        if case.membership.is_owner
        else []
    )
    return {
        "case": case,
        "members": members,
        "invitations": invitations,
        "authority_warnings": sharing.authority_warnings(members),
        "can_manage": case.membership.is_owner,
    }


@require_safe
def members(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case(request, case_id, Need.VIEW)
    return render(request, MEMBERS, _members_context(case))


@require_http_methods(["GET", "POST"])
def invite(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case(request, case_id, Need.OWN)
    form = InviteForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        if refused := _invitation_limit(request, case):
            return refused
        try:
            sharing.invite(request, case, **form.cleaned_data)
        except ListFull as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("case_members", case_id=case.pk)
    # A refused invitation keeps its form, so the message stays at its field.
    full = None if form.errors else sharing.room_to_invite(case)
    return render(request, "cases/sharing/invite.html", {"case": case, "form": form, "full": full})


def _invitation_limit(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse | None:
    """Each invitation is an email to any address: a few an hour per person and per case."""
    return ratelimit.limit(
        request,
        ratelimit.INVITATIONS,
        invitation_user=request.user.pk,
        invitation_case=case.pk,
    )


def _invitation(case: Case, invitation_id: int) -> Invitation:
    return get_in_case(case, Invitation.objects.all(), invitation_id)


def _after_invitation_change(
    request: AuthenticatedHttpRequest, case: Case, message: str
) -> HttpResponse:
    return saved(
        request,
        message=message,
        redirect_to=reverse("case_members", kwargs={"case_id": case.pk}),
        template=MEMBERS,
        partial="invitations",
        context=_members_context(case),
    )


@require_POST
def invitation_resend(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, invitation_id: int
) -> HttpResponse:
    case = get_case(request, case_id, Need.OWN)
    invitation = _invitation(case, invitation_id)
    if refused := _invitation_limit(request, case):
        return refused
    try:
        sharing.resend(request, invitation)
    except SharingError as exc:
        messages.error(request, str(exc))
        return redirect("case_members", case_id=case.pk)
    return _after_invitation_change(
        request,
        case,
        _("Invitation sent again to %(email)s. The earlier link no longer works.")
        % {"email": invitation.email},
    )


@require_POST
def invitation_cancel(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, invitation_id: int
) -> HttpResponse:
    case = get_case(request, case_id, Need.OWN)
    invitation = _invitation(case, invitation_id)
    try:
        sharing.cancel(invitation)
    except SharingError as exc:
        messages.error(request, str(exc))
        return redirect("case_members", case_id=case.pk)
    return _after_invitation_change(
        request,
        case,
        _("Invitation to %(email)s cancelled. The link no longer works.")
        % {"email": invitation.email},
    )


def _member(case: Case, member_id: int) -> Membership:
    return get_in_case(case, Membership.objects.select_related("user"), member_id)


def _refuse(request: AuthenticatedHttpRequest, case: Case, exc: SharingError) -> HttpResponse:
    messages.error(request, str(exc))
    return redirect("case_members", case_id=case.pk)


@require_http_methods(["GET", "POST"])
def member_role(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, member_id: int
) -> HttpResponse:
    case = get_case(request, case_id, Need.OWN)
    member = _member(case, member_id)
    try:
        sharing.check_can_change(member, request.user)
    except SharingError as exc:
        return _refuse(request, case, exc)
    form = RoleForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid() and form.save_guarded():
        messages.success(
            request,
            _("%(name)s is now %(role)s.")
            % {"name": display_name(member.user), "role": member.get_role_display().lower()},
        )
        return redirect("case_members", case_id=case.pk)
    context = {"case": case, "member": member, "form": form, "name": display_name(member.user)}
    return render(request, "cases/sharing/role.html", context)


@require_http_methods(["GET", "POST"])
def member_remove(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, member_id: int
) -> HttpResponse:
    case = get_case(request, case_id, Need.OWN)
    member = _member(case, member_id)
    name = display_name(member.user)
    if request.method == "POST":
        try:
            sharing.remove(member, request.user)
        except SharingError as exc:
            return _refuse(request, case, exc)
        messages.success(request, _("%(name)s no longer has access to this case.") % {"name": name})
        return redirect("case_members", case_id=case.pk)
    return render(
        request,
        "cases/sharing/confirm.html",
        {
            "case": case,
            "title": _("Remove %(name)s from this case?") % {"name": name},
            "body": _(
                "%(name)s will no longer be able to see this case. You can invite them again later."
            )
            % {"name": name},
            "button": _("Yes, remove %(name)s") % {"name": name},
            "warning": True,
        },
    )


@require_http_methods(["GET", "POST"])
def member_transfer(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, member_id: int
) -> HttpResponse:
    case = get_case(request, case_id, Need.OWN)
    member = _member(case, member_id)
    return _transfer(request, case, member)


# Handing over the case hands over who may see it: after the access check, allauth asks
# for the password (or a code) and brings the person back here, their post replayed.
@reauthentication_required
def _transfer(request: AuthenticatedHttpRequest, case: Case, member: Membership) -> HttpResponse:
    name = display_name(member.user)
    if request.method == "POST":
        try:
            sharing.transfer_ownership(case, from_user=request.user, to=member)
        except SharingError as exc:
            return _refuse(request, case, exc)
        messages.success(
            request, _("%(name)s is now the owner. You can still edit the case.") % {"name": name}
        )
        return redirect("case_members", case_id=case.pk)
    return render(
        request,
        "cases/sharing/confirm.html",
        {
            "case": case,
            "title": _("Make %(name)s the owner of this case?") % {"name": name},
            "body": _(
                "%(name)s will decide who has access and can delete the case. "
                "You will stay on as an editor."
            )
            % {"name": name},
            "button": _("Yes, make %(name)s the owner") % {"name": name},
            "warning": False,
        },
    )


def _authority(
    request: AuthenticatedHttpRequest, case: Case, member: Membership, own: bool
) -> HttpResponse:
    form = AuthorityForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid() and form.save_guarded():
        messages.success(request, _("Authority on file saved."))
        return redirect("case_members", case_id=case.pk)
    context = {"case": case, "member": member, "form": form, "own": own}
    context["name"] = display_name(member.user)
    return render(request, "cases/sharing/authority.html", context)


@require_http_methods(["GET", "POST"])
def member_authority(
    request: AuthenticatedHttpRequest, case_id: uuid.UUID, member_id: int
) -> HttpResponse:
    case = get_case(request, case_id, Need.OWN)
    member = _member(case, member_id)
    return _authority(request, case, member, own=member.user_id == request.user.pk)


@require_http_methods(["GET", "POST"])
def my_authority(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    """Any member may record the authority they hold themselves."""
    case = get_case(request, case_id, Need.VIEW)
    return _authority(request, case, case.membership, own=True)


@require_http_methods(["GET", "POST"])
def leave(request: AuthenticatedHttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_case(request, case_id, Need.VIEW)
    if request.method == "POST":
        try:
            sharing.leave(case.membership)
        except SharingError as exc:
            return _refuse(request, case, exc)
        messages.success(
            request, _("You have left the case for %(name)s.") % {"name": case.patient_name}
        )
        return redirect("dashboard")
    return _confirm_leave(request, case)


def _confirm_leave(request: AuthenticatedHttpRequest, case: Case) -> HttpResponse:
    """Asks first; the only owner is told instead why they cannot leave."""
    try:
        sharing.check_can_leave(case.membership)
        blocked = ""
    except SharingError as exc:
        blocked = str(exc)
    return render(
        request,
        "cases/sharing/confirm.html",
        {
            "case": case,
            "title": _("Leave this case?"),
            "body": _(
                "You will no longer be able to see this case. The owner can invite you again."
            ),
            "button": _("Yes, leave this case"),
            "warning": True,
            "blocked": blocked,
        },
    )
