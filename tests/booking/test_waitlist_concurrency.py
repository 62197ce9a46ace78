"""Twenty people offered the same freed time confirm at the same moment: one books it.

Each thread has its own database connection, so this runs on PostgreSQL with real
transactions: the booking service's check and its exclusion constraint decide, as they do
for two people booking on the page (tests/booking/test_concurrency.py).
"""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from clinic.booking import services, views, waitlist
from clinic.booking.models import (
    ACTIVE_STATUSES,
    Appointment,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
)
from tests.booking.conftest import build_booking
from tests.concurrency import failures, run_together
from tests.factories import World

RACERS = 20

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True),
]


def offered_to_many(booking, hour: int) -> list[WaitlistOffer]:
    """RACERS people waiting for the consult, all offered the same free time."""
    for i in range(RACERS):
        waitlist.waitlist_join(
            clinic=booking.clinic,
            appointment_type=booking.consult,
            earliest=booking.day,
            latest=booking.day + timedelta(days=1),
            contact=services.Contact(name=f"Runner {i}", email=f"runner{i}@example.org"),
        )
    offers = waitlist.waitlist_offer_slot(
        appointment_type=booking.consult,
        clinician=booking.world.home.clinician,
        start=booking.at(hour),
    )
    assert len(offers) == RACERS
    return offers


@pytest.fixture
def booking():
    return build_booking(World.build())


@pytest.fixture(autouse=True)
def everyone_is_offered(monkeypatch):
    # The race is between all twenty, so each of them must hold an offer; and the page's
    # per-address cap on public posts must not answer for the booking service.
    monkeypatch.setattr(waitlist, "OFFERS_PER_SLOT", RACERS)
    monkeypatch.setattr(views, "PUBLIC_POSTS_PER_HOUR", 10 * RACERS)


def test_twenty_confirmations_of_one_offer_book_exactly_one(booking):
    offers = offered_to_many(booking, hour=10)

    outcomes = run_together(lambda i: waitlist.waitlist_offer_accept(offer=offers[i]), RACERS)

    assert failures(outcomes) == []
    won = [o for o in outcomes if o.outcome is waitlist.OfferOutcome.BOOKED]
    assert len(won) == 1
    assert [o.outcome for o in outcomes].count(waitlist.OfferOutcome.GONE) == RACERS - 1
    booked = Appointment.objects.filter(
        clinician=booking.world.home.clinician, status__in=ACTIVE_STATUSES
    )
    assert list(booked) == [won[0].appointment]
    assert booked.get().start == booking.at(10)
    # One winner on the list; everyone else waits for the next time.
    statuses = list(WaitlistEntry.objects.values_list("status", flat=True))
    assert statuses.count(WaitlistStatus.BOOKED) == 1
    assert statuses.count(WaitlistStatus.WAITING) == RACERS - 1


def test_twenty_presses_of_the_button_give_one_booking_page_and_nineteen_gone(booking):
    offers = offered_to_many(booking, hour=11)
    paths = [waitlist.offer_path(offer) for offer in offers]

    outcomes = run_together(lambda i: APIClient().post(paths[i]).status_code, RACERS)

    assert failures(outcomes) == []
    assert sorted(outcomes) == [200] + [409] * (RACERS - 1)
    assert Appointment.objects.filter(status__in=ACTIVE_STATUSES).count() == 1
