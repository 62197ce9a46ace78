"""The injury-history onset date (docs/clinical-rules.md §2, §6): API, service, entry form, page."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from assessments.models import Screen
from assessments.selectors import screen_input

pytestmark = pytest.mark.django_db

# Monday 7 December 2026, 10:00 in New York (the test clinics' zone).
NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
SPRAIN = {"condition": "ankle_sprain_acute", "side": "left", "status": "current"}


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(NOW)


def post(api, user, body):
    api.force_authenticate(user)
    return api.post("/api/v1/screens/", body, format="json")


def screen_body(world, *history):
    return {
        "patient": world.home.patient_a.pk,
        "performed_on": "2026-12-07",
        "injury_history": list(history),
    }


def test_the_api_takes_and_returns_an_onset_date(api, world):
    body = screen_body(world, {**SPRAIN, "onset_date": "2026-12-01"})
    created = post(api, world.home.clinician, body)
    assert created.status_code == 201, created.json()
    read = api.get(f"/api/v1/screens/{created.json()['id']}/").json()
    assert read["injury_history"] == [{**SPRAIN, "onset_date": "2026-12-01"}]
    screen = Screen.objects.get()
    assert screen_input(screen).injury_history[0].onset.isoformat() == "2026-12-01"


def test_an_entry_without_a_date_keeps_the_interface_shape(api, world):
    created = post(api, world.home.clinician, screen_body(world, {**SPRAIN, "onset_date": None}))
    assert created.status_code == 201
    assert created.json()["injury_history"] == [SPRAIN]
    assert screen_input(Screen.objects.get()).injury_history[0].onset is None


@pytest.mark.parametrize(
    ("onset", "words"),
    [("2026-12-08", "future"), ("8 days ago", "date"), ("2026-02-30", "date")],
)
def test_a_bad_onset_date_is_a_400_naming_it(api, world, onset, words):
    response = post(api, world.home.clinician, screen_body(world, {**SPRAIN, "onset_date": onset}))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    text = str(response.json()["injury_history"])
    assert "onset" in text.lower() or "date" in text.lower()
    assert words in text.lower()
    assert Screen.objects.count() == 0


def test_the_schema_documents_the_onset_date(api, world):
    api.force_authenticate(world.home.clinician)
    schema = api.get("/api/schema/", {"format": "json"}).json()
    entry = schema["components"]["schemas"]["InjuryHistoryIn"]["properties"]
    assert entry["onset_date"]["format"] == "date"
    assert "14 days" in entry["onset_date"]["description"]


def test_the_entry_form_saves_shows_and_refills_the_onset_date(client, world):
    client.force_login(world.home.clinician)
    response = client.post(
        reverse("screen_create", args=[world.home.patient_a.pk]),
        {
            "performed_on": "2026-12-07",
            "injury_0_condition": "ankle_sprain_acute",
            "injury_0_side": "left",
            "injury_0_status": "current",
            "injury_0_onset_date": "2026-12-03",
            "injury_1_condition": "shin_splints",
            "injury_1_side": "both",
            "injury_1_status": "past",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    screen = Screen.objects.get()
    assert screen.injury_history == [
        {**SPRAIN, "onset_date": "2026-12-03"},
        {"condition": "shin_splints", "side": "both", "status": "past"},
    ]
    page = client.get(response["Location"]).content.decode()
    assert "since 2026-12-03" in page
    edit = client.get(reverse("screen_edit", args=[screen.pk])).content.decode()
    assert 'name="injury_0_onset_date"' in edit and 'value="2026-12-03"' in edit


def test_the_entry_form_refuses_a_future_onset_date(client, world):
    client.force_login(world.home.clinician)
    response = client.post(
        reverse("screen_create", args=[world.home.patient_a.pk]),
        {
            "performed_on": "2026-12-07",
            "injury_0_condition": "ankle_sprain_acute",
            "injury_0_side": "left",
            "injury_0_status": "current",
            "injury_0_onset_date": "2026-12-09",
        },
    )
    assert response.status_code == 200
    assert "in the future" in response.content.decode()
    assert Screen.objects.count() == 0
