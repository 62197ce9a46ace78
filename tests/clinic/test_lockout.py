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


# The review's reproductions (security review, section 4) -------------------------------------

TOKEN = "/api/v1/auth/token/"


def sign_in_from(client, email, password, address):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def test_five_failures_from_five_addresses_lock_the_account(client, api, world):
    email = world.home.clinician.email
    codes = [sign_in_from(client, email, "wrong", f"10.0.0.{n}").status_code for n in range(1, 6)]
    assert codes == [200, 200, 200, 200, 429]  # the fifth failure answers with the lockout
    response = sign_in_from(client, email, PASSWORD, "10.0.0.6")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The token API refuses the locked account too, from yet another address.
    body = {"username": email, "password": PASSWORD}
    response = api.post(TOKEN, body, format="json", REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.json()["detail"]


def test_failures_are_stored_against_the_account_whatever_its_case(client, world):
    from axes.models import AccessAttempt

    email = world.home.clinician.email
    fail(client, email.upper(), 3)
    fail(client, f"  {email}", 2)
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {email.lower()}
    assert sign_in_from(client, email, PASSWORD, "127.0.0.1").status_code == 429


def test_failures_for_one_account_lock_neither_another_nor_the_token_api(client, api, world):
    victim, other = world.home.clinician.email, world.home.frontdesk.email
    fail(client, victim, 10)
    # Another account from the very same address: a typo is a typo, the password signs in.
    typo = sign_in_from(client, other, "wrong", "127.0.0.1")
    assert typo.status_code == 200
    assert "do not match" in typo.content.decode()
    assert sign_in_from(client, other, PASSWORD, "127.0.0.1").status_code == 302
    response = api.post(TOKEN, {"username": other, "password": PASSWORD}, format="json")
    assert response.status_code == 200 and response.json()["token"]


def test_a_sign_in_to_another_account_does_not_reset_the_count(client, world):
    victim, attacker = world.home.clinician.email, world.home.frontdesk.email
    for _ in range(3):  # the review: 4 guesses, one sign-in of the attacker's own, repeat
        fail(client, victim, 4)
        assert sign_in_from(client, attacker, PASSWORD, "127.0.0.1").status_code == 302
        client.logout()
    assert sign_in_from(client, victim, PASSWORD, "127.0.0.1").status_code == 429


def test_failures_through_the_api_count_for_the_account(client, api, world):
    email = world.home.frontdesk.email
    for n in range(1, 6):
        body = {"username": email, "password": "wrong"}
        assert api.post(TOKEN, body, format="json", REMOTE_ADDR=f"10.1.0.{n}").status_code == 400
    assert sign_in_from(client, email, PASSWORD, "10.1.0.9").status_code == 429


def test_the_token_api_answers_a_body_without_a_username_with_a_400(api, world):
    response = api.post(TOKEN, {"password": PASSWORD}, format="json")
    assert response.status_code == 400
    assert "username" in response.json()


@pytest.mark.parametrize("body", [[1, 2], "just text"])
def test_the_token_api_answers_a_body_that_is_not_an_object_with_a_400(api, world, body):
    response = api.post(TOKEN, body, format="json")
    assert response.status_code == 400
    assert "username" in response.json()["detail"]


def test_failures_on_the_admin_sign_in_count_for_the_account(client, world):
    email = world.home.admin.email
    for n in range(1, 6):
        body = {"username": email, "password": "wrong", "next": "/admin/"}
        client.post(reverse("admin:login"), body, REMOTE_ADDR=f"10.2.0.{n}")
    assert sign_in_from(client, email, PASSWORD, "10.2.0.9").status_code == 429
