"""Appointment length is bounded (8 hours plus a 4-hour buffer), which lets availability read
only a bounded window of each clinician's appointments; the longest allowed still blocks."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clinic.booking import selectors
from clinic.booking.models import (
    MAX_BUFFER_MINUTES,
    MAX_DURATION_MINUTES,
    Appointment,
    AppointmentType,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def _longest_type(booking) -> AppointmentType:
    kind = f.AppointmentTypeFactory(
        clinic=booking.clinic,
        slug="all-day-workshop",
        duration_minutes=MAX_DURATION_MINUTES,
        buffer_minutes=MAX_BUFFER_MINUTES,
    )
    kind.clinicians.set([booking.world.home.clinician])
    return kind


def test_the_longest_appointment_from_the_evening_before_still_blocks_the_morning(booking):
    clinician = booking.world.home.clinician
    kind = _longest_type(booking)
    start = booking.at(21, day=booking.day - timedelta(days=1))  # busy until 09:00 on the day
    Appointment.objects.create(
        clinic=booking.clinic,
        patient=booking.world.home.patient_a,
        clinician=clinician,
        appointment_type=kind,
        start=start,
        end=start + timedelta(minutes=kind.duration_minutes),
        busy_until=start + timedelta(minutes=kind.duration_minutes + kind.buffer_minutes),
    )
    slots = selectors.available_slots(
        appointment_type=booking.consult, day=booking.day, clinician=clinician, for_staff=True
    )
    starts = [slot.start for slot in slots]
    assert booking.at(8) not in starts
    assert booking.at(8, 45) not in starts
    assert starts[0] == booking.at(9)


@pytest.mark.parametrize(
    ("duration", "buffer"),
    [(0, 0), (MAX_DURATION_MINUTES + 1, 0), (60, MAX_BUFFER_MINUTES + 1)],
)
def test_a_type_longer_than_the_bounds_is_refused_with_a_clear_error(booking, duration, buffer):
    kind = AppointmentType(
        clinic=booking.clinic,
        name="Too long",
        slug="too-long",
        duration_minutes=duration,
        buffer_minutes=buffer,
    )
    with pytest.raises(ValidationError) as error:
        kind.full_clean()
    assert {"duration_minutes", "buffer_minutes"} & set(error.value.message_dict)


def test_an_appointment_longer_than_twelve_hours_is_refused_by_validation(booking):
    start = booking.at(8)
    appointment = Appointment(
        clinic=booking.clinic,
        patient=booking.world.home.patient_a,
        clinician=booking.world.home.clinician,
        appointment_type=booking.consult,
        start=start,
        end=start + timedelta(hours=12, minutes=1),
    )
    with pytest.raises(ValidationError) as error:
        appointment.full_clean()
    assert "at most 12 hours" in str(error.value.message_dict["end"])


@pytest.mark.postgres
def test_postgresql_refuses_an_appointment_busy_for_more_than_twelve_hours(booking):
    start = booking.at(8)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            clinic=booking.clinic,
            patient=booking.world.home.patient_a,
            clinician=booking.world.home.clinician,
            appointment_type=booking.consult,
            start=start,
            end=start + timedelta(hours=1),
            busy_until=start + timedelta(hours=12, minutes=1),
        )
