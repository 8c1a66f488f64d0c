from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = gettext_lazy("Cases")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        # Register the case's models with the audit trail (django-auditlog).
        from cases import audit, checks, sessions

        audit.register()
        # The signed-in person on each entry a request writes (cases/middleware.py).
        from auditlog.models import LogEntry
        from django.db.models.signals import pre_save

        from cases.middleware import name_audit_actor

        pre_save.connect(name_audit_actor, sender=LogEntry, dispatch_uid="cases.audit_actor")
        # The 12-hour limit counts from signing in (cases/sessions.py).
        user_logged_in.connect(sessions.stamp_sign_in, dispatch_uid="cases.stamp_sign_in")

        # Signing in opens the account in the language it chose (cases/languages.py).
        from allauth.account.signals import user_logged_in as allauth_logged_in

        from cases import languages

        allauth_logged_in.connect(languages.apply_on_sign_in, dispatch_uid="cases.language")

        # A case never loses its last owner, whichever way a membership is deleted.
        from django.db.models.signals import pre_delete

        from cases.models import Membership
        from cases.services.erasure import guard_last_owner

        pre_delete.connect(guard_last_owner, sender=Membership, dispatch_uid="guard_last_owner")

        # Sign-ins, failures and account changes go to the security log.
        from cases import security

        security.connect()
        checks.register()

        # Removing a file, a record or a case removes its stored objects (post_delete).
        # Any change to a case's data gives the case a new revision (cases/revisions.py).
        from cases import revisions
        from cases.services import files  # noqa: F401

        revisions.connect()


class SecureAdminConfig(admin_apps.AdminConfig):
    """The admin, behind two-factor sign-in for staff (cases/admin_site.py)."""

    default = False  # named in INSTALLED_APPS; CasesConfig stays this module's default

    default_site = "cases.admin_site.SecureAdminSite"
