from __future__ import annotations

import enum
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .case import Case
from .querysets import CaseItemQuerySet


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    EDITOR = "editor", _("Editor")
    VIEWER = "viewer", _("Viewer")


class Need(enum.IntEnum):
    """What a request asks of a case, from least to most."""

    VIEW = 1  # read the case, download the packet
    EDIT = 2  # change the case's data
    OWN = 3  # share, change roles, delete


# The one table of what each role grants; access checks and templates both ask it.
ROLE_GRANTS = {Role.VIEWER: Need.VIEW, Role.EDITOR: Need.EDIT, Role.OWNER: Need.OWN}


class AuthorityKind(models.TextChoices):
    """What a hospital may ask a caregiver for before talking to them or sending records."""

    NONE = "", _("None on file yet")
    HIPAA_RELEASE = "hipaa_release", _("HIPAA release signed by the patient")
    PROXY = "proxy", _("Health care proxy")
    POA = "poa", _("Power of attorney for health care")
    GUARDIANSHIP = "guardianship", _("Guardianship")
    PARENT = "parent", _("Parent of a minor")


class Membership(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    authority_kind = models.CharField(
        _("Authority on file"), max_length=20, choices=AuthorityKind.choices, blank=True
    )
    authority_expires = models.DateField(_("Authority expires on"), null=True, blank=True)
    # Email reminders about this case: None follows the role (on for owners and editors,
    # off for viewers) until the person chooses; then their choice holds whatever the role.
    reminders = models.BooleanField(_("Email reminders"), null=True, blank=True, default=None)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CaseItemQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="one_membership_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    def grants(self, need: Need) -> bool:
        """Whether this member's role allows what is asked."""
        return ROLE_GRANTS[Role(self.role)] >= need

    @property
    def can_edit(self) -> bool:
        return self.grants(Need.EDIT)

    @property
    def is_owner(self) -> bool:
        return self.grants(Need.OWN)

    @property
    def wants_reminders(self) -> bool:
        if self.reminders is None:
            return self.role in REMINDED_BY_DEFAULT
        return self.reminders

    def choose_reminders(self, on: bool) -> None:
        """The person's own choice, kept whatever their role becomes."""
        self.reminders = on
        self.save(update_fields=["reminders"])


# Roles whose members get email reminders unless they turn them off.
REMINDED_BY_DEFAULT = (Role.OWNER, Role.EDITOR)


def wanting_reminders() -> models.Q:
    """Memberships whose member gets email reminders, as a filter (see wants_reminders)."""
    return models.Q(reminders=True) | models.Q(reminders=None, role__in=REMINDED_BY_DEFAULT)


def _nonce() -> str:
    return secrets.token_urlsafe(16)


class Invitation(models.Model):
    """An invitation by email to join a case. The link is signed, single use, and expires."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("Email address"))
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    nonce = models.CharField(max_length=40, default=_nonce)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = CaseItemQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return _("Invitation for %(email)s") % {"email": self.email}

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.cancelled_at is None
