"""In a real browser: every staff page fits a phone (390 px), a tablet (820 px) and a desk
(1366 px) without sideways scrolling, for a clinician, the front desk and a clinic admin; a
screenshot of each is kept under var/screenshots/. Wide tables and the week grid scroll inside
their own box, never the page."""

import pytest
from django.core.management import call_command

from assessments.models import Screen
from clinic.models import Patient, User
from programs.models import Program
from programs.services import program_build_from_screen
from tests.browser_support import SCREENSHOTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"390": (390, 844), "820": (820, 1180), "1366": (1366, 900)}
# The first elements reaching past the viewport's right edge, to name the culprit on failure
# (inside a scrolling box they are hidden, so only those that widen the page are named).
WIDER_THAN = """(width) => [...document.querySelectorAll("body *")]
    .filter((e) => e.getBoundingClientRect().right > width + 1)
    .filter((e) => !e.parentElement.closest(".table-scroll, .overflow-auto, [data-scroll-x]"))
    .slice(0, 6)
    .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"""
# Which pages each role may open (the others answer 403, checked by the access matrix).
CLINICAL = {"clinician", "admin"}
PAGES = [
    # (name, path builder, roles)
    ("home", lambda d: "/", {"clinician", "frontdesk", "admin"}),
    ("patients", lambda d: "/patients/", {"clinician", "frontdesk", "admin"}),
    ("patient", lambda d: f"/patients/{d['patient']}/", {"clinician", "frontdesk", "admin"}),
    ("screen", lambda d: f"/screens/{d['screen']}/", CLINICAL),
    ("screen-new", lambda d: f"/patients/{d['patient']}/screens/new/", CLINICAL),
    ("program", lambda d: f"/programs/{d['program']}/", CLINICAL),
    ("worklist", lambda d: "/worklist/", CLINICAL),
    ("messages", lambda d: "/notifications/", {"frontdesk", "admin"}),
    ("setup", lambda d: "/settings/clinic/", {"admin"}),
    ("audit", lambda d: "/audit/", {"admin"}),
    ("calendar-day", lambda d: "/calendar/", {"clinician", "frontdesk", "admin"}),
    ("calendar-week", lambda d: "/calendar/week/", {"clinician", "frontdesk", "admin"}),
]


def demo_records() -> dict[str, int]:
    patient = (
        Patient.objects.filter(clinic__slug="demo", screens__isnull=False, programs__isnull=False)
        .distinct()
        .order_by("pk")
        .first()
    )
    program = Program.objects.filter(patient=patient).order_by("-pk").first()
    screen = Screen.objects.filter(patient=patient).order_by("-pk").first()
    assert patient and program and screen
    return {"patient": patient.pk, "program": program.pk, "screen": screen.pk}


@pytest.mark.parametrize("who", ["clinician", "frontdesk", "admin"])
def test_every_staff_page_fits_every_screen(open_page, who):
    call_command("seed_demo", verbosity=0)
    records = demo_records()
    pages = [(name, build(records)) for name, build, roles in PAGES if who in roles]
    overflow = []
    for size, (width, height) in SIZES.items():
        page, problems = open_page({"width": width, "height": height})
        sign_in(page, f"{who}@demo.clinic")
        for name, path in pages:
            response = page.goto(path)
            page.wait_for_load_state("networkidle")
            assert response.status == 200, f"{who} {path}: HTTP {response.status}"
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(
                path=str(SCREENSHOTS / f"staff-{name}-{who}-{size}.png"), full_page=True
            )
            scroll = page.evaluate("() => document.documentElement.scrollWidth")
            inner = page.evaluate("() => window.innerWidth")
            if scroll > inner:
                wide = page.evaluate(WIDER_THAN, inner)
                overflow.append(f"{name} at {size}px: {scroll}px wide: {wide}")
        assert problems.errors == []
    assert overflow == [], "\n".join(overflow)


def test_action_buttons_sit_in_a_row_and_notes_read_as_information(open_page):
    """A draft program's per-drill buttons are buttons in a row, not stacked full-width bars,
    and its notes for the clinician are not painted as errors."""
    call_command("seed_demo", verbosity=0)
    records = demo_records()
    clinician = User.objects.get(email="clinician@demo.clinic")
    draft = program_build_from_screen(
        user=clinician, screen=Screen.objects.get(pk=records["screen"])
    )
    assert draft.status == "draft"
    page, problems = open_page({"width": 1366, "height": 900})
    sign_in(page, "clinician@demo.clinic")
    page.goto(f"/programs/{draft.pk}/")
    buttons = page.locator(".item-actions").first.locator("button")
    boxes = [buttons.nth(i).bounding_box() for i in range(buttons.count())]
    assert len(boxes) == 3 and all(box["width"] < 1366 / 4 for box in boxes)
    assert len({round(box["y"]) for box in boxes}) == 1  # one row
    notes = page.locator("#flags-h + ul li")
    for i in range(notes.count()):
        style = notes.nth(i).evaluate(
            "(e) => [getComputedStyle(e).color, getComputedStyle(e).fontWeight]"
        )
        assert style[0] != "rgb(122, 26, 18)" and style[1] == "400", style
    assert problems.errors == []
