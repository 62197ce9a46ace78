"""Signals booking sends about its own appointments."""

from django.dispatch import Signal

# A time that held an appointment is free again: the appointment was cancelled, or moved
# away from it. Sent inside the service's transaction with `appointment_type_id`,
# `clinician_id` and `start` (of the freed time); the waitlist offers it once that commits.
slot_freed = Signal()
