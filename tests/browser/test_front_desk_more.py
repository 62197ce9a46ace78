"""Issue 20's remaining walks in a real browser: move an appointment with the keyboard, book a
six-week series with one conflict shown, join the waitlist and take a freed time, and
subscribe to a clinician's calendar feed (fetched without a session, read with icalendar)."""

import re
from datetime import date, datetime, time, timedelta

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from clinic.booking import forms as booking_forms
from clinic.booking import services, tasks
from clinic.booking.models import Appointment, AppointmentStatus, AppointmentType, WaitlistEntry
from clinic.models import Clinic, Patient, User
from tests.browser_support import DESK, PHONE, check_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    call_command("seed_demo", verbosity=0)
    clinic = Clinic.objects.get(slug="demo")
    carter = User.objects.get(full_name="Dr. Sam Carter")
    today = timezone.localdate(timezone=clinic.tz)
    # Wednesday two weeks ahead: an open day with no demo appointment yet.
    wednesday = today - timedelta(days=today.weekday()) + timedelta(days=16)
    return clinic, carter, wednesday


def _book(clinic, clinician, day: date, hour: int, surname: str, type_slug="follow-up"):
    return services.appointment_book(
        clinic=clinic,
        appointment_type=AppointmentType.objects.get(clinic=clinic, slug=type_slug),
        start=datetime.combine(day, time(hour), tzinfo=clinic.tz),
        clinician=clinician,
        patient=Patient.objects.get(clinic=clinic, last_name=surname),
    )


def _local(appointment) -> datetime:
    appointment.refresh_from_db()
    return appointment.start.astimezone(appointment.clinic.tz)


def test_an_appointment_is_moved_with_the_keyboard_alone(open_page, demo):
    clinic, carter, wednesday = demo
    booked = _book(clinic, carter, wednesday, 10, "Okafor")
    page, problems = open_page(DESK)
    sign_in(page, "frontdesk@demo.clinic")
    page.goto(f"/calendar/week/?date={wednesday.isoformat()}&clinician={carter.pk}")

    move = page.get_by_role("link", name=re.compile(r"^Move Maya Okafor"))
    move.focus()
    page.keyboard.press("Enter")
    form = page.locator("form", has=page.get_by_role("button", name="Move"))
    form.get_by_label("Start").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("14:00")
    page.keyboard.press("Enter")  # submits the form it is in
    expect(page.get_by_text("Appointment moved.")).to_be_visible()
    assert _local(booked) == datetime.combine(wednesday, time(14), tzinfo=clinic.tz)
    assert problems.errors == []


def test_a_six_week_series_is_booked_with_its_one_conflict_shown(open_page, demo):
    clinic, carter, wednesday = demo
    # Week 3 of the series is taken already at that time.
    _book(clinic, carter, wednesday + timedelta(weeks=2), 15, "Nair")
    page, problems = open_page(DESK)
    sign_in(page, "frontdesk@demo.clinic")
    page.goto(f"/calendar/book/?date={wednesday.isoformat()}")
    page.get_by_label("Type").select_option(label="Follow-up (30 min)")
    page.get_by_label("Clinician").select_option(label="Dr. Sam Carter")
    page.get_by_label("Day").fill(wednesday.isoformat())
    page.get_by_label("Start").fill("15:00")
    page.get_by_label("Repeat").select_option(label="Every week")
    page.get_by_label("Times").fill("6")
    page.get_by_label("Times").blur()

    preview = page.locator("#series-preview")
    expect(preview.locator("li")).to_have_count(6)
    expect(preview.locator("li.occurrence-conflict")).to_have_count(1)
    taken = wednesday + timedelta(weeks=2)
    expect(preview.locator("li.occurrence-conflict")).to_contain_text(
        f"{taken:%a} {taken.day} {taken:%b} {taken.year}"
    )
    check_page(page, "series-preview")

    page.get_by_label("Find a patient by name or e-mail").fill("Okafor")
    page.get_by_role("group", name="Matching patients").get_by_label("Maya Okafor").check()
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_text("Booked 5 of 6 for Maya Okafor.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Not booked .*15:00"))).to_be_visible()
    series = Appointment.objects.filter(
        patient__last_name="Okafor", series__isnull=False, status=AppointmentStatus.BOOKED
    )
    assert series.count() == 5
    assert taken not in {_local(a).date() for a in series}
    assert problems.errors == []


def test_a_waitlisted_patient_is_offered_a_freed_time_and_takes_it(open_page, demo, monkeypatch):
    clinic, carter, wednesday = demo
    monkeypatch.setattr(booking_forms, "MIN_FILL_SECONDS", 0)
    saturday = wednesday + timedelta(days=3)  # nobody works: the page offers the waitlist
    page, problems = open_page(PHONE)
    page.goto(f"/book/?clinic=demo&type=running-performance-consult&date={saturday.isoformat()}")
    expect(
        page.get_by_role("heading", name="No time that suits you? Join the waitlist")
    ).to_be_visible()
    join = page.locator("form", has=page.get_by_role("button", name="Join the waitlist"))
    join.get_by_label(re.compile("^From")).fill((wednesday - timedelta(days=2)).isoformat())
    join.get_by_label(re.compile("^Until")).fill((wednesday + timedelta(days=2)).isoformat())
    join.get_by_label(re.compile("^Full name")).fill("Wren Waiting")
    join.get_by_label(re.compile("^E-mail")).fill("wren@example.org")
    join.get_by_role("button", name="Join the waitlist").click()
    expect(page.get_by_text("You are on the waitlist")).to_be_visible()
    entry = WaitlistEntry.objects.get(email="wren@example.org")

    # The front desk cancels a consult on Wednesday morning: the time is offered by e-mail.
    taken = _book(clinic, carter, wednesday, 10, "Okafor", "running-performance-consult")
    services.appointment_cancel(appointment=taken, reason="Patient unwell.")
    tasks.offer_freed_slot(taken.appointment_type_id, carter.pk, taken.start.isoformat())
    mail.outbox.clear()
    call_command("dispatch_notifications", verbosity=0)
    [offer] = [m for m in mail.outbox if m.to == ["wren@example.org"]]
    link = re.search(r"https?://\S+(/book/waitlist/[^/\s]+/)", offer.body).group(1)

    page.goto(link)
    expect(page.get_by_role("heading", name="A time has come free")).to_be_visible()
    check_page(page, "waitlist-offer")
    page.get_by_role("button", name="Book this time").click()
    expect(page.get_by_role("heading", name="You are booked in")).to_be_visible()
    entry.refresh_from_db()
    assert entry.status == "booked"
    booked = Appointment.objects.get(
        start=taken.start, clinician=carter, status=AppointmentStatus.BOOKED
    )
    assert booked.patient.email == "wren@example.org"
    assert problems.errors == []


def test_a_clinician_subscribes_to_their_calendar_feed(open_page, demo):
    clinic, carter, wednesday = demo
    _book(clinic, carter, wednesday, 10, "Okafor")
    page, problems = open_page(DESK)
    sign_in(page, "clinician@demo.clinic")
    page.goto("/calendar/feed/")
    page.get_by_role("button", name="Make a feed address").click()
    url = page.locator("[data-feed-url]").input_value()
    assert url.startswith("http")
    # A calendar app fetches it with no session at all.
    anonymous = page.context.browser.new_context().request.get(url)
    assert anonymous.status == 200
    assert anonymous.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(anonymous.body())
    events = list(calendar.walk("VEVENT"))
    mine = [e for e in events if e.decoded("dtstart").astimezone(clinic.tz).date() == wednesday]
    assert mine, [str(e.get("summary")) for e in events]
    summary = str(mine[0].get("summary"))
    assert summary.startswith("M.O."), summary  # initials, never the name
    assert "Okafor" not in anonymous.text()
    assert problems.errors == []
