"""App configuration of assessments: the intake questionnaires follow a booked consult."""

from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"

    def ready(self):
        from clinic.booking.signals import appointment_booked

        from . import questionnaires

        appointment_booked.connect(
            questionnaires.appointment_booked_receiver, dispatch_uid="assessments_intake_proms"
        )
