"""Issue 22: the password-reset e-mail is written in the account's language: a patient's own
(Patient.language), staff the default (English). The worker finds the accounts, so it decides."""

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def ask_for_reset(client, task_queue, user):
    user.set_password("an-old-long-passphrase")
    user.save()
    response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302
    task_queue.run_all()
    (message,) = mail.outbox
    assert message.to == [user.email]
    return message


def test_a_spanish_patients_reset_e_mail_is_spanish(client, world, task_queue):
    patient = world.home.patient_a
    patient.language = "es"
    patient.save(update_fields=["language"])
    # The browser asking in English does not matter: the account's language does.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    message = ask_for_reset(client, task_queue, patient.user)
    assert message.body.startswith("Hola:")
    assert "Alguien pidió restablecer la contraseña de Groundwork" in message.body
    assert "Si no fuiste tú, ignora este mensaje" in message.body
    assert "Someone asked" not in message.body
    assert "contraseña" in message.subject.lower()


def test_an_english_patients_and_staffs_reset_e_mails_stay_english(client, world, task_queue):
    patient = world.home.patient_b
    patient.language = "en"
    patient.save(update_fields=["language"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    message = ask_for_reset(client, task_queue, patient.user)
    assert message.body.startswith("Hello,") and "Someone asked to reset" in message.body
    mail.outbox.clear()
    staff = ask_for_reset(client, task_queue, world.home.clinician)
    assert "Someone asked to reset" in staff.body and "Alguien" not in staff.body
