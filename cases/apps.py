from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the case's models with the audit trail (django-auditlog).
        from cases import audit

        audit.register()
