"""Without an SMS provider texts are not offered, a choice of texts falls back to e-mail, and
no text is ever recorded as sent."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from clinic.booking import notices
from clinic.models import Patient
from clinic.notifications import services, sweep
from clinic.notifications.models import (
    Channel,
    ChannelPreference,
    ConsentEvent,
    ConsentSource,
    Kind,
    Notification,
    Status,
)
from clinic.notifications.transports import NO_SMS_PROVIDER, LocmemSmsBackend, sms_available
from tests.notifications.conftest import book

pytestmark = pytest.mark.django_db

MINE = "/notifications/preferences/"


@pytest.fixture
def no_provider(settings):
    settings.SMS_BACKEND = ""


@pytest.fixture
def texter(world):
    """Ada, who chose texts (and kept e-mail on, as it starts) and has a valid number."""
    patient = world.home.patient_a
    patient.phone = "+14105550100"
    patient.save()
    ChannelPreference.objects.create(patient=patient, sms_enabled=True)
    return patient


def _settings_of(module: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "SMS_"))}
    code = f"import {module} as s; print(repr(s.SMS_BACKEND))"
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_with_no_twilio_account_the_settings_name_no_sms_backend():
    done = _settings_of("clinic.settings.base")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "''"
    done = _settings_of("clinic.settings.base", TWILIO_ACCOUNT_SID="AC1")
    assert done.stdout.strip() == "'clinic.notifications.transports.TwilioSmsBackend'"


def test_production_refuses_a_back_end_that_only_pretends_to_send():
    production = {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org"}
    done = _settings_of(
        "clinic.settings.production",
        **production,
        SMS_BACKEND="clinic.notifications.transports.ConsoleSmsBackend",
    )
    assert done.returncode != 0
    assert "only pretends to send texts" in done.stderr
    assert _settings_of("clinic.settings.production", **production).returncode == 0


def test_no_backend_means_no_texts(no_provider):
    assert not sms_available()


def test_the_patients_page_offers_e_mail_only(client, world, no_provider, texter):
    client.force_login(texter.user)
    html = client.get(MINE).content.decode()
    assert 'name="email_enabled"' in html
    assert 'name="sms_enabled"' not in html
    assert "Home Clinic does not send text messages: messages asked for by text come by e-mail" in (
        html
    )


def test_the_staff_page_offers_e_mail_only(client, world, no_provider):
    patient = world.home.patient_a
    client.force_login(world.home.frontdesk)
    html = client.get(f"/notifications/patients/{patient.pk}/preferences/").content.decode()
    assert 'name="email_enabled"' in html and 'name="sms_enabled"' not in html


def test_texts_cannot_be_turned_on_through_the_page_or_the_service(client, world, no_provider):
    patient = world.home.patient_a
    patient.phone = "+14105550100"
    patient.save()
    client.force_login(patient.user)
    form = {"email_enabled": "on", "sms_enabled": "on", "time_zone": ""}
    assert client.post(MINE, form).status_code == 302
    assert not services.preference_of(patient).sms_enabled
    assert not ConsentEvent.objects.filter(channel=Channel.SMS).exists()
    with pytest.raises(ValidationError) as error:
        services.channel_preferences_update(
            patient=patient,
            source=ConsentSource.PATIENT,
            email_enabled=True,
            sms_enabled=True,
            reminder_time=None,
            quiet_start=None,
            quiet_end=None,
            time_zone="",
        )
    assert error.value.message_dict["sms_enabled"] == [
        "This clinic does not send texts; choose e-mail instead."
    ]


def test_saving_the_page_keeps_an_earlier_choice_of_texts(client, no_provider, texter):
    client.force_login(texter.user)
    response = client.post(MINE, {"email_enabled": "on", "reminder_time": "06:30"})
    assert response.status_code == 302
    assert services.preference_of(texter).sms_enabled
    assert not ConsentEvent.objects.exists()


def test_a_choice_of_texts_falls_back_to_e_mail(world, no_provider, texter, in_three_days):
    appointment = book(world.home, start=in_three_days)
    rows = notices.appointment_booked_notify(appointment=appointment)
    assert rows and {row.channel for row in rows} == {Channel.EMAIL}
    assert not Notification.objects.filter(channel=Channel.SMS).exists()


def test_a_pending_text_fails_with_the_reason_and_is_never_sent(world, no_provider, texter):
    text = services.notification_schedule(
        clinic=world.home.clinic,
        kind=Kind.PROGRAM_REMINDER,
        channel=Channel.SMS,
        due_at=timezone.now() - timedelta(seconds=1),
        subject="program:1",
        patient=texter,
    )
    report = sweep.sweep()
    text.refresh_from_db()
    assert (report.sent, report.failed) == (0, 1)
    assert (text.status, text.sent_at, text.last_error) == (Status.FAILED, None, NO_SMS_PROVIDER)
    assert LocmemSmsBackend.outbox == []


def test_a_number_that_is_not_e164_gets_no_texts_but_e_mail(world, texter, in_three_days):
    # With a provider: the number kept as typed by the migration is not texted.
    assert sms_available()
    Patient.objects.filter(pk=texter.pk).update(phone="555-0100")
    texter.refresh_from_db()
    appointment = book(world.home, patient=texter, start=in_three_days)
    rows = notices.appointment_booked_notify(appointment=appointment)
    assert {row.channel for row in rows} == {Channel.EMAIL}
