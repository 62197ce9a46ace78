"""API tokens (security review 13): a new one at each sign-in, never cached, expiring after a
staff member's working day (longer for patients), ended by token sign-out, by signing out of
the browser and by deactivation."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from clinic.api_defaults import TOKEN_EXPIRED_MESSAGE
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(user) -> str:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": user.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def age(token: str, **delta) -> None:
    Token.objects.filter(key=token).update(created=timezone.now() - timedelta(**delta))


def test_the_token_answer_is_never_stored_by_a_cache(world):
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": world.home.clinician.email, "password": PASSWORD},
        format="json",
    )
    assert set(response.json()) == {"token"}
    assert "no-store" in response["Cache-Control"]


def test_each_sign_in_replaces_the_previous_token(world):
    first = sign_in(world.home.clinician)
    second = sign_in(world.home.clinician)
    assert first != second
    assert with_token(second).get("/api/v1/patients/").status_code == 200
    assert with_token(first).get("/api/v1/patients/").status_code == 401


def test_a_staff_token_expires_after_the_staff_session_limit(world, settings):
    assert settings.STAFF_TOKEN_MAX_AGE_HOURS == settings.STAFF_SESSION_MAX_HOURS == 12
    token = sign_in(world.home.clinician)
    age(token, hours=11, minutes=59)
    assert with_token(token).get("/api/v1/patients/").status_code == 200
    age(token, hours=12, minutes=1)
    response = with_token(token).get("/api/v1/patients/")
    assert response.status_code == 401
    assert response.json() == {"detail": TOKEN_EXPIRED_MESSAGE}
    assert not Token.objects.filter(key=token).exists()


def test_a_client_still_sending_its_expired_token_can_sign_in_again(world):
    token = sign_in(world.home.clinician)
    age(token, hours=13)
    response = with_token(token).post(
        "/api/v1/auth/token/",
        {"username": world.home.clinician.email, "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    assert with_token(response.json()["token"]).get("/api/v1/patients/").status_code == 200


def test_the_token_lifetime_comes_from_settings(world, settings):
    settings.STAFF_TOKEN_MAX_AGE_HOURS = 1
    token = sign_in(world.home.admin)
    age(token, minutes=61)
    assert with_token(token).get("/api/v1/patients/").status_code == 401


def test_a_patient_token_lasts_thirty_days(world):
    token = sign_in(world.home.patient_a.user)
    age(token, days=29)
    assert with_token(token).get("/api/v1/me/").status_code == 200
    age(token, days=30, minutes=1)
    response = with_token(token).get("/api/v1/me/")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_token_sign_out_ends_that_token(world):
    token = sign_in(world.home.clinician)
    client = with_token(token)
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert client.get("/api/v1/patients/").status_code == 401
    assert client.post("/api/v1/auth/logout/").status_code == 401


def test_token_sign_out_needs_the_token(world):
    client = APIClient()
    client.force_login(world.home.clinician)
    token = sign_in(world.home.clinician)
    assert client.post("/api/v1/auth/logout/").status_code == 401
    assert with_token(token).get("/api/v1/patients/").status_code == 200


def test_signing_out_of_the_browser_ends_the_api_token(world):
    token = sign_in(world.home.clinician)
    browser = Client()
    browser.force_login(world.home.clinician)
    assert browser.post(reverse("logout")).status_code == 302
    assert with_token(token).get("/api/v1/patients/").status_code == 401


def test_deactivation_ends_tokens_and_sessions_and_reactivation_does_not_revive_them(world):
    frontdesk = world.home.frontdesk
    token = sign_in(frontdesk)
    browser = Client()
    browser.force_login(frontdesk)
    assert browser.get(reverse("home")).status_code == 200

    admin = Client()
    admin.force_login(world.home.admin)
    edit = reverse("setup_staff_edit", args=[frontdesk.membership.pk])
    assert admin.post(edit, {"role": "front_desk", "title": ""}).status_code == 302
    assert not Token.objects.filter(user=frontdesk).exists()
    assert (
        admin.post(edit, {"role": "front_desk", "title": "", "is_active": "on"}).status_code == 302
    )

    assert with_token(token).get("/api/v1/patients/").status_code == 401
    assert browser.get(reverse("home")).status_code == 302  # back to the sign-in page
    assert with_token(sign_in(frontdesk)).get("/api/v1/patients/").status_code == 200


def test_a_token_request_that_is_not_a_json_object_is_a_400(world):
    response = APIClient().post(
        "/api/v1/auth/token/", "[" * 5000 + "]" * 5000, content_type="application/json"
    )
    assert response.status_code == 400
    response = APIClient().post("/api/v1/auth/token/", [1, 2], format="json")
    assert response.status_code == 400
    assert "JSON object" in response.json()["detail"]
