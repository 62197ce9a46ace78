"""The patients API, token sign-in and `me/`: JSON in and out, scoped to the clinic."""

import pytest

from clinic.audit.models import AccessAction, AccessEvent

pytestmark = pytest.mark.django_db

NEW = {
    "first_name": "Ivy",
    "last_name": "Stone",
    "date_of_birth": "1994-07-01",
    "sex": "female",
    "email": "ivy@example.org",
    "phone": "410-555-0100",
}


def test_a_token_is_issued_for_a_valid_e_mail_and_password(api, world):
    response = api.post(
        "/api/v1/auth/token/",
        {"username": world.home.clinician.email, "password": "correct-horse-battery"},
        format="json",
    )
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get("/api/v1/patients/").status_code == 200


def test_a_wrong_password_gets_a_json_400(api, world):
    response = api.post(
        "/api/v1/auth/token/",
        {"username": world.home.clinician.email, "password": "no"},
        format="json",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


def test_the_list_has_only_the_clinics_patients_and_searches(api, world):
    api.force_authenticate(world.home.frontdesk)
    rows = api.get("/api/v1/patients/").json()["results"]
    assert {r["id"] for r in rows} == {world.home.patient_a.pk, world.home.patient_b.pk}
    rows = api.get("/api/v1/patients/", {"search": "ada"}).json()["results"]
    assert [r["id"] for r in rows] == [world.home.patient_a.pk]


@pytest.mark.parametrize("role", ["admin", "clinician", "frontdesk"])
def test_staff_create_a_patient_in_their_clinic(api, world, role):
    api.force_authenticate(getattr(world.home, role))
    response = api.post("/api/v1/patients/", NEW, format="json")
    assert response.status_code == 201, response.json()
    from clinic.models import Patient

    assert Patient.objects.get(pk=response.json()["id"]).clinic == world.home.clinic


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sex", "unknown"),
        ("date_of_birth", "2999-01-01"),
        ("email", "not-an-email"),
        ("first_name", ""),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(api, world, field, value):
    from clinic.models import Patient

    api.force_authenticate(world.home.clinician)
    before = Patient.objects.count()
    response = api.post("/api/v1/patients/", {**NEW, field: value}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Patient.objects.count() == before


def test_a_duplicate_e_mail_is_a_400(api, world):
    api.force_authenticate(world.home.clinician)
    response = api.post(
        "/api/v1/patients/", {**NEW, "email": world.home.patient_a.email}, format="json"
    )
    assert response.status_code == 400


def test_another_clinics_patient_is_404_and_unchanged(api, world):
    api.force_authenticate(world.home.admin)
    foreign = world.other.patient_a
    assert api.get(f"/api/v1/patients/{foreign.pk}/").status_code == 404
    assert not AccessEvent.objects.exists()
    response = api.patch(f"/api/v1/patients/{foreign.pk}/", {"first_name": "Hacked"}, format="json")
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.first_name == "Ada"


def test_staff_patch_a_patient(api, world):
    api.force_authenticate(world.home.clinician)
    response = api.patch(
        f"/api/v1/patients/{world.home.patient_a.pk}/", {"phone": "(410) 555-0199"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["phone"] == "+14105550199"


def test_patients_cannot_use_the_staff_patients_api(api, world):
    api.force_authenticate(world.home.patient_a.user)
    assert api.get("/api/v1/patients/").status_code == 403
    assert api.get(f"/api/v1/patients/{world.home.patient_a.pk}/").status_code == 403


def test_me_returns_the_patients_own_profile(api, world):
    api.force_authenticate(world.home.patient_a.user)
    response = api.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["id"] == world.home.patient_a.pk


def test_me_is_for_patients_only(api, world):
    api.force_authenticate(world.home.clinician)
    assert api.get("/api/v1/me/").status_code == 403


def test_anonymous_requests_get_a_json_401(api, world):
    response = api.get("/api/v1/patients/")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_the_openapi_schema_and_docs_are_served(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/patients/" in schema.content
    assert client.get("/api/docs/").status_code == 200


def test_reading_one_patient_records_one_read_and_the_list_none(api, world):
    patient = world.home.patient_a
    api.force_authenticate(world.home.clinician)
    assert api.get("/api/v1/patients/").status_code == 200
    assert not AccessEvent.objects.exists()
    response = api.get(f"/api/v1/patients/{patient.pk}/")
    assert response.status_code == 200
    assert response.json()["email"] == patient.email
    row = AccessEvent.objects.get()
    assert (row.action, row.object_type, row.patient_id, row.detail) == (
        AccessAction.VIEW,
        "patient",
        patient.pk,
        "api",
    )
    assert row.actor_id == world.home.clinician.pk
