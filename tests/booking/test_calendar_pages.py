"""What the front desk's day and week calendars print: cards, time off, closures, headings."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse

from clinic.booking.models import (
    Appointment,
    AppointmentStatus,
    BookingSource,
    ClinicClosure,
    TimeOff,
)
from clinic.booking.selectors import clinicians_of
from clinic.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db

MONDAY = date(2030, 3, 4)
DST_SUNDAY = date(2030, 3, 10)  # New York moves its clocks forward at 02:00


@pytest.fixture
def home(world):
    world.home.clinician.full_name = "Dr <Kim> & Co"
    world.home.clinician.save(update_fields=["full_name"])
    return world.home


def _at(clinic, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=clinic.tz)


def _book(home, start: datetime, minutes: int = 45, **fields) -> Appointment:
    kind = f.AppointmentTypeFactory(clinic=home.clinic, name="Gait & run", color="#123456")
    patient = f.PatientFactory(clinic=home.clinic, first_name="Zoë", last_name="O'Neil <x>")
    return Appointment.objects.create(
        clinic=home.clinic,
        patient=patient,
        clinician=home.clinician,
        appointment_type=kind,
        start=start,
        end=start.astimezone(UTC) + timedelta(minutes=minutes),  # real minutes
        **fields,
    )


def _page(client, home, name: str, day: date, **params) -> str:
    client.force_login(home.frontdesk)
    response = client.get(reverse(name), {"date": day.isoformat(), **params})
    assert response.status_code == 200
    return response.content.decode()


def _card(appointment: Appointment, times: str, details: str) -> str:
    """The link and the line under it of an appointment on the time grid."""
    return (
        f'<a href="{reverse("booking_appointment", args=[appointment.pk])}">'
        f"<strong>{times}</strong> Zoë O&#x27;Neil &lt;x&gt;</a>\n"
        f"        <small>{details}</small>"
    )


def test_a_week_card_links_to_the_appointment_with_local_times_and_escaped_names(client, home):
    seen = _book(
        home,
        _at(home.clinic, MONDAY, 8, 30),
        status=AppointmentStatus.ARRIVED,
        source=BookingSource.PUBLIC,
    )
    page = _page(client, home, "booking_calendar_week", MONDAY)
    details = "Gait &amp; run · Dr &lt;Kim&gt; &amp; Co · Arrived · booked online"
    assert _card(seen, "08:30–09:15", details) in page
    assert 'class="tg-item tg-appt status-arrived' in page
    assert 'data-color="#123456"' in page


def test_the_day_card_leaves_out_the_clinician_and_notes_a_patients_cancelling(client, home):
    dropped = _book(
        home,
        _at(home.clinic, MONDAY, 10),
        status=AppointmentStatus.CANCELLED,
        cancelled_source=BookingSource.PUBLIC,
    )
    page = _page(client, home, "booking_calendar_day", MONDAY)
    details = "Gait &amp; run · Cancelled · cancelled by the patient"
    assert _card(dropped, "10:00–10:45", details) in page
    # A cancelled appointment holds no time: it cannot be moved.
    assert f"/calendar/appointments/{dropped.pk}/move/" not in page
    assert f"/calendar/appointments/{dropped.pk}/#move-h" not in page


def test_a_booked_card_has_no_status_note(client, home):
    plain = _book(home, _at(home.clinic, MONDAY, 9))
    page = _page(client, home, "booking_calendar_week", MONDAY)
    assert _card(plain, "09:00–09:45", "Gait &amp; run · Dr &lt;Kim&gt; &amp; Co") in page


def test_appointments_fall_on_their_local_day_and_clock_across_the_clock_change(client, home):
    late = _book(home, _at(home.clinic, MONDAY, 23, 30), minutes=20)  # Tuesday in UTC
    after_change = _book(home, _at(home.clinic, DST_SUNDAY, 1, 30), minutes=60)
    page = _page(client, home, "booking_calendar_week", MONDAY)
    monday, tuesday = page.index("Mon 4 Mar"), page.index("Tue 5 Mar")
    assert monday < page.index(f"/calendar/appointments/{late.pk}/") < tuesday
    assert "<strong>23:30–23:50</strong>" in page
    # 01:30 EST plus an hour of real time is 03:30 EDT.
    assert page.index("Sun 10 Mar") < page.index(f"/calendar/appointments/{after_change.pk}/")
    assert "<strong>01:30–03:30</strong>" in page


def test_the_week_heads_each_day_with_its_name_and_a_link_to_that_day(client, home):
    page = _page(client, home, "booking_calendar_week", MONDAY + timedelta(days=2))
    assert '<section class="tg-col" aria-label="Monday 4 March">' in page
    assert (
        f'<a href="{reverse("booking_calendar_day")}?date=2030-03-04&amp;clinician='
        f'{home.clinician.pk}">Mon 4 Mar</a>'
    ) not in page  # whole clinic: no clinician in the links
    assert f'<a href="{reverse("booking_calendar_day")}?date=2030-03-04">Mon 4 Mar</a>' in page
    assert "<title>Week of 2030-03-04 · Groundwork</title>" in page
    chosen = _page(client, home, "booking_calendar_week", MONDAY, clinician=str(home.clinician.pk))
    assert (
        f'<a href="{reverse("booking_calendar_day")}?date=2030-03-10&amp;clinician='
        f'{home.clinician.pk}">Sun 10 Mar</a>'
    ) in chosen
    assert f'<option value="{home.clinician.pk}" selected>' in chosen
    assert f'href="?date=2030-02-25&clinician={home.clinician.pk}"' in chosen


def test_time_off_across_midnight_shows_on_both_days_and_closures_close_the_day(client, home):
    TimeOff.objects.create(
        clinic=home.clinic,
        clinician=home.clinician,
        start=_at(home.clinic, MONDAY, 20),
        end=_at(home.clinic, MONDAY + timedelta(days=1), 6),
        reason="Course <b>",
    )
    ClinicClosure.objects.create(
        clinic=home.clinic, first_day=MONDAY + timedelta(days=5), last_day=DST_SUNDAY
    )
    week = _page(client, home, "booking_calendar_week", MONDAY)
    off = "Dr &lt;Kim&gt; &amp; Co off 20:00–06:00: Course &lt;b&gt;</div>"
    assert week.count(off) == 2
    assert week.count("<small>Closed</small>") == 2
    tuesday = _page(client, home, "booking_calendar_day", MONDAY + timedelta(days=1))
    assert "Off 20:00–06:00: Course &lt;b&gt;</div>" in tuesday
    saturday = _page(client, home, "booking_calendar_day", MONDAY + timedelta(days=5))
    assert "The clinic is closed on this day." in saturday


def test_the_clinicians_are_the_clinicians_and_whoever_offers_an_active_type(world):
    clinic = world.home.clinic
    offering = f.StaffFactory(clinic=clinic, role=Role.FRONT_DESK).user
    retired_type_only = f.StaffFactory(clinic=clinic, role=Role.FRONT_DESK).user
    elsewhere_only = f.StaffFactory(clinic=clinic, role=Role.FRONT_DESK).user
    for name in ("a", "b"):
        f.AppointmentTypeFactory(clinic=clinic, slug=f"active-{name}").clinicians.add(
            offering, world.home.clinician
        )
    f.AppointmentTypeFactory(clinic=clinic, is_active=False).clinicians.add(retired_type_only)
    f.AppointmentTypeFactory(clinic=world.other.clinic).clinicians.add(elsewhere_only)
    inactive = f.StaffFactory(clinic=clinic, role=Role.CLINICIAN).user
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    found = list(clinicians_of(clinic=clinic))
    assert sorted(u.pk for u in found) == sorted([world.home.clinician.pk, offering.pk])
