"""Booking services: book, refuse bad input, conflicts, reschedule, cancel, patients, links."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clinic.booking import selectors, services
from clinic.booking.models import (
    Appointment,
    AppointmentStatus,
    BookingSettings,
    BookingSource,
    ClinicClosure,
    TimeOff,
)
from clinic.models import Clinic, Patient

pytestmark = pytest.mark.django_db


def book(booking, hour=9, minute=0, **kwargs):
    defaults = {
        "clinic": booking.clinic,
        "appointment_type": booking.consult,
        "start": booking.at(hour, minute),
        "clinician": booking.world.home.clinician,
        "patient": booking.world.home.patient_a,
    }
    return services.appointment_book(**{**defaults, **kwargs})


def test_booking_stores_utc_times_and_the_buffer(booking):
    appointment = book(booking)
    appointment.refresh_from_db()
    assert appointment.start == booking.at(9)
    assert appointment.end == booking.at(10)
    assert appointment.busy_until == booking.at(10, 15)
    assert appointment.status == AppointmentStatus.BOOKED


def test_an_overlapping_booking_is_refused_with_the_nearest_free_slots(booking):
    book(booking)
    with pytest.raises(services.SlotTaken) as taken:
        book(booking, 9, 30, patient=booking.world.home.patient_b)
    nearest = [slot.start for slot in taken.value.nearest]
    assert nearest
    assert booking.at(9, 30) not in nearest
    assert Appointment.objects.count() == 1


def test_the_buffer_keeps_the_following_quarter_hour_free(booking):
    book(booking)
    with pytest.raises(services.SlotTaken):
        book(booking, 10, 0, patient=booking.world.home.patient_b)
    assert book(booking, 10, 15, patient=booking.world.home.patient_b)


def test_any_clinician_takes_the_other_one_when_the_first_is_busy(booking):
    first = book(booking, clinician=None)
    second = book(booking, clinician=None, patient=booking.world.home.patient_b)
    assert {first.clinician, second.clinician} == {
        booking.world.home.clinician,
        booking.clinician2,
    }
    with pytest.raises(services.SlotTaken):
        book(booking, clinician=None, patient=booking.world.home.patient_b)


@pytest.mark.parametrize(
    ("hour", "minute", "day_offset", "message"),
    [
        (9, 7, 0, "not one of the offered start times"),
        (19, 0, 0, "not one of the offered start times"),
        (9, 0, 5, "not one of the offered start times"),  # Saturday
        (9, 0, -30, "in the past"),
    ],
)
def test_bad_starts_are_refused_and_nothing_is_stored(booking, hour, minute, day_offset, message):
    start = booking.at(hour, minute, day=booking.day + timedelta(days=day_offset))
    with pytest.raises(ValidationError) as error:
        book(booking, start=start)
    assert message in str(error.value)
    assert not Appointment.objects.exists()


def test_a_staff_only_type_cannot_be_booked_publicly(booking):
    with pytest.raises(ValidationError, match="cannot be booked online"):
        book(
            booking,
            appointment_type=booking.follow_up,
            patient=None,
            contact=services.Contact(name="Ann Lee", email="ann@example.org"),
            source=BookingSource.PUBLIC,
        )
    assert not Appointment.objects.exists()


def test_another_clinics_type_is_unknown(booking):
    foreign = booking.world.other.clinic.appointment_types.get()
    with pytest.raises(ValidationError, match="Unknown appointment type"):
        book(booking, appointment_type=foreign)


def test_public_bookings_respect_notice_and_horizon_but_staff_do_not(booking):
    BookingSettings.objects.create(clinic=booking.clinic, min_notice_hours=24, horizon_days=14)
    contact = services.Contact(name="Ann Lee", email="ann@example.org")
    far = booking.at(9, day=booking.day + timedelta(days=28))
    with pytest.raises(ValidationError, match="too far ahead"):
        book(booking, start=far, patient=None, contact=contact, source=BookingSource.PUBLIC)
    assert book(booking, start=far)


def test_time_off_and_closures_block_booking(booking):
    TimeOff.objects.create(
        clinic=booking.clinic,
        clinician=booking.world.home.clinician,
        start=booking.at(8),
        end=booking.at(12),
    )
    with pytest.raises(services.SlotTaken):
        book(booking, 10)
    ClinicClosure.objects.create(clinic=booking.clinic, first_day=booking.day, last_day=booking.day)
    with pytest.raises(ValidationError, match="closed"):
        book(booking, 14)


def test_a_public_booking_matches_an_existing_patient_by_email_but_waits_for_them(booking):
    existing = booking.world.home.patient_a
    appointment = book(
        booking,
        patient=None,
        contact=services.Contact(name="Someone Else", email=existing.email.upper()),
        intake=services.Intake(what_hurts="left Achilles", weekly_km=40, goal_race="Boston"),
        source=BookingSource.PUBLIC,
    )
    assert appointment.patient is None
    assert appointment.booking_request.patient == existing
    assert Patient.objects.filter(clinic=booking.clinic).count() == 2
    existing.refresh_from_db()
    assert existing.intake_notes == ""
    # Once the patient confirms, the intake reaches their notes.
    services.booking_request_confirm(booking_request=appointment.booking_request)
    existing.refresh_from_db()
    assert "left Achilles" in existing.intake_notes
    assert "40 km" in existing.intake_notes
    assert "Boston" in existing.intake_notes


def test_a_public_booking_creates_a_new_patient_once(booking):
    contact = services.Contact(name="Ann Marie Lee", email="ann@example.org", phone="555")
    first = book(booking, patient=None, contact=contact, source=BookingSource.PUBLIC)
    second = book(booking, 11, patient=None, contact=contact, source=BookingSource.PUBLIC)
    assert (first.patient.first_name, first.patient.last_name) == ("Ann Marie", "Lee")
    # The second booking names a patient that now exists: it waits for their confirmation.
    assert second.patient is None
    assert second.booking_request.patient == first.patient
    assert Patient.objects.filter(email="ann@example.org").count() == 1


def test_a_staff_booking_with_a_known_email_books_that_patient_at_once(booking):
    existing = booking.world.home.patient_a
    appointment = book(
        booking,
        patient=None,
        contact=services.Contact(name="Ada Home", email=existing.email, phone="555 0199"),
        booked_by=booking.world.home.frontdesk,
    )
    assert (appointment.patient, appointment.status) == (existing, AppointmentStatus.BOOKED)
    existing.refresh_from_db()
    assert existing.phone == "555 0199"  # staff know whom they book: an empty phone is filled


def test_a_malformed_email_is_refused(booking):
    with pytest.raises(ValidationError):
        book(
            booking,
            patient=None,
            contact=services.Contact(name="Ann Lee", email="not-an-email"),
            source=BookingSource.PUBLIC,
        )
    assert not Appointment.objects.exists()


def test_reschedule_moves_and_frees_the_old_time(booking):
    appointment = book(booking)
    services.appointment_reschedule(appointment=appointment, start=booking.at(9, 30))
    appointment.refresh_from_db()
    assert appointment.start == booking.at(9, 30)
    assert appointment.busy_until == booking.at(10, 45)
    assert book(booking, 11, patient=booking.world.home.patient_b)


def test_reschedule_onto_a_taken_time_is_a_conflict(booking):
    first = book(booking)
    second = book(booking, 11, patient=booking.world.home.patient_b)
    with pytest.raises(services.SlotTaken):
        services.appointment_reschedule(appointment=second, start=booking.at(9, 30))
    second.refresh_from_db()
    assert second.start == booking.at(11)
    assert first.start == booking.at(9)


def test_cancel_needs_a_reason_and_frees_the_slot(booking):
    appointment = book(booking)
    with pytest.raises(ValidationError):
        services.appointment_cancel(appointment=appointment, reason=" ")
    services.appointment_cancel(
        appointment=appointment, reason="Ill", cancelled_by=booking.world.home.frontdesk
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancelled_by == booking.world.home.frontdesk
    assert book(booking, patient=booking.world.home.patient_b)


def test_arrived_and_no_show(booking, time_machine):
    appointment = book(booking)
    with pytest.raises(ValidationError):
        services.appointment_mark_no_show(appointment=appointment)
    time_machine.move_to(booking.at(8, 50))  # ten minutes early, on the day
    services.appointment_mark_arrived(appointment=appointment)
    assert appointment.status == AppointmentStatus.ARRIVED
    # The whole appointment moves: an appointment lasts at most 12 hours.
    moved = timezone.now() - timedelta(hours=1)
    Appointment.objects.filter(pk=appointment.pk).update(
        start=moved, end=moved + timedelta(hours=1), busy_until=moved + timedelta(hours=1)
    )
    appointment.refresh_from_db()
    services.appointment_mark_no_show(appointment=appointment)
    assert appointment.status == AppointmentStatus.NO_SHOW


def test_the_manage_token_names_exactly_one_appointment(booking):
    first = book(booking)
    second = book(booking, 11, patient=booking.world.home.patient_b)
    token = services.manage_token(first)
    assert services.appointment_from_token(token) == first
    assert services.appointment_from_token(token[:-2] + "xx") is None
    assert services.appointment_from_token(services.manage_token(second)) == second


def test_patients_cannot_change_inside_the_late_cancel_window(booking):
    appointment = book(booking)
    # The whole appointment moves: an appointment lasts at most 12 hours.
    moved = timezone.now() + timedelta(hours=3)
    Appointment.objects.filter(pk=appointment.pk).update(
        start=moved, end=moved + timedelta(hours=1), busy_until=moved + timedelta(hours=1)
    )
    appointment.refresh_from_db()
    assert not services.patient_may_change(appointment)
    with pytest.raises(services.LateChange):
        services.appointment_cancel_by_patient(appointment=appointment)


def test_patients_may_cancel_well_ahead(booking):
    appointment = book(booking)
    services.appointment_cancel_by_patient(appointment=appointment)
    assert appointment.cancelled_source == BookingSource.PUBLIC
    assert appointment.cancelled_by is None


def test_available_slots_skip_booked_time(booking):
    book(booking)
    slots = selectors.available_slots(
        appointment_type=booking.consult, day=booking.day, clinician=booking.world.home.clinician
    )
    assert booking.at(9) not in [s.start for s in slots]
    assert booking.at(10, 15) in [s.start for s in slots]


def test_arrival_waits_for_the_appointments_day_in_the_clinic(booking, time_machine):
    appointment = book(booking)  # 09:00 New York on booking.day
    later = book(booking, 11, patient=booking.world.home.patient_b)
    # 23:30 the evening before in New York is already the appointment's day in UTC.
    time_machine.move_to(booking.at(23, 30, day=booking.day - timedelta(days=1)))
    assert not services.arrival_allowed(appointment)
    with pytest.raises(ValidationError) as refused:
        services.appointment_mark_arrived(appointment=appointment)
    assert "only on or after that day" in str(refused.value)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    time_machine.move_to(booking.at(0, 5))  # just after midnight on the day: allowed
    services.appointment_mark_arrived(appointment=appointment)
    assert appointment.status == AppointmentStatus.ARRIVED
    time_machine.move_to(booking.at(10, day=booking.day + timedelta(days=1)))  # entered late
    services.appointment_mark_arrived(appointment=later)
    assert later.status == AppointmentStatus.ARRIVED


def test_new_booking_rules_are_seen_at_once_through_the_same_clinic_object(booking):
    BookingSettings.objects.create(clinic=booking.clinic, min_notice_hours=2)
    clinic = Clinic.objects.get(pk=booking.clinic.pk)
    assert selectors.booking_settings(clinic=clinic).min_notice_hours == 2  # now cached
    services.booking_settings_update(clinic=clinic, min_notice_hours=48)
    assert selectors.booking_settings(clinic=clinic).min_notice_hours == 48
    assert selectors.rules_for(clinic=clinic).min_notice.total_seconds() == 48 * 3600
