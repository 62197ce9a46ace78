"""The cached week calendar (on in production with Redis): a week is read from the database
once, then from the cache, and every change to what it prints shows on the next visit.

The cache is only used outside a transaction, so these tests commit (transactional_db).
With REDIS_URL set they run against Redis; without it, against the per-process cache.
"""

import re
from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.audit.services import patient_anonymise
from clinic.booking import services
from clinic.services import patient_update
from clinic.setup import appointment_type_save, staff_update

pytestmark = pytest.mark.usefixtures("transactional_db")

CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')


@pytest.fixture(autouse=True)
def cached_weeks(settings):
    # Before the world is made, so making its clinics starts fresh generations.
    settings.BOOKING_CACHE_SECONDS = 3600


@pytest.fixture
def desk(client, booking):
    client.force_login(booking.world.home.frontdesk)
    return client


def week(client, day: date, **params) -> str:
    response = client.get(reverse("booking_calendar_week"), {"date": day.isoformat(), **params})
    assert response.status_code == 200
    return response.content.decode()


def calendar_queries(client, day: date, **params) -> list[str]:
    """The booking tables' queries of one visit (sign-in reads are not the calendar's)."""
    with CaptureQueriesContext(connection) as queries:
        week(client, day, **params)
    return [q["sql"] for q in queries if "booking_" in q["sql"]]


def book(booking, hour: int, patient=None):
    return services.appointment_book(
        clinic=booking.clinic,
        appointment_type=booking.consult,
        start=booking.at(hour),
        clinician=booking.world.home.clinician,
        patient=patient or booking.world.home.patient_a,
    )


def test_a_week_is_read_once_then_from_the_cache(desk, booking):
    book(booking, 9)
    assert calendar_queries(desk, booking.day)  # built
    first = week(desk, booking.day)
    assert calendar_queries(desk, booking.day + timedelta(days=3)) == []  # same week
    assert week(desk, booking.day + timedelta(days=3)).count("appointment-card") == 1
    assert first.count("appointment-card") == 1
    # Another week, or one clinician's week, is its own entry.
    assert calendar_queries(desk, booking.day + timedelta(days=7))
    clinician = booking.world.home.clinician
    assert calendar_queries(desk, booking.day, clinician=str(clinician.pk))
    assert calendar_queries(desk, booking.day, clinician=str(clinician.pk)) == []


def test_an_id_that_is_no_clinician_is_not_kept(desk, booking):
    assert calendar_queries(desk, booking.day, clinician="999999")
    assert calendar_queries(desk, booking.day, clinician="999999")


def test_the_visitors_own_parts_are_not_cached(desk, booking):
    first = week(desk, booking.day)
    other = Client()
    other.force_login(booking.world.home.admin)
    again = week(other, booking.day)
    assert calendar_queries(other, booking.day) == []  # the same week, from the cache
    # Each page carries its own (masked, so fresh) CSRF token, not the first visitor's.
    assert CSRF_HEADER.search(first)[1] != CSRF_HEADER.search(again)[1]
    # The nav names the day asked for, though the week is the cached one.
    thursday = booking.day + timedelta(days=3)
    assert f'name="date" value="{thursday.isoformat()}"' in week(desk, thursday)


def test_bookings_cancellations_and_arrivals_show_at_once(desk, booking):
    assert "appointment-card" not in week(desk, booking.day)
    appointment = book(booking, 9)
    assert f"/calendar/appointments/{appointment.pk}/" in week(desk, booking.day)
    services.appointment_mark_arrived(appointment=appointment)
    assert "status-arrived" in week(desk, booking.day)
    services.appointment_cancel(appointment=appointment, reason="Feeling better")
    assert "status-cancelled" in week(desk, booking.day)


def test_a_patients_new_name_and_anonymising_show_at_once(desk, booking):
    patient = booking.world.home.patient_b
    book(booking, 10, patient=patient)
    assert patient.full_name in week(desk, booking.day)
    patient_update(patient=patient, first_name="Renamed", last_name="Runner")
    assert "Renamed Runner" in week(desk, booking.day)
    patient_anonymise(user=booking.world.home.admin, patient=patient)
    page = week(desk, booking.day)
    assert "Renamed Runner" not in page
    assert f"patient {patient.pk}" in page


def test_saving_what_the_calendar_does_not_print_keeps_the_week(desk, booking):
    patient = booking.world.home.patient_a
    book(booking, 10, patient=patient)
    week(desk, booking.day)
    patient.intake_notes = "Sore left calf"
    patient.save(update_fields=["intake_notes", "updated_at"])
    assert calendar_queries(desk, booking.day) == []


def test_a_types_name_and_colour_show_at_once(desk, booking):
    book(booking, 9)
    assert "Running performance consult" in week(desk, booking.day)
    appointment_type_save(
        clinic=booking.clinic,
        instance=booking.consult,
        clinicians=[booking.world.home.clinician, booking.clinician2],
        name="Gait lab",
        color="#0a0b0c",
    )
    page = week(desk, booking.day)
    assert "Gait lab" in page
    assert 'data-color="#0a0b0c"' in page


def test_a_clinicians_name_and_leaving_show_at_once(desk, booking):
    clinician = booking.world.home.clinician
    book(booking, 9)
    week(desk, booking.day)
    clinician.full_name = "Dr Renamed"
    clinician.save(update_fields=["full_name"])
    page = week(desk, booking.day)
    assert "Dr Renamed" in page  # on the card and in the chooser
    assert f'<option value="{booking.clinician2.pk}">' in page
    staff_update(
        membership=booking.clinician2.membership,
        acting_user=booking.world.home.admin,
        role="front_desk",
        title="",
        is_active=False,
    )
    assert f'<option value="{booking.clinician2.pk}">' not in week(desk, booking.day)


def test_time_off_and_closures_show_at_once(desk, booking):
    week(desk, booking.day)
    services.time_off_create(
        clinic=booking.clinic,
        clinician=booking.clinician2,
        start=booking.at(13),
        end=booking.at(16),
        reason="Course",
    )
    assert "off: Course" in week(desk, booking.day)
    services.closure_create(
        clinic=booking.clinic,
        first_day=booking.day + timedelta(days=2),
        last_day=booking.day + timedelta(days=2),
    )
    assert '<p class="muted">Closed</p>' in week(desk, booking.day)


def test_a_new_time_zone_shows_at_once(desk, booking):
    book(booking, 9)
    assert "<strong>09:00–10:00</strong>" in week(desk, booking.day)
    booking.clinic.time_zone = "America/Los_Angeles"
    booking.clinic.save()
    assert "<strong>06:00–07:00</strong>" in week(desk, booking.day)


def test_inside_a_transaction_the_cache_is_neither_read_nor_filled(desk, booking):
    week(desk, booking.day)  # cached
    with transaction.atomic():
        assert calendar_queries(desk, booking.day)
        book(booking, 9)
        assert calendar_queries(desk, booking.day)
    assert "appointment-card" in week(desk, booking.day)
