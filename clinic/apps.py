from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps

from .site.celery import filesystem_broker_folders


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self):
        filesystem_broker_folders()
        from . import checks, signals  # noqa: F401  (register the checks, connect the receivers)


class ClinicAdminConfig(admin_apps.AdminConfig):
    """Django's admin app, with a site that requires the second factor (clinic.admin_site)."""

    default = False  # "clinic" itself still means ClinicConfig
    default_site = "clinic.admin_site.ClinicAdminSite"
