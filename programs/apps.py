from django.apps import AppConfig
from django.db.models.signals import post_migrate

from .library import sync_after_migrate


class ProgramsConfig(AppConfig):
    name = "programs"

    def ready(self):
        post_migrate.connect(sync_after_migrate, sender=self, dispatch_uid="gw_drill_library")
