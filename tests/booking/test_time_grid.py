"""The calendar's time grid: where appointments sit, what is shaded, booking a quarter hour by
clicking it, and moving an appointment by dropping it on another (the server judges)."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.booking import services, time_grid
from clinic.booking.models import (
    Appointment,
    AppointmentStatus,
    ClinicClosure,
    TimeOff,
    WorkingHours,
)

pytestmark = pytest.mark.django_db

DST_SUNDAY = date(2030, 3, 10)  # New York moves its clocks forward at 02:00
DRAG = {"HTTP_HX_REQUEST": "true"}


def _book(booking, hour, minute=0, *, day=None, clinician=None, kind=None):
    return services.appointment_book(
        clinic=booking.clinic,
        appointment_type=kind or booking.consult,
        start=booking.at(hour, minute, day=day),
        clinician=clinician or booking.world.home.clinician,
        patient=booking.world.home.patient_a,
    )


def _week(client, booking, **params):
    client.force_login(booking.world.home.frontdesk)
    response = client.get(
        reverse("booking_calendar_week"), {"date": booking.day.isoformat(), **params}
    )
    assert response.status_code == 200
    return response.content.decode()


def _quarters(column: str) -> int:
    """Quarter hours a column draws: the rows of its free and shaded blocks."""
    return sum(int(n) for n in re.findall(r'class="tg-slot[^"]* tg-r\d+ tg-s(\d+)"', column))


def _column(page: str, label: str) -> str:
    """The HTML of one column of the grid, from its heading to the next column."""
    start = page.index(f'aria-label="{label}"')
    end = page.find('<section class="tg-col', start)
    return page[start : end if end != -1 else len(page)]


def _classes_of_item(page: str, pk: int) -> set[str]:
    pattern = r'<article class="([^"]*)"[^>]*data-move="[^"]*/' + str(pk) + '/move/"'
    found = re.search(pattern, page)
    assert found, f"appointment {pk} is not on the grid"
    return set(found.group(1).split())


# Placement: plain numbers ---------------------------------------------------------------------


def test_a_quarter_hour_is_a_row_and_an_end_on_a_boundary_does_not_take_the_next_row():
    eight = 8 * 60
    assert time_grid.placed(10 * 60, 10 * 60 + 45, first_minute=eight, rows=40) == (9, 3)
    assert time_grid.placed(10 * 60 + 5, 10 * 60 + 20, first_minute=eight, rows=40) == (9, 2)
    # Before the grid or past it: cut to the rows there are.
    assert time_grid.placed(7 * 60, 8 * 60 + 30, first_minute=eight, rows=40) == (1, 2)
    assert time_grid.placed(17 * 60, 24 * 60, first_minute=eight, rows=40) == (37, 4)


def test_the_day_spans_everyones_hours_widened_to_what_is_booked_outside_them():
    hours = [time_grid.Hours(0, 9 * 60, 17 * 60), time_grid.Hours(1, 8 * 60 + 30, 12 * 60)]
    assert time_grid.span_of_day(hours, []) == (8 * 60, 17 * 60)
    assert time_grid.span_of_day(hours, [(18 * 60, 19 * 60 + 10)]) == (8 * 60, 20 * 60)
    assert time_grid.span_of_day([], []) == time_grid.DEFAULT_OPEN


def test_overlapping_items_share_the_width_and_the_others_keep_it_all():
    items = [time_grid.GridItem("appointment", None, 1, 1) for _ in range(3)]
    spans = [time_grid.Span(600, 645), time_grid.Span(615, 660), time_grid.Span(700, 745)]
    time_grid.lay_out_lanes(items, spans)
    assert [(i.column, i.width) for i in items] == [(1, 6), (7, 6), (1, 12)]


# Placement: on the page -----------------------------------------------------------------------


def test_a_10_00_to_10_45_appointment_takes_rows_9_to_11_of_a_day_from_8(client, booking):
    appointment = _book(booking, 10, kind=booking.follow_up)  # 30 minutes
    appointment.end = booking.at(10, 45)
    appointment.save(update_fields=["end"])
    page = _week(client, booking)
    assert {"tg-r9", "tg-s3", "tg-c1", "tg-w12"} <= _classes_of_item(page, appointment.pk)
    # The hours 08:00-18:00 give 40 rows, labelled every hour.
    monday = _column(page, booking.day.strftime("%A %-d %B"))
    assert _quarters(monday) == 40
    assert '<span class="tg-r1 tg-s4">08:00</span>' in page
    assert '<span class="tg-r37 tg-s4">17:00</span>' in page


def test_on_the_day_the_clocks_change_10_00_is_still_row_9(client, booking):
    # A Sunday: give the clinician hours then, so the grid starts at 08:00 as on weekdays.
    WorkingHours.objects.create(
        clinic=booking.clinic,
        clinician=booking.world.home.clinician,
        weekday=6,
        start_time=time(8),
        end_time=time(18),
    )
    appointment = Appointment.objects.create(
        clinic=booking.clinic,
        patient=booking.world.home.patient_a,
        clinician=booking.world.home.clinician,
        appointment_type=booking.consult,
        start=datetime.combine(DST_SUNDAY, time(10), tzinfo=booking.clinic.tz),
        end=datetime.combine(DST_SUNDAY, time(10, 45), tzinfo=booking.clinic.tz),
    )
    client.force_login(booking.world.home.frontdesk)
    page = client.get(
        reverse("booking_calendar_week"),
        {"date": DST_SUNDAY.isoformat(), "clinician": booking.world.home.clinician.pk},
    ).content.decode()
    assert {"tg-r9", "tg-s3"} <= _classes_of_item(page, appointment.pk)
    sunday = _column(page, "Sunday 10 March")
    assert f'data-move="/calendar/appointments/{appointment.pk}/move/"' in sunday
    # The quarter hours are counted on the wall clock: 08:00 to 18:00, 40 of them.
    assert _quarters(sunday) == 40
    assert '&amp;time=08:00" data-time="08:00" data-rows="40"' in sunday


# Shading ----------------------------------------------------------------------------------------


def test_time_off_and_hours_are_shaded_for_the_chosen_clinician_and_closures_for_all(
    client, booking
):
    clinician = booking.world.home.clinician
    tuesday = booking.day + timedelta(days=1)
    TimeOff.objects.create(
        clinic=booking.clinic,
        clinician=clinician,
        start=booking.at(12, day=tuesday),
        end=booking.at(13, day=tuesday),
        reason="Team meeting",
    )
    wednesday = booking.day + timedelta(days=2)
    ClinicClosure.objects.create(clinic=booking.clinic, first_day=wednesday, last_day=wednesday)
    page = _week(client, booking, clinician=clinician.pk)
    tue = _column(page, tuesday.strftime("%A %-d %B"))
    # 12:00 to 13:00 is one block of four quarter hours, rows 17 to 20.
    assert re.findall(r'<span class="tg-slot is-away tg-r(\d+) tg-s(\d+)">', tue) == [("17", "4")]
    assert "&amp;time=12:00" not in tue
    assert "&amp;time=13:00" in tue
    assert "Off 12:00–13:00: Team meeting" in tue
    wed = _column(page, wednesday.strftime("%A %-d %B"))
    assert "<small>Closed</small>" in wed
    assert 'is-closed tg-r1 tg-s40"' in wed
    assert 'class="tg-slot tg-r' not in wed  # nothing to book on a closed day
    # Saturday: nobody works (the hours are Monday to Friday).
    saturday = _column(page, (booking.day + timedelta(days=5)).strftime("%A %-d %B"))
    assert 'is-shut tg-r1 tg-s40"' in saturday


def test_the_whole_clinic_stays_open_while_one_clinician_is_off(client, booking):
    tuesday = booking.day + timedelta(days=1)
    TimeOff.objects.create(
        clinic=booking.clinic,
        clinician=booking.world.home.clinician,
        start=booking.at(12, day=tuesday),
        end=booking.at(13, day=tuesday),
    )
    page = _week(client, booking)
    tue = _column(page, tuesday.strftime("%A %-d %B"))
    assert "is-away" not in tue  # the second clinician works then
    # Any clinician: the whole day is one free block, 12:00-13:00 included.
    assert f'?date={tuesday.isoformat()}&amp;time=08:00" data-time="08:00" data-rows="40"' in tue


# Click to book ----------------------------------------------------------------------------------


def test_an_empty_quarter_hour_links_to_the_booking_form_with_its_day_time_and_clinician(
    client, booking
):
    clinician = booking.world.home.clinician
    page = _week(client, booking, clinician=clinician.pk)
    # The free block links to its first quarter hour; the page script sets the one clicked
    # (tests/browser/test_time_grid.py clicks 09:15 of it).
    block = (
        f"{reverse('booking_appointment_new')}?date={booking.day.isoformat()}"
        f"&amp;clinician={clinician.pk}&amp;time=08:00"
    )
    assert f'href="{block}" data-time="08:00" data-rows="40"' in page
    link = block.replace("time=08:00", "time=09:15")
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert 'name="start_time" value="09:15"' in form
    assert f'name="day" value="{booking.day.isoformat()}"' in form
    assert f'<option value="{clinician.pk}" selected>' in form


def test_a_nonsense_time_is_ignored_by_the_booking_form(client, booking):
    client.force_login(booking.world.home.frontdesk)
    for value in ("25:00", "9", "noon", "09:15:00x"):
        form = client.get(reverse("booking_appointment_new"), {"time": value})
        assert form.status_code == 200
        assert 'name="start_time" value=' not in form.content.decode()


# Moving by drag: the server judges ------------------------------------------------------------


def test_moving_into_a_conflict_is_refused_with_a_message_and_nothing_changes(client, booking):
    moving = _book(booking, 9)
    _book(booking, 11)  # 11:00-12:00 plus a 15-minute buffer
    client.force_login(booking.world.home.frontdesk)
    response = client.post(
        reverse("booking_appointment_move", args=[moving.pk]),
        {"day": booking.day.isoformat(), "start_time": "11:30", "clinician": ""},
        **DRAG,
    )
    assert response.status_code == 409
    assert response.content.decode() == "Not moved: That time is already taken."
    moving.refresh_from_db()
    assert moving.start == booking.at(9)
    assert moving.status == AppointmentStatus.BOOKED


def test_moving_outside_the_hours_or_with_a_bad_time_is_refused_too(client, booking):
    moving = _book(booking, 9)
    client.force_login(booking.world.home.frontdesk)
    url = reverse("booking_appointment_move", args=[moving.pk])
    late = client.post(url, {"day": booking.day.isoformat(), "start_time": "20:00"}, **DRAG)
    assert late.status_code == 409
    bad = client.post(url, {"day": booking.day.isoformat(), "start_time": "soon"}, **DRAG)
    assert bad.status_code == 409
    assert bad.content.decode().startswith("Not moved: Start: ")
    moving.refresh_from_db()
    assert moving.start == booking.at(9)


def test_moving_into_a_free_quarter_hour_moves_it_and_the_calendar_says_so(client, booking):
    moving = _book(booking, 9)
    client.force_login(booking.world.home.frontdesk)
    response = client.post(
        reverse("booking_appointment_move", args=[moving.pk]),
        {
            "day": (booking.day + timedelta(days=1)).isoformat(),
            "start_time": "14:15",
            "clinician": booking.clinician2.pk,
        },
        **DRAG,
    )
    assert response.status_code == 204
    moving.refresh_from_db()
    assert moving.start == booking.at(14, 15, day=booking.day + timedelta(days=1))
    assert moving.clinician == booking.clinician2
    page = _week(client, booking)
    assert "Appointment moved." in page


def test_each_movable_appointment_has_a_move_link_to_its_prefilled_form(client, booking):
    moving = _book(booking, 9)
    page = _week(client, booking)
    assert f'<a class="tg-move" href="/calendar/appointments/{moving.pk}/#move-h">Move' in page
    detail = client.get(reverse("booking_appointment", args=[moving.pk])).content.decode()
    assert 'id="move-h"' in detail
    assert 'name="start_time" value="09:00"' in detail


# Now line and cost ------------------------------------------------------------------------------


def test_the_now_line_is_drawn_on_today_only(client, booking, time_machine):
    time_machine.move_to(booking.at(10, 20), tick=False)
    page = _week(client, booking)
    assert page.count('class="tg-now') == 1
    monday = _column(page, booking.day.strftime("%A %-d %B"))
    assert '<div class="tg-now tg-r10 tg-n5" aria-hidden="true"></div>' in monday


def test_the_grid_costs_no_query_more_than_the_lists_did(client, booking):
    """Four booking queries (clinicians with their hours, appointments, time off, closures),
    whatever the hours, time off and appointments: the rest is the session and the user."""
    for hour in (9, 11, 14):
        _book(booking, hour)
    TimeOff.objects.create(
        clinic=booking.clinic,
        clinician=booking.clinician2,
        start=booking.at(12),
        end=booking.at(13),
    )
    client.force_login(booking.world.home.frontdesk)
    url = reverse("booking_calendar_week")
    client.get(url, {"date": booking.day.isoformat()})
    with CaptureQueriesContext(connection) as captured:
        client.get(url, {"date": booking.day.isoformat()})
    booking_tables = [
        q["sql"]
        for q in captured.captured_queries
        if "booking_" in q["sql"] and "django_session" not in q["sql"]
    ]
    assert len(booking_tables) == 4, booking_tables


def test_quarter_hours_in_the_same_state_are_drawn_as_one_block():
    states = ["open", "open", "away", "open", "open", "open"]
    assert time_grid.runs_of(states, first_minute=8 * 60) == [
        time_grid.GridRun(1, 2, "open", "08:00"),
        time_grid.GridRun(3, 1, "away", "08:30"),
        time_grid.GridRun(4, 3, "open", "08:45"),
    ]
    assert time_grid.runs_of(["shut"], first_minute=17 * 60 + 45) == [
        time_grid.GridRun(1, 1, "shut", "17:45")
    ]
    assert time_grid.runs_of([], first_minute=0) == []
