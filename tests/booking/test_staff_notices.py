"""Staff e-mails about a patient's own booking changes name what happened in the subject."""

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from clinic.booking import services
from clinic.booking.models import BookingSource


def staff_mail(booking) -> list:
    call_command("dispatch_notifications", verbosity=0)
    desk = booking.world.home.frontdesk.email
    sent = [m for m in mail.outbox if desk in m.to]
    mail.outbox.clear()
    return sent


def test_a_public_booking_move_and_cancel_each_name_what_happened(
    booking, django_capture_on_commit_callbacks, time_machine
):
    # A staff notice is keyed to the second it was sent: the steps are seconds apart.
    time_machine.move_to(timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        appointment = services.appointment_book(
            clinic=booking.clinic,
            appointment_type=booking.consult,
            start=booking.at(9),
            clinician=booking.world.home.clinician,
            contact=services.Contact(name="Riley Marathon", email="riley@example.org"),
            source=BookingSource.PUBLIC,
        )
    [booked] = staff_mail(booking)
    day = f"{booking.day:%A} {booking.day.day} {booking.day:%B}"
    assert booked.subject == (
        f"New booking: Running performance consult on {day} at 9:00 AM - Home Clinic"
    )
    assert "Riley Marathon booked a Running performance consult" in booked.body
    assert "changed a booking" not in booked.body
    assert f"/calendar/appointments/{appointment.pk}/" in booked.body
    # The patient footer ("Questions? Call us") is not for staff.
    assert "Questions?" not in booked.body

    time_machine.shift(5)
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_reschedule(
            appointment=appointment, start=booking.at(11), source=BookingSource.PUBLIC
        )
    [moved] = staff_mail(booking)
    assert moved.subject == f"Moved: Running performance consult to {day} at 11:00 AM - Home Clinic"
    assert f"It was {day} at 9:00 AM" in moved.body

    time_machine.shift(5)
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_cancel(
            appointment=appointment, reason="Injured", source=BookingSource.PUBLIC
        )
    [cancelled] = staff_mail(booking)
    assert cancelled.subject == (
        f"Cancelled: Running performance consult on {day} at 11:00 AM - Home Clinic"
    )
    assert "Riley Marathon cancelled their Running performance consult" in cancelled.body
