"""The invitation link: a public landing page, then acceptance by the invited address.

The landing page is reachable without an account, so it says nothing about the
patient: only who sent the invitation and the role offered.
"""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from cases.http import AuthenticatedHttpRequest
from cases.limits import ListFull
from cases.models import Membership
from cases.services import sharing
from cases.services.sharing import BadInvitationLink, LinkProblem, SharingError, display_name
from cases.text import Text

PROBLEMS = {
    LinkProblem.INVALID: (
        gettext_lazy("This invitation link does not work"),
        gettext_lazy(
            "The link may be incomplete. Check that you copied all of it from the email, or ask "
            "the person who invited you to send it again."
        ),
        404,
    ),
    LinkProblem.EXPIRED: (
        gettext_lazy("This invitation has expired"),
        gettext_lazy(
            "Invitation links work for 7 days. Ask the person who invited you to send it again."
        ),
        410,
    ),
    LinkProblem.REPLACED: (
        gettext_lazy("This invitation link has been replaced"),
        gettext_lazy("A newer invitation was sent. Use the link in the most recent email."),
        410,
    ),
    LinkProblem.USED: (
        gettext_lazy("This invitation has already been used"),
        gettext_lazy(
            "Each invitation link works once. If it was you who accepted it, sign in to see the "
            "case under Your cases."
        ),
        410,
    ),
    LinkProblem.CANCELLED: (
        gettext_lazy("This invitation was cancelled"),
        gettext_lazy(
            "Ask the person who invited you if they still want to share the case with you."
        ),
        410,
    ),
}


# A good link that cannot be accepted: the case already has as many people as it can hold.
CASE_FULL = (
    gettext_lazy("This case cannot take anyone else"),
    gettext_lazy(
        "The case already has as many people as it can hold, so nothing has been "
        "shared with this account. Ask the person who invited you to remove "
        "someone, then use this link again."
    ),
    409,
)


def _refused(request: HttpRequest, title: Text, body: Text, status: int) -> HttpResponse:
    context = {"title": title, "body": body}
    return render(request, "cases/sharing/invitation_problem.html", context, status=status)


def _problem(request: HttpRequest, exc: BadInvitationLink) -> HttpResponse:
    return _refused(request, *PROBLEMS[exc.problem])


@login_not_required
@require_safe
def landing(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = sharing.invitation_from_token(token)
    except BadInvitationLink as exc:
        if exc.problem is LinkProblem.USED and request.user.is_authenticated:
            # The person who accepted comes back through the old link: take them in.
            used = exc.invitation
            assert used is not None  # a used link names its invitation
            if Membership.objects.filter(case=used.case, user=request.user).exists():
                return redirect(used.case)
        return _problem(request, exc)
    here = reverse("invitation_landing", kwargs={"token": token})
    context = {
        "invitation": invitation,
        "token": token,
        "inviter": display_name(invitation.invited_by),
        "role": invitation.get_role_display().lower(),
    }
    if request.user.is_authenticated:
        context["matches"] = sharing.email_matches(request.user, invitation.email)
    else:
        # allauth prefills the sign-up form with this address and, since the link
        # reached that mailbox, treats it as verified.
        get_adapter(request).stash_verified_email(request, invitation.email)
        context["signup_url"] = reverse("account_signup") + "?" + urlencode({"next": here})
        context["login_url"] = reverse("account_login") + "?" + urlencode({"next": here})
    return render(request, "cases/sharing/invitation.html", context)


@require_POST
def accept(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    try:
        invitation = sharing.invitation_from_token(token)
        membership = sharing.accept(invitation, request.user)
    except BadInvitationLink as exc:
        return _problem(request, exc)
    except ListFull:
        return _refused(request, *CASE_FULL)
    except SharingError as exc:
        return _refused(request, _("This invitation is for someone else"), str(exc), 403)
    messages.success(
        request,
        _("You now have access to this case as %(role)s.")
        % {"role": membership.get_role_display().lower()},
    )
    return redirect(membership.case)
