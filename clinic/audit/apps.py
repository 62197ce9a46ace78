"""App configuration of the audit app."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "clinic.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        from . import context

        context.connect_celery_signals()
