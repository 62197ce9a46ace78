"""POST /api/v1/me/self-tests/ and the self-test page: ranges per test, own records only,
kept apart from the clinic's screens and shown on the clinician's chart."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders

from assessments.models import Screen
from programs.models import SelfTest

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/self-tests/"


@pytest.fixture
def patient_api(api, world):
    api.force_login(world.home.patient_a.user)
    return api


def body(world, test="knee_to_wall_cm", left=8.5, right=11, **extra):
    return {
        "date": world.home.clinic.today().isoformat(),
        "test": test,
        "left": left,
        "right": right,
        **extra,
    }


def test_a_self_test_is_stored_for_the_patient_and_answered_201(patient_api, world):
    response = patient_api.post(URL, body(world), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["test"] == "knee_to_wall_cm"
    assert (response.json()["left"], response.json()["right"]) == (8.5, 11.0)
    stored = SelfTest.objects.get()
    assert stored.patient == world.home.patient_a and stored.clinic == world.home.clinic
    assert (stored.left, stored.right) == (Decimal("8.5"), Decimal("11.0"))
    assert not Screen.objects.exists()  # apart from the clinic's measurements


@pytest.mark.parametrize(
    ("test", "good", "too_high"),
    [
        ("knee_to_wall_cm", 20, 20.5),
        ("balance_eyes_open_s", 120, 121),
        ("balance_eyes_closed_s", 0, 130),
        ("heel_raise_reps", 100, 101),
    ],
)
def test_each_test_has_its_range(patient_api, world, test, good, too_high):
    ok = patient_api.post(URL, body(world, test, left=good, right=good), format="json")
    assert ok.status_code == 201, ok.content
    bad = patient_api.post(URL, body(world, test, left=good, right=too_high), format="json")
    assert bad.status_code == 400
    assert "right" in bad.json() and "left" not in bad.json()
    assert SelfTest.objects.count() == 1


def test_negative_values_unknown_tests_and_missing_fields_are_400(patient_api, world):
    assert patient_api.post(URL, body(world, left=-1), format="json").status_code == 400
    unknown = patient_api.post(URL, body(world, test="sit_and_reach"), format="json")
    assert unknown.status_code == 400 and "test" in unknown.json()
    missing = patient_api.post(URL, {"test": "heel_raise_reps"}, format="json")
    assert missing.status_code == 400
    assert {"date", "left", "right"} <= set(missing.json())
    assert not SelfTest.objects.exists()


def test_a_future_date_is_refused(patient_api, world):
    tomorrow = (world.home.clinic.today() + timedelta(days=1)).isoformat()
    response = patient_api.post(URL, body(world, date=tomorrow), format="json")
    assert response.status_code == 400 and "date" in response.json()


def test_get_lists_only_the_patients_own(api, world):
    for patient in (world.home.patient_a, world.home.patient_b, world.other.patient_a):
        api.force_login(patient.user)
        assert api.post(URL, body(world), format="json").status_code == 201
    api.force_login(world.home.patient_b.user)
    listed = api.get(URL).json()
    assert len(listed) == 1
    assert SelfTest.objects.get(pk=listed[0]["id"]).patient == world.home.patient_b


@pytest.mark.parametrize("actor", ["clinician", "admin", "frontdesk"])
def test_staff_cannot_post_self_tests(api, world, actor):
    api.force_login(getattr(world.home, actor))
    assert api.post(URL, body(world), format="json").status_code == 403
    assert not SelfTest.objects.exists()


def test_the_page_saves_a_result_and_lists_it(client, world):
    client.force_login(world.home.patient_a.user)
    page = client.get("/me/self-tests/").content.decode()
    assert "data-self-test-timer" in page and "self_test_timer.js" in page
    response = client.post("/me/self-tests/", body(world, "balance_eyes_open_s", 34, 41))
    assert response.status_code == 302
    listed = client.get("/me/self-tests/").content.decode()
    assert "Single-leg balance, eyes open (s)" in listed and "41" in listed


def test_the_heel_raise_test_has_a_tempo_beat_of_2_s_up_and_2_s_down(client, world):
    client.force_login(world.home.patient_a.user)
    page = client.get("/me/self-tests/").content.decode()
    assert "heel_raise_tempo.js" in page
    assert 'data-tempo data-phase-ms="2000"' in page
    # Hidden until the script runs; the sound is a choice, off by default.
    assert 'id="tempo-sound" type="checkbox" data-tempo-sound>' in page


def test_the_tempo_script_is_our_own_and_respects_reduced_motion():
    with open(finders.find("js/heel_raise_tempo.js")) as f:
        script = f.read()
    assert "prefers-reduced-motion: reduce" in script
    with open(finders.find("css/patient.css")) as f:
        css = f.read()
    assert "@media (prefers-reduced-motion: reduce)" in css and ".tempo-bar" in css


def test_the_page_explains_an_out_of_range_value(client, world):
    client.force_login(world.home.patient_a.user)
    response = client.post("/me/self-tests/", body(world, "heel_raise_reps", 30, 250))
    assert response.status_code == 400
    assert "Must be between 0 and 100." in response.content.decode()
    assert not SelfTest.objects.exists()


def test_the_clinician_sees_self_tests_on_the_chart(client, world):
    SelfTest.objects.create(
        patient=world.home.patient_a,
        clinic=world.home.clinic,
        date=world.home.clinic.today(),
        test="knee_to_wall_cm",
        left=Decimal("7.5"),
        right=Decimal("9.0"),
    )
    client.force_login(world.home.clinician)
    page = client.get(f"/patients/{world.home.patient_a.pk}/").content.decode()
    assert "Knee to wall (cm)" in page and "7.5" in page and "larger measurement error" in page
