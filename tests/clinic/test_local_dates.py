"""A clinic's "today" is the date on its own wall, not the server's UTC date.

Every test here runs at 21:00 on Monday 7 December 2026 in New York, which is already
02:00 on Tuesday the 8th in UTC: code that takes the UTC date is a day ahead there.
"""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from clinic.booking.forms import PublicBookingForm
from clinic.models import Patient
from tests import factories as f

pytestmark = pytest.mark.django_db

NEW_YORK_EVENING = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)
NEW_YORK_TODAY = date(2026, 12, 7)
UTC_TODAY = date(2026, 12, 8)


@pytest.fixture
def evening(time_machine):
    time_machine.move_to(NEW_YORK_EVENING)


def test_each_clinic_has_the_date_of_its_own_zone(evening):
    assert f.ClinicFactory(time_zone="America/New_York").today() == NEW_YORK_TODAY
    assert f.ClinicFactory(time_zone="Europe/London").today() == UTC_TODAY
    assert f.ClinicFactory(time_zone="Pacific/Auckland").today() == UTC_TODAY


def test_the_age_turns_on_the_birthday_in_the_clinic(world, evening, time_machine):
    patient = world.home.patient_a
    patient.date_of_birth = date(1996, 12, 8)
    assert patient.age == 29  # the birthday is tomorrow in New York
    time_machine.move_to(datetime(2026, 12, 8, 5, 0, tzinfo=UTC))  # New York's midnight
    assert patient.age == 30


def test_the_staff_form_refuses_a_birth_date_that_is_tomorrow_in_the_clinic(client, world, evening):
    client.force_login(world.home.frontdesk)
    patient = {"first_name": "Rita", "last_name": "Lang", "sex": "female"}
    response = client.post(
        reverse("patient_create"), {**patient, "date_of_birth": UTC_TODAY.isoformat()}
    )
    assert "cannot be in the future" in response.content.decode()
    response = client.post(
        reverse("patient_create"), {**patient, "date_of_birth": NEW_YORK_TODAY.isoformat()}
    )
    assert response.status_code == 302
    assert Patient.objects.get(last_name="Lang").date_of_birth == NEW_YORK_TODAY


def test_the_api_refuses_a_birth_date_that_is_tomorrow_in_the_clinic(api, world, evening):
    api.force_authenticate(world.home.clinician)
    patient = {"first_name": "Ivy", "last_name": "Stone", "sex": "female"}
    response = api.post(
        "/api/v1/patients/", {**patient, "date_of_birth": UTC_TODAY.isoformat()}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"date_of_birth": ["The date of birth cannot be in the future."]}
    response = api.post(
        "/api/v1/patients/",
        {**patient, "date_of_birth": NEW_YORK_TODAY.isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize(("born", "refused"), [(UTC_TODAY, True), (NEW_YORK_TODAY, False)])
def test_the_public_form_compares_the_birth_date_with_the_clinics_today(
    world, evening, born, refused
):
    form = PublicBookingForm(
        {"name": "Ann Lee", "email": "ann@example.org", "phone": "555 0100"}
        | {"date_of_birth": born.isoformat(), "started": "x"},
        clinic=world.home.clinic,
    )
    form.is_valid()
    assert ("date_of_birth" in form.errors) is refused


def test_the_export_is_named_with_the_clinics_date(client, world, evening):
    client.force_login(world.home.clinician)
    response = client.get(f"/patients/{world.home.patient_a.pk}/export/json/")
    assert response.status_code == 200
    name = f"patient-{world.home.patient_a.pk}-{NEW_YORK_TODAY.isoformat()}.json"
    assert name in response["Content-Disposition"]
