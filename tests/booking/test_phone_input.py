"""Every booking path reads the phone in E.164 with the clinic's country and refuses a
number that is not one, with the reason on the `phone` field and nothing written."""

import pytest
from django.urls import reverse

from clinic.booking.models import Appointment
from clinic.models import Patient
from tests.booking.test_api import APPOINTMENTS, public_post
from tests.booking.test_public_pages import form_data, page_url

pytestmark = pytest.mark.django_db


def test_the_public_api_stores_a_national_number_in_e164(api, booking):
    response = public_post(api, booking, phone="(410) 555-0123")
    assert response.status_code == 201, response.json()
    assert Patient.objects.get(email="ann@example.org").phone == "+14105550123"


def test_the_public_api_reads_national_numbers_as_the_clinics_country(api, booking):
    booking.clinic.country = "GB"
    booking.clinic.save()
    response = public_post(api, booking, phone="020 7946 0958")
    assert response.status_code == 201, response.json()
    assert Patient.objects.get(email="ann@example.org").phone == "+442079460958"


@pytest.mark.parametrize(
    ("phone", "reason"),
    [
        ("555-0100", "is not a valid phone number"),
        ("call me maybe", "is not a valid phone number"),
        ("+1 900 555 0666", "premium-rate"),
        ("410 555 0100 ext 12", "without an extension"),
    ],
)
def test_the_public_api_refuses_a_bad_number_and_books_nothing(api, booking, phone, reason):
    response = public_post(api, booking, phone=phone)
    assert response.status_code == 400
    (message,) = response.json()["phone"]
    assert reason in message
    assert not Appointment.objects.exists()
    assert not Patient.objects.filter(email="ann@example.org").exists()


def test_the_public_page_refuses_a_bad_number_with_the_reason(client, booking):
    response = client.post(page_url(booking), form_data(booking, phone="555-0100"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "“555-0100” is not a valid phone number. Give the full number, e.g. (201) 555-0123" in (
        page
    )
    assert not Appointment.objects.exists()


def test_the_public_page_stores_the_number_in_e164(client, booking):
    response = client.post(page_url(booking), form_data(booking, phone="410.555.0177"))
    assert response.status_code == 302
    assert Patient.objects.get(email="ann@example.org").phone == "+14105550177"


def test_the_staff_api_refuses_a_bad_number_for_a_new_patient(api, booking):
    api.force_authenticate(booking.world.home.frontdesk)
    body = {
        "type": "follow-up",
        "start": booking.at(9).isoformat(),
        "name": "Nia Park",
        "email": "nia@example.org",
    }
    response = api.post(APPOINTMENTS, {**body, "phone": "12"}, format="json")
    assert response.status_code == 400
    assert "phone" in response.json()
    assert not Appointment.objects.exists()
    response = api.post(APPOINTMENTS, {**body, "phone": "410 555 0188"}, format="json")
    assert response.status_code == 201, response.json()
    assert Patient.objects.get(email="nia@example.org").phone == "+14105550188"


def test_the_staff_booking_form_refuses_a_bad_number(client, booking):
    client.force_login(booking.world.home.frontdesk)
    response = client.post(
        reverse("booking_appointment_new"),
        {
            "appointment_type": booking.follow_up.pk,
            "day": booking.day.isoformat(),
            "start_time": "09:00",
            "name": "Nia Park",
            "email": "nia@example.org",
            "phone": "555-0100",
        },
    )
    assert "is not a valid phone number" in response.content.decode()
    assert not Appointment.objects.exists()
