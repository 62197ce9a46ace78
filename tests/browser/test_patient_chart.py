"""In a real browser: the patient chart fits a phone, a tablet and a desk without sideways
scrolling, and passes axe, for a clinician (every section) and the front desk."""

import pytest
from django.core.management import call_command

from clinic.models import Patient
from tests.browser_support import check_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The first elements reaching past the viewport's right edge, to name the culprit on failure.
WIDER_THAN = """(width) => [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > width + 1)
    .slice(0, 8)
    .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"""
SIZES = {"390": (390, 844), "820": (820, 1180), "1366": (1366, 900)}


def demo_patient_with_a_program() -> Patient:
    return (
        Patient.objects.filter(
            clinic__slug="demo",
            screens__isnull=False,
            programs__status__in=["published", "paused"],
            appointments__isnull=False,
        )
        .distinct()
        .order_by("pk")
        .first()
    )


@pytest.mark.parametrize("who", ["clinician", "frontdesk"])
def test_the_chart_has_no_sideways_scroll_at_any_size(open_page, who):
    call_command("seed_demo", verbosity=0)
    patient = demo_patient_with_a_program()
    assert patient is not None
    for name, (width, height) in SIZES.items():
        page, problems = open_page({"width": width, "height": height})
        sign_in(page, f"{who}@demo.clinic")
        page.goto(f"/patients/{patient.pk}/")
        assert page.get_by_role("heading", name="Appointments").is_visible()
        assert page.get_by_role("button", name="Book").is_visible()
        program = page.get_by_role("heading", name="Home program")
        assert program.count() == (1 if who == "clinician" else 0)
        scroll = page.evaluate("() => document.documentElement.scrollWidth")
        wide = page.evaluate(WIDER_THAN, width)
        assert scroll <= width, f"{who} at {width}px: sideways scroll ({scroll}px): {wide}"
        # The action buttons sit in a row, each as wide as its words, not as full-width bars.
        book = page.get_by_role("button", name="Book").bounding_box()
        edit = page.get_by_role("button", name="Edit details").bounding_box()
        assert book["width"] < width / 2 and edit["width"] < width / 2
        check_page(page, f"patient-chart-{who}-{name}")
        assert problems.errors == []
