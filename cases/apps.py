from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the case's models with the activity trail (django-auditlog).
        from cases import activity

        activity.register()

        # A case never loses its last owner, whichever way a membership is deleted.
        from django.db.models.signals import pre_delete

        from cases.models import Membership
        from cases.services.erasure import guard_last_owner

        pre_delete.connect(guard_last_owner, sender=Membership, dispatch_uid="guard_last_owner")
