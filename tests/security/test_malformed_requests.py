"""Requests that used to be server errors (security review 12): a page size too large for the
database, JSON nested thousands deep, and JSON text that is not valid Unicode. Each is a
clear answer now: a capped page, or a 400 saying what is wrong."""

import pytest
from rest_framework.test import APIClient

from clinic.api_defaults import MAX_PAGE_SIZE
from clinic.models import Patient

pytestmark = pytest.mark.django_db

HUGE = "100000000000000000000"  # 10**20: more than a 64-bit LIMIT can hold


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/drills/",
        "/api/v1/patients/",
        "/api/v1/screens/",
        "/api/v1/programs/",
        "/api/v1/appointments/",
    ],
)
def test_a_huge_limit_is_no_server_error(furnished, url):
    # `furnished`: every list has rows, so the page is really read from the database.
    response = signed_in(furnished.world.home.clinician).get(url, {"limit": HUGE})
    assert response.status_code == 200
    assert 0 < len(response.json()["results"]) <= MAX_PAGE_SIZE


def test_a_page_never_holds_more_than_the_largest_page_size(world):
    clinic = world.home.clinic
    Patient.objects.bulk_create(
        Patient(
            clinic=clinic,
            first_name="P",
            last_name=f"N{n}",
            sex="female",
            email=f"p{n}@example.org",
        )
        for n in range(MAX_PAGE_SIZE + 5)
    )
    for limit in (HUGE, "9223372036854775807", "1000000"):
        body = signed_in(world.home.admin).get("/api/v1/patients/", {"limit": limit}).json()
        assert body["count"] > MAX_PAGE_SIZE
        assert len(body["results"]) == MAX_PAGE_SIZE
        assert f"limit={MAX_PAGE_SIZE}" in body["next"]


def test_json_nested_thousands_deep_is_a_400():
    body = "[" * 5000 + "]" * 5000
    response = APIClient().post("/api/v1/public/bookings/", body, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_a_key_that_is_not_valid_unicode_is_a_400(world):
    patient = world.home.patient_a
    body = f'{{"patient":{patient.pk},"performed_on":"2026-12-01","measurements":{{"\\ud996":1}}}}'
    response = signed_in(world.home.clinician).post(
        "/api/v1/screens/", body, content_type="application/json"
    )
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "\\ud996" in detail and "not valid Unicode" in detail


def test_a_value_that_is_not_valid_unicode_is_a_400(world):
    body = '{"type":"x","name":"Ann \\udc00","email":"a@example.org"}'
    response = APIClient().post("/api/v1/public/bookings/", body, content_type="application/json")
    assert response.status_code == 400
    assert "not valid Unicode" in response.json()["detail"]


def test_a_surrogate_pair_spelt_with_escapes_is_valid_unicode(world):
    body = '{"type":"x","name":"Ann \\ud83c\\udfc3","email":"a@example.org"}'
    response = APIClient().post("/api/v1/public/bookings/", body, content_type="application/json")
    assert response.status_code == 400
    assert "detail" not in response.json()  # field errors: the body itself was understood
