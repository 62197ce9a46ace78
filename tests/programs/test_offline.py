"""Installable and offline (issue 19): the web app manifest, the service worker served from the
site root, the patient page that registers it, and session logs sent again with an idempotency
key (a log made offline is written once)."""

import json
import uuid

import pytest
from django.contrib.staticfiles import finders

from programs.models import SessionItemLog, SessionLog
from tests.programs.test_me_api import make_program, session_body, today

pytestmark = pytest.mark.django_db

SESSIONS = "/api/v1/me/sessions/"


# --- manifest and service worker -------------------------------------------------------------


def test_the_manifest_is_public_with_the_documented_fields(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] and manifest["short_name"] == "Groundwork"
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"].startswith("#") and manifest["background_color"]
    assert manifest["icons"], "no icons"
    for icon in manifest["icons"]:
        assert {"src", "sizes", "type"} <= icon.keys()
        # Every icon is a file the project drew and ships in static/.
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]


def test_the_service_worker_is_served_from_the_root_uncached(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    body = b"".join(response.streaming_content).decode()
    assert 'addEventListener("fetch"' in body
    # It keeps only the page marked as the patient's, never an API answer.
    assert "X-Groundwork-Offline" in body and "/api/" not in body


def test_the_patient_page_links_the_manifest_and_registers_the_worker(client, world):
    make_program(world.home, items=1)
    client.force_login(world.home.patient_a.user)
    response = client.get("/")
    html = response.content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'data-service-worker="/sw.js"' in html
    assert f'data-offline-user="{world.home.patient_a.user.pk}"' in html
    assert "js/offline.js" in html
    assert response["X-Groundwork-Offline"] == "patient"
    with open(finders.find("js/offline.js")) as file:
        script = file.read()
    assert "serviceWorker.register(" in script


def test_staff_pages_are_never_marked_for_the_offline_copy(client, world):
    client.force_login(world.home.clinician)
    response = client.get("/")
    assert response.status_code == 200
    assert "X-Groundwork-Offline" not in response
    html = response.content.decode()
    assert "data-offline-user" not in html and "data-service-worker" not in html
    # The sign-out form empties the offline copy (offline.js).
    assert "data-sign-out" in html


# --- idempotency of POST me/sessions/ --------------------------------------------------------


@pytest.fixture
def patient_api(api, world):
    api.force_login(world.home.patient_a.user)
    return api


def test_the_same_key_twice_logs_once_and_answers_the_same(patient_api, world):
    program = make_program(world.home, items=2)
    key = str(uuid.uuid4())
    body = session_body(program, today(world.home))
    first = patient_api.post(SESSIONS, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == 201, first.content
    again = patient_api.post(
        SESSIONS,
        session_body(program, today(world.home), pain_during=6),
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert again.status_code == 200, again.content
    for field in ("id", "program", "date", "items"):
        assert again.json()[field] == first.json()[field]
    assert SessionLog.objects.count() == 1
    # The replay wrote nothing: the first answer's pain stands.
    assert set(SessionItemLog.objects.values_list("pain_during", flat=True)) == {2}
    assert str(SessionLog.objects.get().client_id) == key


def test_the_key_in_the_body_works_the_same(patient_api, world):
    program = make_program(world.home, items=1)
    body = {**session_body(program, today(world.home)), "client_id": str(uuid.uuid4())}
    assert patient_api.post(SESSIONS, body, format="json").status_code == 201
    assert patient_api.post(SESSIONS, body, format="json").status_code == 200
    assert SessionLog.objects.count() == 1 and SessionItemLog.objects.count() == 1


def test_a_new_key_the_same_day_still_changes_the_days_log(patient_api, world):
    program = make_program(world.home, items=1)
    day = today(world.home)
    first = patient_api.post(
        SESSIONS, session_body(program, day), format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
    )
    second = patient_api.post(
        SESSIONS,
        session_body(program, day, pain_during=4),
        format="json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert first.status_code == second.status_code == 201
    assert SessionLog.objects.count() == 1
    assert set(SessionItemLog.objects.values_list("pain_during", flat=True)) == {4}


def test_a_key_belongs_to_its_patient(api, world):
    mine = make_program(world.home, items=1)
    theirs = make_program(world.home, world.home.patient_b, items=1)
    key = str(uuid.uuid4())
    api.force_login(world.home.patient_a.user)
    first = api.post(
        SESSIONS, session_body(mine, today(world.home)), format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert first.status_code == 201
    api.force_login(world.home.patient_b.user)
    other = api.post(
        SESSIONS, session_body(theirs, today(world.home)), format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    # Patient B's request is B's own log, never A's answer.
    assert other.status_code == 201, other.content
    assert other.json()["id"] != first.json()["id"]
    assert other.json()["program"] == theirs.pk
    assert SessionLog.objects.filter(client_id=key).count() == 2


def test_a_bad_key_is_refused_clearly(patient_api, world):
    program = make_program(world.home, items=1)
    body = session_body(program, today(world.home))
    response = patient_api.post(SESSIONS, body, format="json", HTTP_IDEMPOTENCY_KEY="abc")
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    clash = patient_api.post(
        SESSIONS,
        {**body, "client_id": str(uuid.uuid4())},
        format="json",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    assert clash.status_code == 400 and "client_id" in clash.json()
    assert not SessionLog.objects.exists()
