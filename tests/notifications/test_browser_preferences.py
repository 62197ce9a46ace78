"""In a real browser, on a phone and a desk: the message settings pages save and pass axe."""

import pytest
from django.core.management import call_command

from clinic.models import Patient
from clinic.notifications.models import ChannelPreference, ConsentEvent
from tests.browser_support import DESK, PHONE, check_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_patient_changes_their_settings_on_a_phone(open_page):
    call_command("seed_demo", verbosity=0)
    patient = Patient.objects.get(email="patient@demo.clinic")
    page, problems = open_page(PHONE)
    sign_in(page, "patient@demo.clinic")
    page.get_by_role("link", name="Message settings").click()
    page.wait_for_load_state("networkidle")
    check_page(page, "patient-message-settings")
    page.get_by_label("Time for home-exercise reminders and the morning check-in").fill("06:45")
    page.get_by_label("E-mail messages").uncheck()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Message preferences saved.").is_visible()
    assert page.get_by_text("E-mail turned off").is_visible()
    preference = ChannelPreference.objects.get(patient=patient)
    assert preference.reminder_time.strftime("%H:%M") == "06:45"
    assert not preference.email_enabled
    assert ConsentEvent.objects.filter(patient=patient, channel="email", granted=False).exists()
    assert problems.errors == []


def test_front_desk_opens_a_patients_settings_from_the_patient_page(open_page):
    call_command("seed_demo", verbosity=0)
    patient = Patient.objects.get(email="patient@demo.clinic")
    page, problems = open_page(DESK)
    sign_in(page, "frontdesk@demo.clinic")
    page.goto(f"/patients/{patient.pk}/")
    page.get_by_role("link", name="Message settings").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name=f"Message settings of {patient.full_name}").is_visible()
    check_page(page, "staff-message-settings")
    assert problems.errors == []
