"""Who may open which page: roles, clinics and a patient's own records."""

import pytest
from django.urls import reverse

from clinic.access import role_of, scope
from clinic.models import Patient

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["patient_list", "patient_create"]


def test_scope_gives_staff_only_their_own_clinics_patients(world):
    visible = set(scope(Patient.objects.all(), world.home.clinician))
    assert visible == {world.home.patient_a, world.home.patient_b}


def test_scope_gives_a_patient_only_themself(world):
    visible = list(scope(Patient.objects.all(), world.home.patient_a.user))
    assert visible == [world.home.patient_a]


def test_scope_gives_a_user_without_a_role_nothing(world, django_user_model):
    stranger = django_user_model.objects.create_user("nobody@example.org", "pw-123456789")
    assert role_of(stranger) is None
    assert not scope(Patient.objects.all(), stranger).exists()


def test_scope_respects_the_allowed_roles(world):
    assert not scope(Patient.objects.all(), world.home.frontdesk, roles=["clinician"]).exists()


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_a_patient_cannot_open_staff_pages(client, world, name):
    client.force_login(world.home.patient_a.user)
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ["patient_detail", "patient_edit"])
def test_a_patient_cannot_open_a_patient_record_even_their_own(client, world, name):
    client.force_login(world.home.patient_a.user)
    response = client.get(reverse(name, args=[world.home.patient_a.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize("name", [*STAFF_PAGES, "clinic_settings", "home"])
def test_anonymous_users_are_sent_to_the_login_page(client, world, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["admin", "clinician", "frontdesk"])
@pytest.mark.parametrize("name", ["patient_detail", "patient_edit"])
def test_staff_get_404_for_another_clinics_patient(client, world, role, name):
    client.force_login(getattr(world.home, role))
    foreign = world.other.patient_a
    response = client.get(reverse(name, args=[foreign.pk]))
    assert response.status_code == 404
    response = client.post(reverse("patient_edit", args=[foreign.pk]), {"first_name": "X"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.first_name == "Ada"


@pytest.mark.parametrize("role", ["admin", "clinician", "frontdesk"])
def test_the_patient_list_never_shows_another_clinics_patients(client, world, role):
    client.force_login(getattr(world.home, role))
    response = client.get(reverse("patient_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert world.home.patient_a.full_name in page
    assert world.other.patient_a.full_name not in page


@pytest.mark.parametrize("role", ["clinician", "frontdesk"])
def test_only_the_clinic_admin_opens_clinic_settings(client, world, role):
    client.force_login(getattr(world.home, role))
    assert client.get(reverse("clinic_settings")).status_code == 403
    client.force_login(world.home.admin)
    assert client.get(reverse("clinic_settings")).status_code == 200
