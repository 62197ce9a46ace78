"""The calendar's time grid in a real browser: it fits the screen (the grid scrolls inside its
own box), a click on an empty quarter hour opens the booking form with that time, and an
appointment dragged onto a taken time is refused while one dragged onto a free time moves."""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from clinic.booking import services
from clinic.booking.models import Appointment, AppointmentType
from clinic.models import Clinic, Patient, User
from tests.browser_support import PHONE, check_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1366, "height": 900}
TABLET = {"width": 820, "height": 1180}
NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"
# What sticks out, to say so when the page is too wide.
WIDER = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 8)
  .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"""


def _wednesday_ahead(clinic: Clinic) -> date:
    """Wednesday two weeks ahead: an open day with no demo appointment yet."""
    today = timezone.localdate(timezone=clinic.tz)
    return today - timedelta(days=today.weekday()) + timedelta(days=16)


def _week_url(day: date, clinician: User) -> str:
    return f"/calendar/week/?date={day.isoformat()}&clinician={clinician.pk}"


def _quarter(page, day: date, clock: str):
    """The free block holding the quarter hour `clock` of `day`, and where in it that quarter
    hour is (a block of free quarter hours is one link; the page script reads the spot)."""
    hours, minutes = map(int, clock.split(":"))
    wanted = hours * 60 + minutes
    runs = page.locator(f'.tg-body[data-date="{day.isoformat()}"] a.tg-slot')
    for n in range(runs.count()):
        run = runs.nth(n)
        first_h, first_m = map(int, run.get_attribute("data-time").split(":"))
        rows = int(run.get_attribute("data-rows"))
        index = (wanted - (first_h * 60 + first_m)) // 15
        if 0 <= index < rows:
            box = run.bounding_box()
            return run, {"x": box["width"] / 2, "y": (index + 0.5) * box["height"] / rows}
    raise AssertionError(f"{clock} of {day} is not free on the grid")


@pytest.fixture
def demo():
    call_command("seed_demo", verbosity=0)
    clinic = Clinic.objects.get(slug="demo")
    carter = User.objects.get(full_name="Dr. Sam Carter")
    return clinic, carter, _wednesday_ahead(clinic)


@pytest.mark.parametrize("viewport", [WIDE, TABLET, PHONE], ids=["1366", "820", "390"])
def test_the_week_fits_and_a_click_on_an_empty_quarter_hour_books_it(open_page, demo, viewport):
    clinic, carter, wednesday = demo
    page, problems = open_page(viewport)
    sign_in(page, "frontdesk@demo.clinic")
    page.goto(_week_url(wednesday, carter))
    expect(page.locator(".tg-col")).to_have_count(7)
    assert page.evaluate(NO_OVERFLOW), page.evaluate(WIDER)
    check_page(page, f"calendar-week-grid-{viewport['width']}")

    run, spot = _quarter(page, wednesday, "10:15")
    run.click(position=spot)
    expect(page.get_by_role("heading", name="Book an appointment")).to_be_visible()
    expect(page.get_by_label("Start")).to_have_value("10:15")
    expect(page.get_by_label("Day")).to_have_value(wednesday.isoformat())
    expect(page.get_by_label("Clinician")).to_have_value(str(carter.pk))
    assert page.evaluate(NO_OVERFLOW)
    assert problems.errors == []


def test_the_whole_clinic_day_fits_on_a_phone(open_page, demo):
    _clinic, _carter, wednesday = demo
    page, problems = open_page(PHONE)
    sign_in(page, "frontdesk@demo.clinic")
    page.goto(f"/calendar/?date={wednesday.isoformat()}")
    expect(page.locator(".tg-col").first).to_be_visible()
    assert page.evaluate(NO_OVERFLOW)
    assert problems.errors == []


def test_dragging_onto_a_taken_time_is_refused_and_onto_a_free_one_moves(open_page, demo):
    clinic, carter, wednesday = demo
    kind = AppointmentType.objects.get(clinic=clinic, name="Follow-up")

    def book(surname: str, hour: int) -> Appointment:
        return services.appointment_book(
            clinic=clinic,
            appointment_type=kind,
            start=datetime.combine(wednesday, time(hour), tzinfo=clinic.tz),
            clinician=carter,
            patient=Patient.objects.get(clinic=clinic, last_name=surname),
        )

    moving = book("Okafor", 10)
    book("Nair", 11)
    # Tall enough that the morning is on screen: a drag does not scroll the page.
    page, problems = open_page({"width": 1366, "height": 1400})
    sign_in(page, "frontdesk@demo.clinic")
    page.goto(_week_url(wednesday, carter))
    card = page.locator(f'.tg-appt[data-move$="/{moving.pk}/move/"]')
    expect(card).to_be_visible()

    # The quarter hour under Priya's appointment takes the drop; the server refuses it.
    taken, spot = _quarter(page, wednesday, "11:00")
    card.drag_to(taken, force=True, target_position=spot)
    expect(page.locator("#tg-status")).to_contain_text("Not moved: That time is already taken.")
    moving.refresh_from_db()
    assert moving.start.astimezone(clinic.tz).time() == time(10)

    free, spot = _quarter(page, wednesday, "12:30")
    card.drag_to(free, force=True, target_position=spot)
    expect(page.get_by_text("Appointment moved.")).to_be_visible()
    moving.refresh_from_db()
    assert moving.start.astimezone(clinic.tz).time() == time(12, 30)
    # The browser logs the refusal's 409 answer; nothing else went wrong.
    assert [e for e in problems.errors if "409" not in e] == []
