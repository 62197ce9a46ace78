"""Staff sessions end after 15 idle minutes or 12 hours; signed-in pages are never cached."""

import time

import pytest
from django.urls import reverse

from clinic.middleware import SESSION_SEEN, SESSION_STARTED

pytestmark = pytest.mark.django_db


def age_session(client, **offsets):
    session = client.session
    now = time.time()
    for key, seconds in offsets.items():
        session[key] = now - seconds
    session.save()


def test_a_staff_session_ends_after_fifteen_idle_minutes(client, world):
    client.force_login(world.home.clinician)
    assert client.get(reverse("patient_list")).status_code == 200
    age_session(client, **{SESSION_SEEN: 15 * 60 + 5})
    response = client.get(reverse("patient_list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert client.get(reverse("patient_list")).status_code == 302


def test_activity_keeps_a_staff_session_alive(client, world):
    client.force_login(world.home.clinician)
    client.get(reverse("patient_list"))
    age_session(client, **{SESSION_SEEN: 14 * 60})
    assert client.get(reverse("patient_list")).status_code == 200


def test_a_staff_session_ends_after_twelve_hours_even_when_active(client, world):
    client.force_login(world.home.frontdesk)
    client.get(reverse("home"))
    age_session(client, **{SESSION_STARTED: 12 * 3600 + 5, SESSION_SEEN: 10})
    assert client.get(reverse("home")).status_code == 302


def test_patients_are_not_signed_out_after_fifteen_minutes(client, world):
    client.force_login(world.home.patient_a.user)
    client.get(reverse("home"))
    age_session(client, **{SESSION_SEEN: 3600})
    assert client.get(reverse("home")).status_code == 200


def test_signed_in_pages_carry_no_store(client, world):
    client.force_login(world.home.clinician)
    response = client.get(reverse("patient_detail", args=[world.home.patient_a.pk]))
    assert response["Cache-Control"] == "no-store, private"


def test_public_pages_for_anonymous_visitors_are_not_marked_private(client, db):
    response = client.get(reverse("magic_link_request"))
    assert "private" not in response.get("Cache-Control", "")


def test_the_last_seen_time_is_saved_at_most_once_a_minute(client, world):
    """No session write on every staff page; the idle clock still moves on."""
    client.force_login(world.home.clinician)
    client.get(reverse("patient_list"))
    first = client.session[SESSION_SEEN]
    client.get(reverse("patient_list"))
    assert client.session[SESSION_SEEN] == first
    age_session(client, **{SESSION_SEEN: 90})
    client.get(reverse("patient_list"))
    assert client.session[SESSION_SEEN] > time.time() - 5
