"""Fifty simultaneous bookings of overlapping times for one clinician: exactly one wins.

Each thread has its own database connection, so these run on PostgreSQL with real
transactions (the exclusion constraint is what settles the race there).
"""

from datetime import timedelta

import pytest
from django.db import connection
from rest_framework.test import APIClient

from clinic.booking import services
from clinic.booking.models import ACTIVE_STATUSES, Appointment
from tests.booking.conftest import build_booking
from tests.concurrency import run_together as together
from tests.factories import World

THREADS = 50
ROUNDS = 3

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True),
]


def run_together(worker, count=THREADS):
    return together(worker, count)


def test_the_exclusion_constraint_exists():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_constraint WHERE conname = 'appointment_no_overlap_per_clinician'"
        )
        assert cursor.fetchone() == (1,)


def test_fifty_service_calls_for_overlapping_times_book_exactly_one():
    booking = build_booking(World.build())
    clinician = booking.world.home.clinician
    for round_number in range(ROUNDS):
        day = booking.day + timedelta(days=round_number)
        # Starts 09:00, 09:15, 09:30, 09:45: every pair overlaps a 60-minute consult.
        starts = [booking.at(9, 15 * (i % 4), day=day) for i in range(THREADS)]

        def worker(i, starts=starts):
            try:
                return services.appointment_book(
                    clinic=booking.clinic,
                    appointment_type=booking.consult,
                    start=starts[i],
                    clinician=clinician,
                    patient=booking.world.home.patient_a,
                )
            except services.SlotTaken:
                return "taken"

        outcomes = run_together(worker)
        leaked = [o for o in outcomes if isinstance(o, BaseException)]
        assert leaked == []
        assert sum(isinstance(o, Appointment) for o in outcomes) == 1
        assert outcomes.count("taken") == THREADS - 1
        active = Appointment.objects.filter(
            clinician=clinician, status__in=ACTIVE_STATUSES, start__date=day
        )
        assert active.count() == 1


def test_fifty_public_api_requests_for_the_same_slot_give_one_201_and_49_409():
    booking = build_booking(World.build())
    clinician = booking.world.home.clinician
    start = booking.at(10)

    def worker(i):
        response = APIClient().post(
            "/api/v1/public/bookings/?clinic=home",
            {
                "type": "running-performance-consult",
                "start": start.isoformat(),
                "clinician": clinician.pk,
                "name": f"Runner {i}",
                "email": f"runner{i}@example.org",
                "phone": "410 555 0100",
            },
            format="json",
        )
        return response.status_code

    outcomes = run_together(worker)
    assert [o for o in outcomes if not isinstance(o, int)] == []
    assert outcomes.count(201) == 1
    assert outcomes.count(409) == THREADS - 1
    assert Appointment.objects.filter(clinician=clinician, status__in=ACTIVE_STATUSES).count() == 1


def test_fifty_any_clinician_requests_fill_each_clinician_once():
    booking = build_booking(World.build())
    start = booking.at(15)

    def worker(i):
        try:
            return services.appointment_book(
                clinic=booking.clinic,
                appointment_type=booking.consult,
                start=start,
                contact=services.Contact(name=f"Runner {i}", email=f"any{i}@example.org"),
                source="public",
            )
        except services.SlotTaken:
            return "taken"

    outcomes = run_together(worker)
    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    booked = [o for o in outcomes if isinstance(o, Appointment)]
    assert {a.clinician_id for a in booked} == {
        booking.world.home.clinician.pk,
        booking.clinician2.pk,
    }
    assert outcomes.count("taken") == THREADS - 2
    assert Appointment.objects.filter(status__in=ACTIVE_STATUSES).count() == 2


def test_the_database_refuses_an_overlap_that_skips_the_service():
    from django.db import IntegrityError

    booking = build_booking(World.build())
    first = services.appointment_book(
        clinic=booking.clinic,
        appointment_type=booking.consult,
        start=booking.at(9),
        clinician=booking.world.home.clinician,
        patient=booking.world.home.patient_a,
    )
    with pytest.raises(IntegrityError):
        Appointment.objects.create(
            clinic=booking.clinic,
            patient=booking.world.home.patient_b,
            clinician=first.clinician,
            appointment_type=booking.consult,
            start=booking.at(9, 30),
            end=booking.at(10, 30),
        )
