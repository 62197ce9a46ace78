"""Signals booking sends about its own appointments."""

from django.dispatch import Signal

# A time that held an appointment is free again: the appointment was cancelled, or moved
# away from it. Sent inside the service's transaction with `appointment_type_id`,
# `clinician_id` and `start` (of the freed time); the waitlist offers it once that commits.
slot_freed = Signal()

# An appointment was booked for a known patient (staff booking, online booking, or an online
# request the patient confirmed). Sent inside the service's transaction with `appointment`;
# assessments sends the intake questionnaires from it, so a rolled-back booking asks nothing.
appointment_booked = Signal()
