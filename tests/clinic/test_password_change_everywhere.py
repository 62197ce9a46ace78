"""Changing a password signs the user out everywhere: other sessions and API tokens."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_a_password_change_ends_other_sessions_and_api_tokens(world):
    user = world.home.patient_a.user
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        response = client.post("/login/", {"username": user.email, "password": PASSWORD})
        assert response.status_code == 302
        assert client.get("/").status_code == 200
    token = Token.objects.create(user=user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/me/").status_code == 200

    new = "a-brand-new-long-passphrase"
    response = here.post(
        "/password/change/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert here.get("/").status_code == 200  # the session that changed it stays signed in
    assert elsewhere.get("/").status_code == 302  # the other one is sent to sign in
    assert api.get("/api/v1/me/").status_code == 401
    assert not Token.objects.filter(user=user).exists()
