"""The .ics file e-mailed with a booking follows RFC 5545's line and text rules."""

import importlib
from datetime import UTC
from email import message_from_bytes, policy

import icalendar
import pytest
from django.apps import apps as django_apps
from django.core.mail import EmailMessage

from clinic.booking import services
from clinic.booking.models import Appointment
from clinic.notifications import content, sweep
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


def test_folding_never_splits_a_multibyte_character(booking):
    booking.clinic.name = "é" * 80
    booking.clinic.save()
    booked(booking)
    confirmation = Notification.objects.get(kind=Kind.BOOKING_CONFIRMATION, channel="email")
    ics = content.ics_for(confirmation).content
    assert all(len(part.encode()) <= 75 for part in ics.split("\r\n"))
    assert f"at {'é' * 80}" in ics.replace("\r\n ", "")


# Review 11: a two-line address sent from a textarea (CRLF), and one crafted with bare CRs to
# add an attachment and an alarm to every patient's calendar.
CRAFTED_ADDRESS = (
    "5 Lakeview Avenue\r\nSuite 200\rATTACH:http://evil.example/payload.ics\rBEGIN:VALARM\r"
    "TRIGGER:-PT1M\rACTION:DISPLAY\rDESCRIPTION:Call +1 900 555 0666 now\rEND:VALARM"
)


def calendar_as_received(booking) -> icalendar.Calendar:
    """The .ics of the booking e-mail as the patient's mail program gets it: through Django's
    mail serializer, which turns a bare CR into a line break."""
    confirmation = Notification.objects.get(kind=Kind.BOOKING_CONFIRMATION, channel="email")
    attachment = content.ics_for(confirmation)
    email = EmailMessage("s", "b", to=["p@example.org"])
    email.attach(attachment.filename, attachment.content, attachment.mimetype)
    received = message_from_bytes(email.message().as_bytes(), policy=policy.default)
    (part,) = [p for p in received.walk() if p.get_content_type() == "text/calendar"]
    return icalendar.Calendar.from_ical(part.get_content())


@pytest.mark.parametrize(
    "address", [CRAFTED_ADDRESS, "5 Lakeview Avenue\r\nSuite 200", "Line one\rLine two\x0bend\x07"]
)
def test_a_clinic_address_cannot_add_lines_to_the_calendar_file(booking, address):
    booking.clinic.address = address
    booking.clinic.save()
    booked(booking)
    calendar = calendar_as_received(booking)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    assert calendar.walk("VALARM") == []
    assert "ATTACH" not in events[0]
    # Every line break the address had is one newline; the text is all there, as text.
    expected = "\n".join(address.splitlines()).replace("\x07", "")
    assert str(events[0]["LOCATION"]) == expected


def test_later_messages_about_an_appointment_carry_a_larger_sequence(booking):
    appointment = booked(booking)
    services.appointment_cancel(appointment=appointment, reason="Ill")
    first, last = (
        icalendar.Calendar.from_ical(
            content.ics_for(Notification.objects.get(kind=kind, channel="email")).content
        ).walk("VEVENT")[0]
        for kind in (Kind.BOOKING_CONFIRMATION, Kind.BOOKING_CANCELLED)
    )
    assert first["UID"] == last["UID"]
    assert int(last["SEQUENCE"]) > int(first["SEQUENCE"]) >= 0


def sent_event(notification: Notification) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(content.ics_for(notification).content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_every_move_and_the_cancel_raise_the_sequence_of_one_uid(booking):
    appointment = booked(booking)
    confirmation = Notification.objects.get(kind=Kind.BOOKING_CONFIRMATION, channel="email")
    events = [sent_event(confirmation)]
    for hour in (11, 13):
        # Moved before the confirmation went out: the one waiting confirmation follows the
        # move, with the move's time and sequence (no second e-mail).
        services.appointment_reschedule(appointment=appointment, start=booking.at(hour))
        confirmation.refresh_from_db()
        assert confirmation.payload["start"] == booking.at(hour).isoformat()
        events.append(sent_event(confirmation))
    sweep.sweep()  # the confirmation (13:00) goes out
    services.appointment_reschedule(appointment=appointment, start=booking.at(11))
    (change,) = Notification.objects.filter(kind=Kind.BOOKING_CHANGED, channel="email")
    assert change.payload["start"] == booking.at(11).isoformat()
    events.append(sent_event(change))
    services.appointment_cancel(appointment=appointment, reason="Ill")
    events.append(sent_event(Notification.objects.get(kind=Kind.BOOKING_CANCELLED)))
    appointment.refresh_from_db()
    assert appointment.ics_sequence == 4
    assert {str(event["UID"]) for _, event in events} == {
        f"appointment-{appointment.pk}@" + (str(events[0][1]["UID"]).split("@")[1])
    }
    assert [int(event["SEQUENCE"]) for _, event in events] == [0, 1, 2, 3, 4]
    assert [str(calendar["METHOD"]) for calendar, _ in events] == ["PUBLISH"] * 4 + ["CANCEL"]
    assert [str(event["STATUS"]) for _, event in events] == ["CONFIRMED"] * 4 + ["CANCELLED"]
    assert events[3][1].decoded("DTSTART") == booking.at(11)
    # RFC 5546: PUBLISH and CANCEL name an ORGANIZER (Exchange drops a CANCEL without one).
    assert all(str(event["ORGANIZER"]).startswith("mailto:") for _, event in events)


def test_a_refused_move_leaves_the_sequence_alone(booking):
    appointment = booked(booking)
    services.appointment_book(
        clinic=booking.clinic,
        appointment_type=booking.consult,
        start=booking.at(13),
        clinician=booking.world.home.clinician,
        patient=booking.world.home.patient_b,
    )
    with pytest.raises(services.SlotTaken):
        services.appointment_reschedule(appointment=appointment, start=booking.at(13))
    appointment.refresh_from_db()
    assert appointment.ics_sequence == 0


def test_the_migration_starts_each_counter_above_the_sequences_already_sent(booking):
    """Before the counter, a file's SEQUENCE was its notification's id: the counter starts at
    the largest one sent for the appointment, so the next change still outranks it."""
    migration = importlib.import_module(
        "clinic.booking.migrations.0008_calendar_feed_and_ics_sequence"
    )
    appointment = booked(booking)
    other = services.appointment_book(
        clinic=booking.clinic,
        appointment_type=booking.consult,
        start=booking.at(13),
        clinician=booking.world.home.clinician,
        patient=booking.world.home.patient_b,
    )
    services.appointment_reschedule(appointment=appointment, start=booking.at(11))
    Appointment.objects.update(ics_sequence=0)  # as the AddField leaves them
    migration.sequence_from_sent_files(django_apps, None)
    sent = Notification.objects.filter(
        subject_ref=f"booking.appointment:{appointment.pk}",
        kind__in=[Kind.BOOKING_CONFIRMATION, Kind.BOOKING_CHANGED],
    )
    appointment.refresh_from_db()
    assert appointment.ics_sequence == max(n.pk for n in sent)
    other.refresh_from_db()
    assert (
        other.ics_sequence
        == Notification.objects.get(
            subject_ref=f"booking.appointment:{other.pk}", kind=Kind.BOOKING_CONFIRMATION
        ).pk
    )
