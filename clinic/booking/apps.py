"""App configuration of booking: hooks it lends the outbox, and the waitlist's hook on freed
times, connected when the apps are ready."""

from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "clinic.booking"
    label = "booking"
    verbose_name = "Booking"

    def ready(self):
        from clinic import services as clinic_services
        from clinic.notifications import content, signals

        from . import notices, services, tasks
        from .signals import slot_freed

        # The outbox signs an appointment's manage link as it writes a message, through us.
        content.manage_link_builder_register("booking.appointment", services.notice_manage_path)
        signals.preferences_changed.connect(
            notices.replan_for_patient, dispatch_uid="booking_replan_for_patient"
        )
        # Appointment reminders are timed in the patient's zone (quiet hours, the text).
        clinic_services.patient_time_zone_changed.connect(
            notices.replan_for_patient, dispatch_uid="booking_replan_for_patient_zone"
        )
        signals.reminder_hours_changed.connect(
            notices.replan_for_clinic, dispatch_uid="booking_replan_for_clinic"
        )
        # A cancelled or moved appointment's time is offered to the waitlist after commit.
        slot_freed.connect(
            tasks.offer_freed_slot_after_commit, dispatch_uid="booking_waitlist_offers"
        )
