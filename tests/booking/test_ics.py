"""The .ics file e-mailed with a booking follows RFC 5545's line and text rules."""

from datetime import UTC

import pytest

from clinic.booking import services
from clinic.notifications import content
from clinic.notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


def booked(booking):
    return services.appointment_book(
        clinic=booking.clinic,
        appointment_type=booking.consult,
        start=booking.at(9),
        clinician=booking.world.home.clinician,
        patient=booking.world.home.patient_a,
    )


def test_text_is_escaped_and_long_lines_are_folded(booking):
    booking.clinic.address = "12 Long Road, Suite 4; Floor 2, " + "Baltimore " * 10
    booking.clinic.save()
    appointment = booked(booking)
    confirmation = Notification.objects.get(kind=Kind.BOOKING_CONFIRMATION, channel="email")
    ics = content.ics_for(confirmation, content.manage_link(confirmation)).content
    lines = ics.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR"
    assert ics.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = ics.replace("\r\n ", "")
    assert "LOCATION:12 Long Road\\, Suite 4\\; Floor 2\\," in unfolded
    assert f"DTSTART:{booking.at(9).astimezone(UTC):%Y%m%dT%H%M%SZ}" in ics
    assert f"UID:appointment-{appointment.pk}@" in ics
    assert "/book/manage/" in unfolded
    assert "METHOD:PUBLISH" in ics


def test_a_cancellation_sends_the_same_event_as_cancelled(booking):
    appointment = booked(booking)
    services.appointment_cancel(appointment=appointment, reason="Ill")
    notice = Notification.objects.get(kind=Kind.BOOKING_CANCELLED, channel="email")
    ics = content.ics_for(notice).content
    assert "METHOD:CANCEL" in ics and "STATUS:CANCELLED" in ics
    assert f"UID:appointment-{appointment.pk}@" in ics


def test_folding_never_splits_a_multibyte_character():
    line = "SUMMARY:" + "é" * 80
    folded = content.fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
