from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)


class ClinicAdminConfig(admin_apps.AdminConfig):
    """Django's admin app, with a site that requires the second factor (clinic.admin_site)."""

    default = False  # "clinic" itself still means ClinicConfig
    default_site = "clinic.admin_site.ClinicAdminSite"
