"""In a real browser: the clinic admin reaches the audit trail from the menu, filters it to
one patient, and the anonymisation confirm page; both pass axe on desk and phone."""

import pytest
from django.core.management import call_command

from clinic.models import Patient
from tests.browser_support import DESK, PHONE, check_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("viewport", "name"), [(DESK, "desk"), (PHONE, "phone")])
def test_admin_browses_the_trail_and_the_anonymise_page(open_page, viewport, name):
    call_command("seed_demo", verbosity=0)
    patient = Patient.objects.filter(clinic__slug="demo", screens__isnull=False).first()
    screen = patient.screens.first()
    page, problems = open_page(viewport)
    sign_in(page, "admin@demo.clinic")
    page.goto(f"/screens/{screen.pk}/")  # a read that the trail must show
    page.goto(f"/patients/{patient.pk}/")
    page.get_by_role("link", name="Audit trail").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Audit trail").is_visible()
    assert page.get_by_label("Patient number").input_value() == str(patient.pk)
    assert (
        page.get_by_role("cell", name="Access").first.is_visible()
        or page.locator("td", has_text="Viewed").first.is_visible()
    )
    check_page(page, f"audit-trail-{name}")
    page.goto(f"/patients/{patient.pk}/anonymise/")
    assert page.get_by_role("heading", name=f"Anonymise {patient.full_name}").is_visible()
    check_page(page, f"audit-anonymise-{name}")
    assert problems.errors == []
