"""In a real browser: a clinic's own drill text in English and Spanish, side by side on a desk
and stacked on a phone, a refused Spanish field keeping every input (issue 22)."""

import pytest
from django.core.management import call_command

from clinic.models import Clinic
from tests.browser_support import sign_in
from tests.factories import own_drill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_side_by_side_on_a_desk_stacked_on_a_phone_and_saved(open_page):
    call_command("seed_demo", verbosity=0)
    drill = own_drill(Clinic.objects.get(slug="demo"), "wall_push_browser")
    url = f"/programs/library/{drill.pk}/text/"

    page, problems = open_page({"width": 1366, "height": 900})
    sign_in(page, "clinician@demo.clinic")
    page.goto(url)
    english = page.get_by_label("Name (English)").bounding_box()
    spanish = page.get_by_label("Name (Spanish)").bounding_box()
    assert abs(english["y"] - spanish["y"]) < 2 and spanish["x"] > english["x"] + english["width"]
    page.get_by_label("Name (Spanish)").fill("Empuje contra la pared")
    page.get_by_label("Steps, one a line (Spanish)").fill("Solo un paso.")
    page.get_by_label("Precautions (Spanish)").fill("Detente si te duele el talón.")
    page.get_by_role("button", name="Save both languages").click()
    page.wait_for_load_state("networkidle")
    error = page.locator("#id_instructions_es-error")
    assert "as many Spanish steps as English ones (2)" in error.inner_text()
    assert page.get_by_label("Name (Spanish)").input_value() == "Empuje contra la pared"
    assert page.get_by_label("Steps, one a line (Spanish)").input_value() == "Solo un paso."
    page.get_by_label("Steps, one a line (Spanish)").fill("Párate frente a una pared.\nEmpújala.")
    page.get_by_role("button", name="Save both languages").click()
    page.wait_for_load_state("networkidle")
    assert "Saved the text of Wall push." in page.content()
    drill.refresh_from_db()
    assert drill.translations["es"]["instructions"] == ["Párate frente a una pared.", "Empújala."]
    assert problems.errors == []

    phone, phone_problems = open_page({"width": 390, "height": 844})
    sign_in(phone, "clinician@demo.clinic")
    phone.goto(url)
    english = phone.get_by_label("Name (English)").bounding_box()
    spanish = phone.get_by_label("Name (Spanish)").bounding_box()
    assert spanish["y"] > english["y"] + english["height"]  # English above Spanish
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert phone_problems.errors == []
