"""App configuration of programs: the drill library sync and its receivers of outbox signals."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate

from .library import sync_after_migrate


class ProgramsConfig(AppConfig):
    name = "programs"

    def ready(self):
        from clinic import services as clinic_services
        from clinic.notifications import signals

        from . import reminders

        post_migrate.connect(sync_after_migrate, sender=self, dispatch_uid="gw_drill_library")
        # A patient's new reminder time or channels move their program messages.
        signals.preferences_changed.connect(
            reminders.replan_for_patient, dispatch_uid="programs_replan_for_patient"
        )
        # Reminders and check-in prompts are due at the patient's local time.
        clinic_services.patient_time_zone_changed.connect(
            reminders.replan_for_patient, dispatch_uid="programs_replan_for_patient_zone"
        )
