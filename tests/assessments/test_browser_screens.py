"""In a real browser: the entry form's draft survives a reload; the detail page draws charts.

Both pages must show no console errors and no serious accessibility problems.
"""

import pytest
from django.core.management import call_command

from assessments.models import Screen
from clinic.models import Patient
from tests.browser_support import DESK, check_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_typed_screen_survives_a_reload_and_an_error(open_page):
    call_command("seed_demo", verbosity=0)
    patient = Patient.objects.get(email="patient@demo.clinic")
    before = Screen.objects.count()
    page, problems = open_page(DESK)
    sign_in(page, "clinician@demo.clinic")
    page.goto(f"/patients/{patient.pk}/screens/new/")
    page.get_by_label("Knee-to-wall (weight-bearing lunge), left").fill("8.5")
    page.get_by_label("Knee-to-wall (weight-bearing lunge), right").fill("40")
    page.get_by_label("Single-leg heel raise, left").fill("21")
    page.get_by_label("Notes").fill("draft check")
    page.reload()
    assert page.get_by_label("Knee-to-wall (weight-bearing lunge), left").input_value() == "8.5"
    assert page.get_by_label("Notes").input_value() == "draft check"
    assert page.get_by_text("A draft you typed earlier").is_visible()
    check_page(page, "screen-entry")
    page.get_by_role("button", name="Save screen").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("alert").first.inner_text().startswith("Nothing was saved")
    assert page.get_by_label("Knee-to-wall (weight-bearing lunge), right").input_value() == "40"
    assert page.get_by_label("Single-leg heel raise, left").input_value() == "21"
    assert Screen.objects.count() == before
    assert problems.errors == []


def test_the_screen_page_shows_findings_and_per_side_charts(open_page):
    call_command("seed_demo", verbosity=0)
    screen = Screen.objects.filter(patient__email="patient@demo.clinic").first()
    page, problems = open_page(DESK)
    sign_in(page, "clinician@demo.clinic")
    page.goto(f"/screens/{screen.pk}/")
    page.wait_for_selector(".charts canvas")
    assert page.locator(".charts canvas").count() >= 3
    assert page.get_by_text("Restricted ankle dorsiflexion").first.is_visible()
    check_page(page, "screen-detail")
    assert problems.errors == []
