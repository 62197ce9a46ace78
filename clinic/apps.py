from django.apps import AppConfig

from .celery import filesystem_broker_folders


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self):
        filesystem_broker_folders()
