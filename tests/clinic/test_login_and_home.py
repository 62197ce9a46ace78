"""Signing in with the demo accounts and landing on each role's own home page."""

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

DEMO_HOMES = {
    "admin@demo.clinic": "Clinic settings",
    "clinician@demo.clinic": "Today's patients",
    "clinician2@demo.clinic": "Today's patients",
    "frontdesk@demo.clinic": "Today's calendar",
    "patient@demo.clinic": "Your home program",
    "admin@other.clinic": "Other Clinic",
    "clinician@other.clinic": "Today's patients",
}


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


@pytest.mark.parametrize(("email", "marker"), DEMO_HOMES.items())
def test_each_demo_account_signs_in_and_lands_on_its_home(client, demo, email, marker):
    response = client.post(
        reverse("login"), {"username": email, "password": "groundwork-demo"}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("home")
    assert marker in response.content.decode()


def test_e_mail_is_matched_without_regard_to_case(client, demo):
    response = client.post(
        reverse("login"), {"username": "Clinician@Demo.Clinic", "password": "groundwork-demo"}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "form",
    [
        {"username": "clinician@demo.clinic", "password": "wrong"},
        {"username": "nobody@demo.clinic", "password": "groundwork-demo"},
    ],
)
def test_a_wrong_password_and_an_unknown_account_get_the_same_clear_message(client, demo, form):
    response = client.post(reverse("login"), form)
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()


@pytest.mark.parametrize(
    "form",
    [{}, {"username": "not-an-email", "password": ""}, {"username": "x" * 5000, "password": "y"}],
)
def test_malformed_sign_in_input_is_answered_without_a_crash(client, demo, form):
    response = client.post(reverse("login"), form)
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()


def test_sign_out_ends_the_session(client, demo):
    client.post(
        reverse("login"), {"username": "frontdesk@demo.clinic", "password": "groundwork-demo"}
    )
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_the_front_desk_home_shows_todays_appointments_in_clinic_time(client, world):
    from django.utils import timezone

    from tests.factories import AppointmentTypeFactory, appointment

    home = world.home
    kind = AppointmentTypeFactory(clinic=home.clinic)
    today = timezone.localdate(timezone=home.clinic.tz)
    appointment(
        clinic=home.clinic,
        patient=home.patient_a,
        clinician=home.clinician,
        kind=kind,
        day=today,
        hour=9,
    )
    client.force_login(home.frontdesk)
    page = client.get(reverse("home")).content.decode()
    assert "09:00" in page
    assert home.patient_a.full_name in page


def test_the_clinician_home_lists_recent_screens_of_their_clinic_only(client, world):
    from tests.assessments.conftest import make_screen

    mine = make_screen(world.home, knee_to_wall_cm_left=9.0)
    make_screen(world.other, knee_to_wall_cm_left=9.0)
    client.force_login(world.home.clinician)
    page = client.get(reverse("home")).content.decode()
    assert reverse("screen_detail", args=[mine.pk]) in page
    assert world.other.patient_a.full_name not in page


@pytest.mark.parametrize(
    ("full_name", "greeted"),
    [("Dr. Sam Carter", "Sam"), ("Prof Ana Diaz", "Ana"), ("Sam Carter", "Sam"), ("Dr", "Dr")],
)
def test_the_clinician_home_greets_by_first_name(client, world, full_name, greeted):
    world.home.clinician.full_name = full_name
    world.home.clinician.save(update_fields=["full_name"])
    client.force_login(world.home.clinician)
    page = client.get(reverse("home")).content.decode()
    assert f"Good day, {greeted}</h1>" in page
