"""Cached free times (on in production with Redis): a day's free times are read once, and
every change they are built from shows on the next read.

The cache is only used outside a transaction, so these tests commit (transactional_db).
"""

from datetime import time, timedelta

import pytest
from django.core.cache import cache

from clinic.audit.services import patient_anonymise
from clinic.booking import selectors, services
from clinic.setup import staff_update, working_hours_replace

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture(autouse=True)
def cached_free_times(settings):
    settings.BOOKING_CACHE_SECONDS = 3600
    cache.clear()  # nothing kept from an earlier test or run: ids repeat between databases


def starts(booking, clinician=None, **kwargs):
    slots = selectors.available_slots(
        appointment_type=booking.consult, day=booking.day, clinician=clinician, **kwargs
    )
    return [slot.start for slot in slots]


def test_a_day_is_computed_once_then_read_from_the_cache(booking, django_assert_num_queries):
    first = starts(booking)
    with django_assert_num_queries(0):
        assert starts(booking) == first
    assert booking.at(9) in first


def test_a_booking_and_its_cancellation_show_at_once(booking):
    clinician = booking.world.home.clinician
    assert booking.at(9) in starts(booking, clinician)
    appointment = services.appointment_book(
        clinic=booking.clinic,
        appointment_type=booking.consult,
        start=booking.at(9),
        clinician=clinician,
        patient=booking.world.home.patient_a,
    )
    assert booking.at(9) not in starts(booking, clinician)
    services.appointment_cancel(appointment=appointment, reason="Feeling better")
    assert booking.at(9) in starts(booking, clinician)


def test_time_off_hours_and_who_offers_the_type_show_at_once(booking):
    clinician = booking.world.home.clinician
    assert booking.at(14) in starts(booking, clinician)
    services.time_off_create(
        clinic=booking.clinic, clinician=clinician, start=booking.at(13), end=booking.at(16)
    )
    assert booking.at(14) not in starts(booking, clinician)
    # Hours are replaced in bulk (no model signal): the day ends at noon now.
    week = {day: (time(8), time(12)) for day in range(5)}
    working_hours_replace(clinic=booking.clinic, clinician=clinician, week=week)
    assert max(starts(booking, clinician)) < booking.at(12)
    booking.consult.clinicians.remove(clinician)
    assert starts(booking, clinician) == []


def test_a_deactivated_clinician_offers_nothing_at_once(booking):
    assert booking.at(9) in starts(booking, booking.clinician2)
    staff_update(
        membership=booking.clinician2.membership,
        acting_user=booking.world.home.admin,
        role="clinician",
        title="",
        is_active=False,
    )
    assert starts(booking, booking.clinician2) == []


def test_anonymising_a_patient_frees_their_future_appointments(booking):
    clinician = booking.world.home.clinician
    services.appointment_book(
        clinic=booking.clinic,
        appointment_type=booking.consult,
        start=booking.at(10),
        clinician=clinician,
        patient=booking.world.home.patient_b,
    )
    assert booking.at(10) not in starts(booking, clinician)
    patient_anonymise(user=booking.world.home.admin, patient=booking.world.home.patient_b)
    assert booking.at(10) in starts(booking, clinician)


def test_the_booking_window_is_applied_on_every_read_not_cached(booking):
    clinician = booking.world.home.clinician
    assert booking.at(9) in starts(booking, clinician, now=booking.at(6))
    # Later the same day, the cached grid is filtered by the new moment.
    later = starts(booking, clinician, now=booking.at(8) - timedelta(minutes=1))
    assert booking.at(9) not in later  # inside the minimum notice now
    assert booking.at(11) in later


def test_first_hours_for_a_clinician_without_any_show_at_once(booking):
    clinician = booking.clinician2
    working_hours_replace(clinic=booking.clinic, clinician=clinician, week={})
    assert starts(booking, clinician) == []
    week = {day: (time(8), time(18)) for day in range(5)}
    working_hours_replace(clinic=booking.clinic, clinician=clinician, week=week)
    assert booking.at(9) in starts(booking, clinician)
