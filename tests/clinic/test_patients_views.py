"""Staff add, find and edit patients in the browser; bad input keeps what was typed."""

import pytest
from django.urls import reverse

from clinic.audit.models import AccessAction, AccessEvent
from clinic.models import Patient

pytestmark = pytest.mark.django_db

VALID = {
    "first_name": "Rita",
    "last_name": "Lang",
    "date_of_birth": "1992-03-04",
    "sex": "female",
    "email": "Rita.Lang@Example.org",
    "phone": "+1 410 555 0101",
}


def test_front_desk_adds_a_patient_to_their_own_clinic(client, world):
    client.force_login(world.home.frontdesk)
    response = client.post(reverse("patient_create"), VALID)
    patient = Patient.objects.get(last_name="Lang")
    assert response.status_code == 302
    assert patient.clinic == world.home.clinic
    assert patient.email == "rita.lang@example.org"


def test_a_future_birth_date_is_refused_and_the_other_values_are_kept(client, world):
    client.force_login(world.home.clinician)
    response = client.post(reverse("patient_create"), {**VALID, "date_of_birth": "2999-01-01"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "cannot be in the future" in page
    assert 'value="Rita"' in page and 'value="+1 410 555 0101"' in page
    assert not Patient.objects.filter(last_name="Lang").exists()


def test_a_duplicate_e_mail_in_the_same_clinic_is_refused(client, world):
    client.force_login(world.home.clinician)
    response = client.post(
        reverse("patient_create"), {**VALID, "email": world.home.patient_a.email.upper()}
    )
    assert "Another patient of this clinic has this e-mail." in response.content.decode()


def test_the_same_e_mail_may_exist_in_another_clinic(client, world):
    client.force_login(world.home.clinician)
    response = client.post(
        reverse("patient_create"), {**VALID, "email": world.other.patient_a.email}
    )
    assert response.status_code == 302


def test_search_finds_patients_by_name_and_e_mail(client, world):
    client.force_login(world.home.frontdesk)
    page = client.get(reverse("patient_list"), {"q": "ben@home"}).content.decode()
    assert world.home.patient_b.full_name in page
    assert world.home.patient_a.full_name not in page


def test_search_answers_htmx_with_only_the_rows(client, world):
    client.force_login(world.home.frontdesk)
    response = client.get(reverse("patient_list"), {"q": "Ada"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page
    assert world.home.patient_a.full_name in page


def test_staff_edit_a_patient(client, world):
    client.force_login(world.home.clinician)
    patient = world.home.patient_a
    response = client.post(reverse("patient_edit", args=[patient.pk]), {**VALID, "email": ""})
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.last_name == "Lang"


def test_the_clinic_admin_changes_the_clinic_settings_and_a_bad_time_zone_is_named(client, world):
    client.force_login(world.home.admin)
    url = reverse("clinic_settings")
    data = {"name": "Harbor Running PT", "time_zone": "Mars/Olympus", "address": "", "phone": ""}
    response = client.post(url, {**data, "email": ""})
    assert "is not a known time zone" in response.content.decode()
    response = client.post(url, {**data, "time_zone": "Europe/Berlin", "email": ""})
    assert response.status_code == 302
    world.home.clinic.refresh_from_db()
    assert world.home.clinic.time_zone == "Europe/Berlin"


@pytest.mark.parametrize("who", ["clinician", "frontdesk", "admin"])
def test_opening_a_patient_records_one_read(client, world, who):
    patient = world.home.patient_a
    client.force_login(getattr(world.home, who))
    assert client.get(reverse("patient_detail", args=[patient.pk])).status_code == 200
    row = AccessEvent.objects.get()
    assert (row.action, row.object_type, row.object_id, row.patient_id) == (
        AccessAction.VIEW,
        "patient",
        patient.pk,
        patient.pk,
    )
    assert (row.actor_id, row.clinic_id) == (getattr(world.home, who).pk, world.home.clinic.pk)


def test_another_clinics_patient_is_404_and_records_nothing(client, world):
    client.force_login(world.other.admin)
    assert client.get(reverse("patient_detail", args=[world.home.patient_a.pk])).status_code == 404
    assert not AccessEvent.objects.exists()
