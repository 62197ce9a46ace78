"""The staff booking form's "Repeat" option: an htmx preview marking each occurrence free or
in conflict, and booking the series from the form."""

from datetime import timedelta

import pytest

from clinic.booking.availability import Refusal
from clinic.booking.models import Appointment
from tests import factories as f

pytestmark = pytest.mark.django_db

PREVIEW = "/calendar/series-preview/"
BOOK = "/calendar/book/"


def form_data(booking, **overrides):
    data = {
        "appointment_type": booking.follow_up.pk,
        "clinician": booking.world.home.clinician.pk,
        "day": booking.day.isoformat(),
        "start_time": "09:00",
        "repeat_every": "1",
        "repeat_count": "4",
    }
    data.update(overrides)
    return data


def block(booking, weeks_later: int):
    return f.appointment(
        clinic=booking.clinic,
        patient=booking.world.home.patient_b,
        clinician=booking.world.home.clinician,
        kind=booking.follow_up,
        day=booking.day + timedelta(weeks=weeks_later),
        hour=9,
    )


def test_the_preview_marks_each_occurrence_free_or_in_conflict(client, booking):
    block(booking, 1)
    client.force_login(booking.world.home.frontdesk)
    response = client.get(PREVIEW, form_data(booking))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="occurrence-free"') == 3
    assert html.count('class="occurrence-conflict"') == 1
    assert Refusal.BUSY.value in html
    assert not Appointment.objects.filter(patient=booking.world.home.patient_a).exists()


def test_the_preview_names_a_bad_repeat(client, booking):
    client.force_login(booking.world.home.frontdesk)
    response = client.get(PREVIEW, form_data(booking, repeat_until=booking.day.isoformat()))
    assert response.status_code == 200
    assert "not both" in response.content.decode()
    assert "occurrence-" not in response.content.decode()


def test_the_form_books_the_free_occurrences_of_a_series(client, booking):
    block(booking, 2)
    client.force_login(booking.world.home.frontdesk)
    data = form_data(booking, patient=str(booking.world.home.patient_a.pk))
    response = client.post(BOOK, data, follow=True)
    assert response.status_code == 200
    booked = Appointment.objects.filter(patient=booking.world.home.patient_a)
    assert booked.count() == 3
    assert len({a.series for a in booked}) == 1 and booked[0].series is not None
    html = response.content.decode()
    assert "Booked 3 of 4" in html
    assert Refusal.BUSY.value in html


def test_the_booking_page_offers_repeat(client, booking):
    client.force_login(booking.world.home.frontdesk)
    html = client.get(BOOK).content.decode()
    assert 'name="repeat_every"' in html
    assert PREVIEW in html


def test_a_patient_cannot_preview(client, booking):
    client.force_login(booking.world.home.patient_a.user)
    assert client.get(PREVIEW, form_data(booking)).status_code == 403
