"""Issue 22, units and language: the pure conversions and PATCH /api/v1/me/."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic import units

distances = st.floats(min_value=0, max_value=1000, allow_nan=False)


def test_the_exact_factors():
    assert units.miles_to_km(1) == 1.609344
    assert units.inches_to_cm(1) == 2.54
    assert units.km_to_miles(42.195) == pytest.approx(26.2188, abs=1e-4)
    assert units.cm_to_inches(10) == pytest.approx(3.937, abs=1e-3)


@given(distances)
def test_km_and_miles_round_trip(value):
    assert units.miles_to_km(units.km_to_miles(value)) == pytest.approx(value)
    assert units.km_to_miles(units.miles_to_km(value)) == pytest.approx(value)


@given(distances)
def test_cm_and_inches_round_trip(value):
    assert units.inches_to_cm(units.cm_to_inches(value)) == pytest.approx(value)
    assert units.cm_from_input(units.cm_for_display(value, "imperial"), "imperial") == (
        pytest.approx(value)
    )


@given(distances)
def test_metric_is_left_alone(value):
    assert units.km_for_display(value, "metric") == value
    assert units.km_from_input(value, "metric") == value
    assert units.cm_for_display(value, "metric") == value


def test_tenths_round_half_up():
    assert str(units.tenths(units.miles_to_km(10))) == "16.1"
    assert str(units.tenths(0.25)) == "0.3"


@pytest.mark.django_db
def test_a_patient_sets_language_and_units(api, world):
    patient = world.home.patient_a
    api.force_authenticate(patient.user)
    before = api.get("/api/v1/me/").json()
    assert (before["language"], before["units"]) == ("en", "metric")
    response = api.patch("/api/v1/me/", {"language": "es", "units": "imperial"}, format="json")
    assert response.status_code == 200
    assert response.json()["language"] == "es" and response.json()["units"] == "imperial"
    patient.refresh_from_db()
    assert (patient.language, patient.units) == ("es", "imperial")
    body = api.get("/api/v1/me/").json()
    assert (body["language"], body["units"]) == ("es", "imperial")
    # One at a time leaves the other as it was.
    assert api.patch("/api/v1/me/", {"units": "metric"}, format="json").json()["language"] == "es"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, field",
    [
        ({"language": "fr"}, "language"),
        ({"units": "miles"}, "units"),
        ({"units": None}, "units"),
        ({"first_name": "Eve"}, "first_name"),
        ({}, "detail"),
    ],
)
def test_bad_values_get_a_400_naming_the_field_and_change_nothing(api, world, body, field):
    patient = world.home.patient_a
    api.force_authenticate(patient.user)
    response = api.patch("/api/v1/me/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    patient.refresh_from_db()
    assert (patient.language, patient.units, patient.first_name) == (
        "en",
        "metric",
        world.home.patient_a.first_name,
    )


@pytest.mark.django_db
def test_the_error_says_which_values_are_allowed(api, world):
    api.force_authenticate(world.home.patient_a.user)
    message = api.patch("/api/v1/me/", {"units": "miles"}, format="json").json()["units"][0]
    assert "metric" in message and "imperial" in message


@pytest.mark.django_db
def test_staff_cannot_patch_me_but_set_units_on_the_patient(api, world):
    api.force_authenticate(world.home.clinician)
    assert api.patch("/api/v1/me/", {"units": "imperial"}, format="json").status_code == 403
    patient = world.home.patient_a
    response = api.patch(f"/api/v1/patients/{patient.pk}/", {"units": "imperial"}, format="json")
    assert response.status_code == 200 and response.json()["units"] == "imperial"
    response = api.patch(f"/api/v1/patients/{patient.pk}/", {"language": "de"}, format="json")
    assert response.status_code == 400 and "language" in response.json()


@pytest.mark.django_db
def test_anonymous_patch_gets_401(api, world):
    assert api.patch("/api/v1/me/", {"units": "imperial"}, format="json").status_code == 401


def test_pace_reads_per_km_or_per_mile():
    assert units.pace_text(300, "metric") == "5:00 /km"
    assert units.pace_text(300, "imperial") == "8:03 /mi"  # 482.8 s
    assert units.pace_text(None, "imperial") == ""
    assert units.distance_label("imperial") == "miles" and units.length_label("metric") == "cm"
