"""allauth's account adapter, where this app's account rules differ from allauth's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.account.adapter import DefaultAccountAdapter
from django.utils.encoding import force_str
from django.utils.translation import gettext

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class AccountAdapter(DefaultAccountAdapter):
    def get_reauthentication_methods(self, user: User) -> list[dict]:
        """Someone with two-factor sign-in confirms it is them with a code, not the password.

        Before deleting a case, handing it over or changing two-factor sign-in, the
        password alone would undo the second factor for whoever has learnt it. A recovery
        code is accepted where the app is lost. allauth sends people to the first method
        listed and refuses the ones not listed.
        """
        methods = super().get_reauthentication_methods(user)
        second_factor = [m for m in methods if m["id"].startswith("mfa_")]
        return second_factor or methods

    def format_email_subject(self, subject: str) -> str:
        """allauth's emails (confirmations, password resets): the subject in the reader's
        language, prefix included."""
        return gettext("Second Opinion: %(subject)s") % {"subject": force_str(subject)}
