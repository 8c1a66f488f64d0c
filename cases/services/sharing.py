"""Sharing a case: invitations by email, roles, ownership, leaving.

An invitation link is a signed token holding only the invitation's id and nonce. It
expires after seven days, works once, and dies when the invitation is resent (new
nonce) or cancelled. Accepting needs an account signed in with the invited address.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, User
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases import display, limits, security
from cases.http import AuthenticatedHttpRequest
from cases.languages import language_for_email
from cases.models import Case, Invitation, Membership, Role
from cases.models.sharing import _nonce

INVITATION_SALT = "cases.invitation"
INVITATION_MAX_AGE = dt.timedelta(days=7)
AUTHORITY_WARN_DAYS = 30


class SharingError(Exception):
    """A sharing action that would break a rule; the message is shown to the person."""


class LinkProblem(enum.Enum):
    INVALID = "invalid"
    EXPIRED = "expired"
    USED = "used"
    CANCELLED = "cancelled"
    REPLACED = "replaced"


class BadInvitationLink(Exception):
    def __init__(self, problem: LinkProblem, invitation: Invitation | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.invitation = invitation


def display_name(user: AbstractBaseUser | None) -> str:
    """How a person is named to the others on a case (one way: cases.display)."""
    return display.person_name(user)


# Invitations ---------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> Invitation:
    """The pending invitation a link stands for, or BadInvitationLink saying why not."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        raise BadInvitationLink(LinkProblem.EXPIRED) from None
    except signing.BadSignature:
        raise BadInvitationLink(LinkProblem.INVALID) from None
    if not isinstance(data, dict) or not isinstance(pk := data.get("i"), int):
        raise BadInvitationLink(LinkProblem.INVALID)
    invitation = Invitation.objects.select_related("case", "invited_by").filter(pk=pk).first()
    if invitation is None:
        raise BadInvitationLink(LinkProblem.INVALID)
    if invitation.accepted_at:
        raise BadInvitationLink(LinkProblem.USED, invitation)
    if invitation.cancelled_at:
        raise BadInvitationLink(LinkProblem.CANCELLED, invitation)
    if invitation.nonce != data.get("n"):
        raise BadInvitationLink(LinkProblem.REPLACED, invitation)
    return invitation


def invitation_language(invitation: Invitation) -> str:
    """The language to invite someone in: their account's, else the inviter's now."""
    account = get_user_model().objects.filter(email__iexact=invitation.email).first()
    return language_for_email(account)


def send_invitation(request: HttpRequest, invitation: Invitation) -> None:
    """Email the link. The message names the inviter only: no patient, no diagnosis."""
    link = request.build_absolute_uri(
        reverse("invitation_landing", kwargs={"token": invitation_token(invitation)})
    )
    inviter = display_name(invitation.invited_by)
    # In the invited person's language if they have an account; else in the inviter's,
    # the language the family shares (the packet's language is the specialist's).
    with translation.override(invitation_language(invitation)):
        context = {
            "inviter": inviter,
            "link": link,
            "role": invitation.get_role_display().lower(),
            "days": INVITATION_MAX_AGE.days,
        }
        send_mail(
            subject=_("%(inviter)s invited you to help with a case on Second Opinion")
            % {"inviter": inviter},
            message=render_to_string("emails/invitation.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
        )
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    security.log_event(
        "invitation_sent",
        request,
        case=str(invitation.case_id),
        invitation=invitation.pk,
        role=invitation.role,
    )


def invite(request: AuthenticatedHttpRequest, case: Case, *, email: str, role: str) -> Invitation:
    """Invite someone, unless the case has no room (ListFull): pending invitations and
    people with access are both bounded, counted under the case's lock."""
    with transaction.atomic():
        limits.lock_case(case.pk)
        pending = Invitation.objects.filter(case=case, accepted_at=None, cancelled_at=None)
        limits.check_room("invitations", pending)
        members = Membership.objects.filter(case=case).count()
        if members + pending.count() >= limits.most("members"):
            raise limits.ListFull("members")
        invitation = Invitation.objects.create(
            case=case, email=email.strip().lower(), role=role, invited_by=request.user
        )
    # Sent after the commit: the lock is not held while the mail server answers.
    send_invitation(request, invitation)
    return invitation


def room_to_invite(case: Case) -> str | None:
    """Why nobody more can be invited now, or None (the page shows it instead of the form)."""
    pending = Invitation.objects.filter(case=case, accepted_at=None, cancelled_at=None).count()
    if not limits.has_room("invitations", pending):
        return limits.full_message("invitations")
    if not limits.has_room("members", Membership.objects.filter(case=case).count() + pending):
        return limits.full_message("members")
    return None


def _pending_locked(invitation: Invitation) -> Invitation:
    """The invitation as it is now, held until the transaction ends, if still pending.

    The copy a page loaded may be older than an acceptance that landed meanwhile:
    cancelling that copy would tell the owner the link is dead while the person is in.
    """
    current = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not current.is_pending:
        raise SharingError(_("This invitation has already been accepted or cancelled."))
    return current


def resend(request: HttpRequest, invitation: Invitation) -> None:
    """A fresh link; the old one stops working because its nonce no longer matches."""
    with transaction.atomic():
        current = _pending_locked(invitation)
        current.nonce = _nonce()
        current.save(update_fields=["nonce"])
    invitation.nonce = current.nonce
    # Sent after the commit: the lock is not held while the mail server answers.
    send_invitation(request, invitation)


@transaction.atomic
def cancel(invitation: Invitation) -> None:
    current = _pending_locked(invitation)
    current.cancelled_at = invitation.cancelled_at = timezone.now()
    current.save(update_fields=["cancelled_at"])


def email_matches(user: User, email: str) -> bool:
    """Is ``email`` one of the user's addresses? Case does not matter in addresses here."""
    from allauth.account.models import EmailAddress

    wanted = email.strip().lower()
    if (user.email or "").lower() == wanted:
        return True
    return EmailAddress.objects.filter(user=user, email__iexact=wanted).exists()


@transaction.atomic
def accept(invitation: Invitation, user: User) -> Membership:
    """Give ``user`` the invited role. Never lowers a role the person already has."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise BadInvitationLink(
            LinkProblem.USED if invitation.accepted_at else LinkProblem.CANCELLED, invitation
        )
    if not email_matches(user, invitation.email):
        raise SharingError(
            _(
                "This invitation was sent to a different email address. Nothing has been shared "
                "with this account. Sign out, then sign in or create an account with the address "
                "the invitation was sent to."
            )
        )
    limits.lock_case(invitation.case_id)
    members = Membership.objects.filter(case_id=invitation.case_id)
    if not members.filter(user=user).exists():
        limits.check_room("members", members)
    membership, created = Membership.objects.get_or_create(
        case=invitation.case,
        user=user,
        defaults={"role": invitation.role, "invited_by": invitation.invited_by},
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


# Members -------------------------------------------------------------------------------


def _other_owners(membership: Membership) -> bool:
    return (
        Membership.objects.filter(case_id=membership.case_id, role=Role.OWNER)
        .exclude(pk=membership.pk)
        .exists()
    )


def check_can_change(membership: Membership, by: User) -> None:
    """The owner manages others; their own membership changes only by transfer or leaving."""
    if membership.user_id == by.pk:
        raise SharingError(
            _(
                "You cannot change your own access here. To hand the case over, make someone "
                "else the owner."
            )
        )
    if membership.is_owner and not _other_owners(membership):
        raise SharingError(_("A case must always have an owner."))


def remove(membership: Membership, by: User) -> None:
    check_can_change(membership, by)
    membership.delete()


@transaction.atomic
def transfer_ownership(case: Case, *, from_user: User, to: Membership) -> None:
    """``to`` becomes the owner; the old owner stays on as an editor."""
    if to.user_id == from_user.pk:
        raise SharingError(_("You are already the owner."))
    current = Membership.objects.select_for_update().get(case=case, user=from_user)
    # The page's copy of the new owner's membership may have been removed meanwhile.
    new_owner = Membership.objects.select_for_update().filter(pk=to.pk, case=case).first()
    if new_owner is None:
        raise SharingError(_("This person no longer has access to the case."))
    new_owner.role = Role.OWNER
    new_owner.save(update_fields=["role"])
    current.role = Role.EDITOR
    current.save(update_fields=["role"])


def check_can_leave(membership: Membership) -> None:
    if membership.is_owner and not _other_owners(membership):
        raise SharingError(
            _(
                "You are the only owner of this case, so you cannot leave it. Make someone else "
                "the owner first, or delete the case."
            )
        )


@transaction.atomic
def leave(membership: Membership) -> None:
    check_can_leave(membership)
    membership.delete()


# Authority on file ---------------------------------------------------------------------


def authority_warnings(
    memberships: Iterable[Membership], today: dt.date | None = None
) -> list[dict]:
    """Members whose authority expires within 30 days or has expired."""
    today = today or timezone.localdate()
    warnings = []
    for m in memberships:
        if not m.authority_kind or m.authority_expires is None:
            continue
        days = (m.authority_expires - today).days
        if days <= AUTHORITY_WARN_DAYS:
            warnings.append({"membership": m, "days": days, "expired": days < 0})
    return warnings
