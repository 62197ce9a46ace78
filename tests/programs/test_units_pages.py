"""Issue 22: the check-in, runs and self-test pages follow the patient's units."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from programs.models import SelfTest
from tests.programs.test_me_api import make_program
from tests.programs.test_patient_home import log_yesterday
from tests.programs.test_runs_api import make_run

pytestmark = pytest.mark.django_db


def imperial(patient):
    patient.units = "imperial"
    patient.save(update_fields=["units"])
    return patient


def test_the_check_in_asks_km_or_miles(client, world, time_machine):
    time_machine.move_to(datetime(2026, 12, 8, 13, 0, tzinfo=UTC))  # 08:00 in New York
    log_yesterday(make_program(world.home, items=1))
    client.force_login(world.home.patient_a.user)
    html = client.get("/").content.decode()
    assert "Km run in the last 7 days" in html and 'name="run_km_week"' in html
    assert "run_miles_week" not in html
    imperial(world.home.patient_a)
    html = client.get("/").content.decode()
    assert "Miles run in the last 7 days" in html and 'name="run_miles_week"' in html
    assert 'name="run_km_week"' not in html


def test_the_runs_page_shows_miles_for_an_imperial_patient(client, world):
    patient = world.home.patient_a
    today = world.home.clinic.today()
    make_run(patient, today, 16.09344, minutes=80)  # 10 miles in 80 minutes
    client.force_login(patient.user)
    html = client.get("/me/runs/").content.decode()
    assert "16.09 km" in html and "4:58 /km" in html
    imperial(patient)
    html = client.get("/me/runs/").content.decode()
    assert "10.00 miles in 1:20:00" in html and "(8:00 /mi)" in html
    assert '<th scope="col">miles</th>' in html and " km" not in html
    # Staff read the chart in km whatever the patient chose.
    client.force_login(world.home.clinician)
    assert "16.09 km" in client.get(f"/patients/{patient.pk}/").content.decode()


def test_knee_to_wall_is_typed_and_shown_in_inches(client, world):
    patient = imperial(world.home.patient_a)
    client.force_login(patient.user)
    page = client.get("/me/self-tests/").content.decode()
    assert "Knee to wall (inches)" in page and "in inches." in page
    day = world.home.clinic.today().isoformat()
    form = {"date": day, "test": "knee_to_wall_cm", "left": "4", "right": "3.5"}
    assert client.post("/me/self-tests/", form).status_code == 302
    stored = SelfTest.objects.get()
    assert (stored.left, stored.right) == (Decimal("10.2"), Decimal("8.9"))  # 10.16, 8.89 cm
    page = client.get("/me/self-tests/").content.decode()
    assert "<td>4.0</td><td>3.5</td>" in page
    # Other tests are not lengths: seconds stay seconds.
    form = {"date": day, "test": "balance_eyes_open_s", "left": "30", "right": "25"}
    assert client.post("/me/self-tests/", form).status_code == 302
    assert SelfTest.objects.get(test="balance_eyes_open_s").left == Decimal("30")


def test_too_many_inches_are_refused_in_inches(client, world):
    patient = imperial(world.home.patient_a)
    client.force_login(patient.user)
    day = world.home.clinic.today().isoformat()
    form = {"date": day, "test": "knee_to_wall_cm", "left": "9", "right": "3"}
    response = client.post("/me/self-tests/", form)
    assert response.status_code == 400
    assert "Must be between 0 and 7.8 inches." in response.content.decode()
    assert not SelfTest.objects.exists()


def test_a_metric_patient_still_types_cm(client, world):
    client.force_login(world.home.patient_a.user)
    day = world.home.clinic.today().isoformat()
    form = {"date": day, "test": "knee_to_wall_cm", "left": "9", "right": "3"}
    assert client.post("/me/self-tests/", form).status_code == 302
    assert SelfTest.objects.get().left == Decimal("9")


def test_the_patient_chooses_units_and_language_under_message_settings(client, world):
    patient = world.home.patient_a
    client.force_login(patient.user)
    html = client.get("/notifications/preferences/").content.decode()
    assert 'name="units"' in html and "Miles and inches" in html and 'name="language"' in html
    form = {"email_enabled": "on", "time_zone": "", "units": "imperial", "language": "es"}
    assert client.post("/notifications/preferences/", form).status_code == 302
    patient.refresh_from_db()
    assert (patient.units, patient.language) == ("imperial", "es")
    response = client.post("/notifications/preferences/", {**form, "units": "furlongs"})
    assert response.status_code == 400 and "furlongs" in response.content.decode()
    patient.refresh_from_db()
    assert patient.units == "imperial"


def test_staff_set_units_on_the_patient_form_and_leaving_them_out_keeps_them(client, world):
    patient = imperial(world.home.patient_a)
    client.force_login(world.home.clinician)
    url = f"/patients/{patient.pk}/edit/"
    assert 'name="units"' in client.get(url).content.decode()
    data = {
        "first_name": patient.first_name,
        "last_name": "Lang",
        "date_of_birth": "1990-01-01",
        "sex": "female",
        "email": "",
        "phone": "",
        "time_zone": "",
    }
    assert client.post(url, data).status_code == 302
    patient.refresh_from_db()
    assert (patient.units, patient.last_name) == ("imperial", "Lang")
    assert client.post(url, {**data, "units": "metric", "language": "es"}).status_code == 302
    patient.refresh_from_db()
    assert (patient.units, patient.language) == ("metric", "es")
