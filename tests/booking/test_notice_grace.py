"""A booking's confirmation waits a grace period: quick edits send one e-mail, not several."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from clinic.booking import services
from clinic.booking.models import BookingSource
from clinic.notifications.models import Channel, Kind, Notification, Status

GRACE = 120


@pytest.fixture(autouse=True)
def grace(settings, time_machine):
    settings.BOOKING_NOTICE_GRACE_SECONDS = GRACE
    time_machine.move_to(timezone.now())  # the tests step the clock themselves


def book(booking, **kwargs):
    return services.appointment_book(
        clinic=booking.clinic,
        appointment_type=booking.consult,
        start=booking.at(9),
        clinician=booking.world.home.clinician,
        patient=booking.world.home.patient_a,
        **kwargs,
    )


def patient_mail(booking) -> list:
    call_command("dispatch_notifications", verbosity=0)
    sent = [m for m in mail.outbox if m.to == [booking.world.home.patient_a.email]]
    mail.outbox.clear()
    return sent


def notices(booking, *kinds) -> list[Notification]:
    return list(
        Notification.objects.filter(
            patient=booking.world.home.patient_a,
            recipient_user__isnull=True,
            channel=Channel.EMAIL,
            kind__in=kinds,
        ).order_by("pk")
    )


def test_the_confirmation_waits_the_grace_period(booking, time_machine):
    book(booking)
    [confirmation] = notices(booking, Kind.BOOKING_CONFIRMATION)
    assert confirmation.due_at >= timezone.now() + timedelta(seconds=GRACE - 5)
    assert patient_mail(booking) == []  # not yet
    time_machine.shift(GRACE + 1)
    [sent] = patient_mail(booking)
    assert sent.subject.startswith("Your appointment is booked")


def test_a_move_inside_the_grace_period_replaces_the_waiting_confirmation(booking, time_machine):
    appointment = book(booking)
    time_machine.shift(60)
    services.appointment_reschedule(appointment=appointment, start=booking.at(11))
    time_machine.shift(30)
    services.appointment_reschedule(appointment=appointment, start=booking.at(14))
    # One confirmation row, now for 14:00; no change notice besides it.
    [confirmation] = notices(booking, Kind.BOOKING_CONFIRMATION, Kind.BOOKING_CHANGED)
    assert confirmation.kind == Kind.BOOKING_CONFIRMATION
    assert confirmation.payload["start"] == booking.at(14).isoformat()
    # The last edit restarts the wait.
    time_machine.shift(GRACE - 30)
    assert patient_mail(booking) == []
    time_machine.shift(31)
    [sent] = patient_mail(booking)
    assert sent.subject.startswith("Your appointment is booked")
    assert "2:00 PM" in sent.body and "9:00 AM" not in sent.body
    assert "11:00 AM" not in sent.body


def test_after_the_confirmation_quick_moves_send_one_change_from_the_time_told(
    booking, time_machine
):
    appointment = book(booking)
    time_machine.shift(GRACE + 1)
    assert len(patient_mail(booking)) == 1  # the confirmation, for 9:00
    services.appointment_reschedule(appointment=appointment, start=booking.at(11))
    time_machine.shift(20)
    services.appointment_reschedule(appointment=appointment, start=booking.at(14))
    changes = notices(booking, Kind.BOOKING_CHANGED)
    assert len(changes) == 1
    time_machine.shift(GRACE + 1)
    [sent] = patient_mail(booking)
    assert sent.subject.startswith("Your appointment has moved")
    assert "9:00 AM" in sent.body and "2:00 PM" in sent.body  # from what they were told
    assert "11:00 AM" not in sent.body


def test_moving_back_inside_the_grace_period_sends_no_change(booking, time_machine):
    appointment = book(booking)
    time_machine.shift(GRACE + 1)
    assert len(patient_mail(booking)) == 1
    services.appointment_reschedule(appointment=appointment, start=booking.at(11))
    time_machine.shift(20)
    services.appointment_reschedule(appointment=appointment, start=booking.at(9))
    [change] = notices(booking, Kind.BOOKING_CHANGED)
    assert change.status == Status.CANCELLED
    time_machine.shift(GRACE + 1)
    assert patient_mail(booking) == []


def test_booked_and_cancelled_inside_the_grace_period_sends_nothing(booking, time_machine):
    appointment = book(booking)
    time_machine.shift(30)
    services.appointment_cancel(appointment=appointment, reason="Booked by mistake")
    time_machine.shift(GRACE + 1)
    assert patient_mail(booking) == []


def test_cancelled_after_the_confirmation_is_told(booking, time_machine):
    appointment = book(booking, source=BookingSource.STAFF)
    time_machine.shift(GRACE + 1)
    assert len(patient_mail(booking)) == 1
    services.appointment_cancel(appointment=appointment, reason="Clinician ill")
    [sent] = patient_mail(booking)
    assert sent.subject.startswith("Your appointment is cancelled")
