"""Brute-force protection on the sign-in page and the token API (django-axes)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def fail(client, email, times):
    for _ in range(times):
        client.post(reverse("login"), {"username": email, "password": "wrong"})


def test_five_failures_lock_the_account_even_with_the_right_password(client, world):
    email = world.home.clinician.email
    fail(client, email, 5)
    response = client.post(reverse("login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_unknown_account_is_locked_the_same_way(client, world):
    fail(client, "ghost@home.test", 5)
    response = client.post(reverse("login"), {"username": "ghost@home.test", "password": "x"})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_four_failures_then_success_resets_the_count(client, world):
    email = world.home.clinician.email
    fail(client, email, 4)
    assert (
        client.post(reverse("login"), {"username": email, "password": PASSWORD}).status_code == 302
    )
    client.logout()
    fail(client, email, 4)
    assert (
        client.post(reverse("login"), {"username": email, "password": PASSWORD}).status_code == 302
    )


def test_the_lockout_ends_after_the_cool_off(client, world, settings):
    from datetime import timedelta

    email = world.home.clinician.email
    fail(client, email, 5)
    settings.AXES_COOLOFF_TIME = timedelta(seconds=0)
    assert (
        client.post(reverse("login"), {"username": email, "password": PASSWORD}).status_code == 302
    )


def test_the_token_api_locks_out_with_a_json_429(api, world):
    body = {"username": world.home.frontdesk.email, "password": "wrong"}
    for _ in range(5):
        assert api.post("/api/v1/auth/token/", body, format="json").status_code == 400
    response = api.post("/api/v1/auth/token/", {**body, "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.json()["detail"]
