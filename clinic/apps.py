from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self):
        from . import checks, signals  # noqa: F401  (register the checks, connect the receivers)
        from .link_tokens import connect_axes_redaction

        connect_axes_redaction()
