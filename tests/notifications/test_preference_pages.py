"""Message settings pages: the patient's own, the staff page, and the clinic's reminder times."""

from datetime import time

import pytest

from clinic.notifications.models import (
    ChannelPreference,
    ClinicNotificationSettings,
    ConsentEvent,
)

pytestmark = pytest.mark.django_db

MINE = "/notifications/preferences/"
SETTINGS = "/notifications/settings/"


def staff_page(patient) -> str:
    return f"/notifications/patients/{patient.pk}/preferences/"


def form(**changes) -> dict:
    values = {
        "email_enabled": "on",
        "reminder_time": "",
        "quiet_start": "",
        "quiet_end": "",
        "time_zone": "",
    }
    values.update(changes)
    return {key: value for key, value in values.items() if value is not None}


def test_the_patient_home_links_to_the_settings_page(client, world):
    client.force_login(world.home.patient_a.user)
    assert f'href="{MINE}"' in client.get("/").content.decode()


def test_a_patient_sets_their_time_quiet_hours_and_zone(client, world):
    patient = world.home.patient_a
    client.force_login(patient.user)
    page = client.get(MINE)
    html = page.content.decode()
    assert page.status_code == 200
    assert '<label for="id_reminder_time">' in html and 'type="time"' in html
    assert "Europe/London" in html and "The clinic&#x27;s time zone (America/New_York)" in html
    response = client.post(
        MINE,
        form(
            reminder_time="06:45", quiet_start="22:00", quiet_end="07:00", time_zone="Europe/London"
        ),
    )
    assert response.status_code == 302 and response.url == MINE
    preference = ChannelPreference.objects.get(patient=patient)
    assert (preference.reminder_time, preference.quiet_start, preference.quiet_end) == (
        time(6, 45),
        time(22),
        time(7),
    )
    # One zone per person: it is the patient's, which their pages follow too.
    patient.refresh_from_db()
    assert patient.time_zone == "Europe/London"
    assert not ConsentEvent.objects.exists()


def test_a_patient_turning_e_mail_off_leaves_a_timestamped_record(client, world):
    patient = world.home.patient_a
    client.force_login(patient.user)
    client.post(MINE, form(email_enabled=None))
    event = ConsentEvent.objects.get()
    assert (event.channel, event.granted, event.source, event.actor) == (
        "email",
        False,
        "patient",
        patient.user,
    )
    html = client.get(MINE).content.decode()
    assert "E-mail turned off" in html
    assert event.created_at.astimezone(world.home.clinic.tz).strftime("%Y-%m-%d %H:%M") in html


def test_bad_input_is_refused_with_the_reason_and_the_typed_values_kept(client, world):
    patient = world.home.patient_a
    client.force_login(patient.user)
    response = client.post(MINE, form(sms_enabled="on", quiet_start="21:30"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "no mobile number on file" in html
    assert "Give both the start and the end of the quiet hours" in html
    assert 'value="21:30"' in html
    assert not ChannelPreference.objects.exists() and not ConsentEvent.objects.exists()


def test_front_desk_records_a_patients_choice_with_their_name(client, world):
    patient = world.home.patient_a
    patient.phone = "+14105551230"
    patient.save()
    client.force_login(world.home.frontdesk)
    detail = client.get(f"/patients/{patient.pk}/").content.decode()
    assert f'href="{staff_page(patient)}"' in detail
    response = client.post(staff_page(patient), form(sms_enabled="on"))
    assert response.status_code == 302 and response.url == staff_page(patient)
    event = ConsentEvent.objects.get()
    assert (event.channel, event.granted, event.source, event.actor) == (
        "sms",
        True,
        "staff",
        world.home.frontdesk,
    )
    assert ChannelPreference.objects.get(patient=patient).sms_enabled
    assert str(world.home.frontdesk) in client.get(staff_page(patient)).content.decode()


def test_clinicians_do_not_get_the_settings_link_or_page(client, world):
    patient = world.home.patient_a
    client.force_login(world.home.clinician)
    assert staff_page(patient) not in client.get(f"/patients/{patient.pk}/").content.decode()
    assert client.get(staff_page(patient)).status_code == 403


def test_another_clinics_patient_is_not_found(client, world):
    client.force_login(world.home.admin)
    assert client.get(staff_page(world.other.patient_a)).status_code == 404


def test_the_admin_sets_appointment_reminder_hours(client, world):
    client.force_login(world.home.admin)
    page = client.get(SETTINGS).content.decode()
    assert 'value="24, 2"' in page
    assert f'href="{SETTINGS}"' in client.get("/settings/clinic/").content.decode()
    response = client.post(SETTINGS, {"reminder_hours": "48, 3"})
    assert response.status_code == 302
    saved = ClinicNotificationSettings.objects.get(clinic=world.home.clinic)
    assert saved.reminder_hours_before == [48, 3]
    bad = client.post(SETTINGS, {"reminder_hours": "48, tomorrow"})
    assert bad.status_code == 400
    assert "is not a number of hours" in bad.content.decode()
    assert 'value="48, tomorrow"' in bad.content.decode()
    saved.refresh_from_db()
    assert saved.reminder_hours_before == [48, 3]
