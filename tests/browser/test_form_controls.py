"""In a real browser, a form's checkboxes take a click on the box itself."""

import pytest
from django.core.management import call_command

from tests.browser_support import DESK, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_is_public_box_of_a_new_appointment_type_can_be_clicked(open_page):
    call_command("seed_demo", verbosity=0)
    page, problems = open_page(DESK)
    sign_in(page, "admin@demo.clinic")
    page.goto("/settings/appointment-types/new/")
    for box in ("#id_is_public", "#id_is_active"):
        checkbox = page.locator(box)
        was = checkbox.is_checked()
        # Playwright clicks the box's centre and fails if another element (the help text
        # under it, before the fix) would take the click.
        checkbox.click(timeout=3_000)
        assert checkbox.is_checked() is not was, box
    assert problems.errors == []
