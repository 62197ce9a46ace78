"""A refused staff booking or move offers the nearest free times as buttons that fill the form."""

import re

import pytest
from django.urls import reverse

from clinic.booking import services
from clinic.booking.models import Appointment

pytestmark = pytest.mark.django_db

PICK = re.compile(
    r'class="[^"]*slot-pick" data-day="([\d-]+)" data-time="(\d\d:\d\d)" '
    r'data-clinician="(\d+)">\w{3} \d+ \w{3} (\d\d:\d\d)</button>'
)


def _book_nine(booking):
    return services.appointment_book(
        clinic=booking.clinic,
        appointment_type=booking.consult,
        start=booking.at(9),
        clinician=booking.world.home.clinician,
        patient=booking.world.home.patient_a,
    )


def _picks(html: str) -> list[tuple[str, str, str, str]]:
    assert "Nearest free times" in html
    return PICK.findall(html)


def test_a_refused_booking_offers_pickable_nearest_times(client, booking):
    _book_nine(booking)
    client.force_login(booking.world.home.frontdesk)
    response = client.post(
        reverse("booking_appointment_new"),
        {
            "appointment_type": booking.follow_up.pk,
            "clinician": booking.world.home.clinician.pk,
            "day": booking.day.isoformat(),
            "start_time": "09:30",
            "patient": booking.world.home.patient_b.pk,
        },
    )
    picks = _picks(response.content.decode())
    assert picks
    for day, time, clinician, label in picks:
        # The button fills the form with the same clinic-local time it shows.
        assert time == label and day == booking.day.isoformat() and time != "09:30"
        assert clinician == str(booking.world.home.clinician.pk)
    assert Appointment.objects.count() == 1


def test_a_refused_move_offers_pickable_nearest_times(client, booking):
    _book_nine(booking)
    later = services.appointment_book(
        clinic=booking.clinic,
        appointment_type=booking.follow_up,
        start=booking.at(14),
        clinician=booking.world.home.clinician,
        patient=booking.world.home.patient_b,
    )
    client.force_login(booking.world.home.frontdesk)
    response = client.post(
        reverse("booking_appointment_move", args=[later.pk]),
        {"day": booking.day.isoformat(), "start_time": "09:15"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert [t for _, t, _, label in _picks(html) if t == label and t != "09:15"]
    assert "js/booking_form.js" in html
    later.refresh_from_db()
    assert later.start == booking.at(14)
