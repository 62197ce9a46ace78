"""Journey 4 in a real browser: a new runner books online, gets the e-mail, moves the booking.

The public page on a phone, a running performance consult, the confirmation delivered over real
SMTP (a local aiosmtpd server started here) with an .ics file, and the manage link from that
e-mail opened in the browser to move the appointment.
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from email import message_from_bytes, policy

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from clinic.booking import forms as booking_forms
from clinic.booking.models import Appointment, AppointmentStatus, BookingSource
from clinic.models import Clinic
from tests.browser_support import PHONE, check_page
from tests.smtp_support import Inbox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "jamie.stride@example.com"


def _messages_to(inbox: Inbox, address: str) -> list:
    return [
        message_from_bytes(e.content, policy=policy.default)
        for e in inbox.envelopes
        if address in e.rcpt_tos
    ]


def _weekday_ahead(clinic: Clinic, weeks: int, weekday: int) -> date:
    today = timezone.localdate(timezone=clinic.tz)
    return today - timedelta(days=today.weekday()) + timedelta(weeks=weeks, days=weekday)


def test_a_new_runner_books_online_gets_the_email_and_moves_the_booking(
    open_page, live_server, settings, smtp_inbox, monkeypatch
):
    call_command("seed_demo", verbosity=0)
    # Links in e-mails point at this test's server.
    settings.SITE_URL = live_server.url
    # The anti-bot minimum fill time is tested in tests/booking; a script types faster.
    monkeypatch.setattr(booking_forms, "MIN_FILL_SECONDS", 0)
    clinic = Clinic.objects.get(slug="demo")
    tuesday = _weekday_ahead(clinic, weeks=2, weekday=1)
    friday = _weekday_ahead(clinic, weeks=2, weekday=4)
    page, problems = open_page(PHONE)

    page.goto("/book/")
    expect(page.get_by_role("heading", name="Book at Groundwork Demo Clinic")).to_be_visible()
    check_page(page, "journey4-01-public-book")
    page.get_by_label("Running performance consult").check()
    page.get_by_label("2. Day").fill(tuesday.isoformat())
    page.get_by_role("button", name="Show free times").click()
    times = page.get_by_role("group", name=re.compile("^3. Time on"))
    times.get_by_label("10:00–11:00").check()
    page.get_by_label("Full name").fill("Jamie Stride")
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Phone").fill("+1 410 555 0199")
    page.get_by_label("Date of birth").fill("1992-03-14")
    page.get_by_label("What hurts").fill("Outer knee pain after 12 km.")
    page.get_by_label("Weekly running distance").fill("35")
    page.get_by_label("Goal race").fill("Baltimore half marathon")
    check_page(page, "journey4-02-public-form")
    page.get_by_role("button", name="Book", exact=True).click()

    expect(page.get_by_role("heading", name="You are booked in")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Running performance consult")
    check_page(page, "journey4-03-booked")
    appointment = Appointment.objects.get(patient__email=EMAIL)
    assert appointment.source == BookingSource.PUBLIC
    assert appointment.intake_weekly_km == 35
    assert appointment.start.astimezone(clinic.tz) == datetime.combine(
        tuesday, time(10, 0), tzinfo=clinic.tz
    )

    # The confirmation leaves through SMTP.
    call_command("dispatch_notifications", verbosity=0)
    (confirmation,) = _messages_to(smtp_inbox, EMAIL)
    assert confirmation["Subject"].endswith(" - Groundwork Demo Clinic")
    text = confirmation.get_body(preferencelist=("plain",)).get_content()
    assert "Running performance consult" in text
    (ics,) = [p for p in confirmation.iter_attachments() if p.get_filename() == "appointment.ics"]
    assert ics.get_content_type() == "text/calendar"
    calendar = ics.get_content()
    if isinstance(calendar, bytes):
        calendar = calendar.decode()
    assert "BEGIN:VEVENT" in calendar
    assert f"DTSTART:{appointment.start.astimezone(UTC):%Y%m%dT%H%M%SZ}" in calendar

    # The manage link in the e-mail opens the booking in the browser.
    manage_url = re.search(r"To cancel or move it online: (\S+)", text).group(1)
    assert manage_url.startswith(f"{live_server.url}/book/manage/")
    page.goto(manage_url)
    expect(page.get_by_role("heading", name="Your appointment")).to_be_visible()
    check_page(page, "journey4-04-manage")
    page.get_by_label("Day").fill(friday.isoformat())
    page.get_by_role("button", name="Show free times").click()
    page.get_by_label("14:00").check()
    page.get_by_role("button", name="Move my appointment").click()
    expect(page.get_by_text("Your appointment is moved.")).to_be_visible()
    expect(page.locator("main")).to_contain_text(friday.strftime("%A %-d %B %Y, 14:00"))
    check_page(page, "journey4-05-moved")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.start.astimezone(clinic.tz) == datetime.combine(
        friday, time(14, 0), tzinfo=clinic.tz
    )

    # And the change is confirmed by e-mail with an updated calendar file.
    call_command("dispatch_notifications", verbosity=0)
    changed = _messages_to(smtp_inbox, EMAIL)[1]
    (ics,) = [p for p in changed.iter_attachments() if p.get_filename() == "appointment.ics"]
    calendar = ics.get_content()
    if isinstance(calendar, bytes):
        calendar = calendar.decode()
    assert f"DTSTART:{appointment.start.astimezone(UTC):%Y%m%dT%H%M%SZ}" in calendar

    assert problems.errors == []
