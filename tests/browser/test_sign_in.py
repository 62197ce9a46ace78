"""In a real browser, every demo account signs in and lands on its own home page."""

import pytest
from django.core.management import call_command

from tests.browser_support import DESK, PHONE, check_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOMES = [
    ("clinician@demo.clinic", "Today's patients", DESK),
    ("frontdesk@demo.clinic", "Today's calendar", DESK),
    ("admin@demo.clinic", "Staff", DESK),
    ("patient@demo.clinic", "Your home program", PHONE),
]


@pytest.mark.parametrize(("email", "heading", "viewport"), HOMES)
def test_each_role_signs_in_and_sees_its_home(open_page, email, heading, viewport):
    call_command("seed_demo", verbosity=0)
    page, problems = open_page(viewport)
    sign_in(page, email)
    assert page.get_by_role("heading", name=heading).first.is_visible()
    check_page(page, f"home-{email.split('@')[0]}")
    assert problems.errors == []


def test_a_wrong_password_shows_a_clear_message(open_page):
    call_command("seed_demo", verbosity=0)
    page, problems = open_page(PHONE)
    sign_in(page, "clinician@demo.clinic", "wrong-password")
    assert page.get_by_role("alert").inner_text().startswith("That e-mail and password")
    check_page(page, "login-error")
