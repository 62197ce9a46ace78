"""Journey 3 in a real browser: the front desk books, is stopped on a taken time, moves, cancels.

Week calendar, a follow-up for an existing patient, a second booking at the same time that is
refused with the nearest free times (one of which is then taken), a move, a cancellation.
"""

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from clinic.booking.models import Appointment, AppointmentStatus
from clinic.models import Clinic, Patient
from tests.browser_support import DESK, check_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _next_week(clinic: Clinic) -> tuple[date, date]:
    """Wednesday and Thursday two weeks ahead: open days with no demo appointment yet."""
    today = timezone.localdate(timezone=clinic.tz)
    monday = today - timedelta(days=today.weekday()) + timedelta(days=14)
    return monday + timedelta(days=2), monday + timedelta(days=3)


def _choose_when(page, *, day: date, start: str) -> None:
    page.get_by_label("Type").select_option(label="Follow-up (30 min)")
    page.get_by_label("Clinician").select_option(label="Dr. Sam Carter")
    page.get_by_label("Day").fill(day.isoformat())
    page.get_by_label("Start").fill(start)


def _choose_patient(page, surname: str, full_name: str) -> None:
    page.get_by_label("Find a patient by name or e-mail").fill(surname)
    # The choice appears once the search answered, so no search is left in flight.
    page.get_by_role("group", name="Matching patients").get_by_label(full_name).check()


def test_front_desk_books_is_stopped_on_a_taken_time_moves_and_cancels(open_page):
    call_command("seed_demo", verbosity=0)
    clinic = Clinic.objects.get(slug="demo")
    wednesday, thursday = _next_week(clinic)
    maya = Patient.objects.get(first_name="Maya", last_name="Okafor")
    priya = Patient.objects.get(first_name="Priya", last_name="Nair")
    page, problems = open_page(DESK)

    sign_in(page, "frontdesk@demo.clinic")
    page.get_by_role("link", name="Calendar").first.click()
    expect(page.get_by_role("heading", name="Week of")).to_be_visible()
    expect(page.locator(".tg-col")).to_have_count(7)
    check_page(page, "journey3-01-week")

    # Two weeks ahead, where the demo has no appointments yet.
    page.get_by_role("button", name="Later").click()
    page.get_by_role("button", name="Later").click()
    week = page.get_by_role("region", name=wednesday.strftime("%A %-d %B"))
    expect(week).to_be_visible()
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_role("heading", name="Book an appointment")).to_be_visible()

    _choose_when(page, day=wednesday, start="10:00")
    expect(page.locator("#slot-check")).to_contain_text("10:00 is free.")
    _choose_patient(page, "Okafor", "Maya Okafor")
    check_page(page, "journey3-02-book")
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_text("Booked Maya Okafor.")).to_be_visible()
    booked = Appointment.objects.get(patient=maya, start__date__gte=wednesday)
    local = booked.start.astimezone(clinic.tz)
    assert (local.date(), local.time()) == (wednesday, time(10, 0))

    # Another patient at the very same time: refused, with the nearest free times.
    page.goto(f"/calendar/book/?date={wednesday.isoformat()}")
    _choose_when(page, day=wednesday, start="10:00")
    expect(page.locator("#slot-check").get_by_role("alert")).to_contain_text("10:00 is not free")
    _choose_patient(page, "Nair", "Priya Nair")
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("That time is already taken.")
    nearest = page.get_by_role("list", name="Nearest free times")
    expect(nearest).to_contain_text("09:30")
    expect(nearest).to_contain_text("10:30")
    assert not Appointment.objects.filter(patient=priya, start__date__gte=wednesday).exists()
    check_page(page, "journey3-03-time-taken")

    # Take the nearest later time offered.
    nearest.get_by_role("button", name="10:30").click()
    expect(page.get_by_label("Start")).to_have_value("10:30")
    expect(page.locator("#slot-check")).to_contain_text("10:30 is free.")
    expect(page.get_by_label("Priya Nair")).to_be_checked()  # still chosen after the refusal
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_text("Booked Priya Nair.")).to_be_visible()

    # Move Maya to Thursday afternoon.
    page.goto(f"/calendar/week/?date={wednesday.isoformat()}")
    week = page.get_by_role("region", name=wednesday.strftime("%A %-d %B"))
    # The appointment itself, not its "Move" link (whose name carries the patient too).
    week.get_by_role("link", name=re.compile(r"^\S+ Maya Okafor$")).click()
    move = page.locator("form", has=page.get_by_role("button", name="Move"))
    move.get_by_label("Day").fill(thursday.isoformat())
    move.get_by_label("Start").fill("15:00")
    check_page(page, "journey3-04-appointment")
    move.get_by_role("button", name="Move").click()
    expect(page.get_by_text("Appointment moved.")).to_be_visible()
    booked.refresh_from_db()
    local = booked.start.astimezone(clinic.tz)
    assert local == datetime.combine(thursday, time(15, 0), tzinfo=clinic.tz)

    # Cancel it.
    page.get_by_label("Reason for cancelling").fill("Patient called: away for work.")
    page.get_by_role("button", name="Cancel appointment").click()
    expect(page.get_by_text("Appointment cancelled.")).to_be_visible()
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CANCELLED
    check_page(page, "journey3-05-cancelled")

    page.goto(f"/calendar/week/?date={thursday.isoformat()}")
    thursday_column = page.get_by_role("region", name=thursday.strftime("%A %-d %B"))
    expect(thursday_column).to_contain_text("Cancelled")
    check_page(page, "journey3-06-week-after")

    assert problems.errors == []
