"""Signals the outbox sends when a choice that times messages changes, so the apps that own
those messages (programs, booking) re-plan them without the outbox knowing about them."""

from django.dispatch import Signal

# A patient's channels, reminder time, quiet hours or time zone changed; sent inside the
# saving transaction with `patient=`. Receivers put their pending messages at the new time.
preferences_changed = Signal()

# A clinic's appointment reminder times changed; sent inside the saving transaction with
# `clinic=`, after reminders at times no longer wanted were cancelled.
reminder_hours_changed = Signal()
