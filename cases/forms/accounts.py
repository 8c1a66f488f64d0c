"""allauth's forms in the app's plain words, with errors where people look for them.

Wired in through ACCOUNT_FORMS and MFA_FORMS in settings. Placeholders are removed
everywhere: they repeat the label, vanish as you type and fail contrast (GOV.UK advice).
"""

from __future__ import annotations

from typing import Any

from allauth.account import forms as account_forms
from allauth.core import context
from allauth.mfa.base import forms as mfa_base_forms
from allauth.mfa.totp import forms as mfa_totp_forms
from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import security
from cases.text import Text

CODE_LABEL = gettext_lazy("Code from your authenticator app")
CODE_HINT = gettext_lazy(
    "The 6-digit code your app shows now. If you cannot use your app, enter a recovery code."
)


TOO_MANY = "too_many_login_attempts"


def _too_many(request: HttpRequest) -> forms.ValidationError:
    """allauth's limit on wrong passwords or codes was reached: log it, say what to do."""
    security.rate_limited(request, "login_failed")
    return forms.ValidationError(
        _(
            "There have been too many attempts to sign in to this account. Wait 5 minutes, "
            "then try again. If you have forgotten your password, reset it."
        ),
        code=TOO_MANY,
    )


class PlainFieldsMixin:
    """Drop placeholders, and relabel fields given in ``labels`` / ``hints``."""

    labels: dict[str, Text] = {}
    hints: dict[str, Text] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            field.widget.attrs.pop("placeholder", None)
            if name in self.labels:
                field.label = self.labels[name]
            if name in self.hints:
                field.help_text = self.hints[name]


class LoginForm(PlainFieldsMixin, account_forms.LoginForm):
    labels = {"login": gettext_lazy("Email address")}
    # The "Forgot your password?" link sits under the form, not inside the hint.
    hints = {"password": ""}

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError as error:
            if error.code == TOO_MANY:
                raise _too_many(self.request) from None
            if error.code != "email_password_mismatch":
                raise
            # A wrong password is the usual cause: say so at the password field, so
            # the error summary links to it and the field is marked.
            self.add_error(
                "password",
                forms.ValidationError(
                    _("The email address or password is not right. Check both and try again."),
                    code=error.code,
                ),
            )
            return self.cleaned_data


class SignupForm(PlainFieldsMixin, account_forms.SignupForm):
    labels = {"email": gettext_lazy("Email address")}
    hints = {
        "email": gettext_lazy(
            "We will only use it to sign you in and to send you password reset links."
        )
    }


class ResetPasswordForm(PlainFieldsMixin, account_forms.ResetPasswordForm):
    labels = {"email": gettext_lazy("Email address")}


class ResetPasswordKeyForm(PlainFieldsMixin, account_forms.ResetPasswordKeyForm):
    pass


class ChangePasswordForm(PlainFieldsMixin, account_forms.ChangePasswordForm):
    labels = {
        "oldpassword": gettext_lazy("Current password"),
        "password1": gettext_lazy("New password"),
        "password2": gettext_lazy("New password (again)"),
    }
    hints = {"oldpassword": ""}


class AddEmailForm(PlainFieldsMixin, account_forms.AddEmailForm):
    labels = {"email": gettext_lazy("Email address")}


class ReauthenticateForm(PlainFieldsMixin, account_forms.ReauthenticateForm):
    pass


class CodeLimitMixin:
    """A code form whose rate limit was reached says so plainly, and logs it."""

    def clean_code(self) -> str:
        try:
            return super().clean_code()  # type: ignore[misc]
        except forms.ValidationError as error:
            if error.code == TOO_MANY:
                raise _too_many(context.request) from None
            raise


class AuthenticateForm(PlainFieldsMixin, CodeLimitMixin, mfa_base_forms.AuthenticateForm):
    labels = {"code": CODE_LABEL}
    hints = {"code": CODE_HINT}


class MFAReauthenticateForm(PlainFieldsMixin, CodeLimitMixin, mfa_base_forms.ReauthenticateForm):
    labels = {"code": CODE_LABEL}
    hints = {"code": CODE_HINT}


class ActivateTOTPForm(PlainFieldsMixin, mfa_totp_forms.ActivateTOTPForm):
    labels = {"code": CODE_LABEL}
    hints = {
        "code": gettext_lazy(
            "After adding Second Opinion to your app, enter the 6-digit code it shows."
        )
    }
