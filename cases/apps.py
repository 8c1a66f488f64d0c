from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the case's models with the activity trail (django-auditlog).
        from cases import activity

        activity.register()
        # Sign-ins, failures and account changes go to the security log.
        from cases import checks, security

        security.connect()
        checks.register()
