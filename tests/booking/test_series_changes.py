"""Changing a series: move one or all later occurrences (all or nothing), cancel this or all
later ones, one confirmation e-mail for a whole series, and a change notice whenever the
patient's last word about a booking differs from where it is."""

from datetime import timedelta

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from clinic.booking import services
from clinic.booking.availability import Refusal
from clinic.booking.models import Appointment, AppointmentStatus
from clinic.booking.series import Rule
from clinic.notifications.models import Channel, Kind, Notification, Status
from tests import factories as f

pytestmark = pytest.mark.django_db

GRACE = 120


@pytest.fixture(autouse=True)
def grace(settings, time_machine):
    settings.BOOKING_NOTICE_GRACE_SECONDS = GRACE
    time_machine.move_to(timezone.now())  # the tests step the clock themselves


def book_series(booking, count=5):
    result = services.appointment_series_book(
        clinic=booking.clinic,
        appointment_type=booking.follow_up,
        start=booking.at(9),
        rule=Rule(count=count),
        patient=booking.world.home.patient_a,
        clinician=booking.world.home.clinician,
    )
    assert len(result.booked) == count
    return result.booked


def patient_mail(booking) -> list:
    call_command("dispatch_notifications", verbosity=0)
    sent = [m for m in mail.outbox if m.to == [booking.world.home.patient_a.email]]
    mail.outbox.clear()
    return sent


def week(booking, weeks: int, hour: int, minute: int = 0):
    return booking.at(hour, minute, day=booking.day + timedelta(weeks=weeks))


def starts(appointments) -> list:
    return [Appointment.objects.get(pk=a.pk).start for a in appointments]


def calendar_of(message) -> icalendar.Calendar:
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == ("appointment.ics", "text/calendar")
    return icalendar.Calendar.from_ical(content)


def move(api, booking, appointment, start, scope):
    api.force_authenticate(booking.world.home.frontdesk)
    return api.post(
        f"/api/v1/appointments/{appointment.pk}/reschedule-series/",
        {"start": start.isoformat(), "scope": scope},
        format="json",
    )


# Moving --------------------------------------------------------------------------------------


def test_moving_following_shifts_this_and_every_later_one_by_the_same_time(api, booking):
    series = book_series(booking)
    response = move(api, booking, series[1], week(booking, 1, 10, 30), "following")
    assert response.status_code == 200, response.json()
    assert [item["id"] for item in response.json()["moved"]] == [a.pk for a in series[1:]]
    assert starts(series) == [week(booking, 0, 9)] + [
        week(booking, w, 10, 30) for w in (1, 2, 3, 4)
    ]


def test_moving_following_a_day_later_keeps_the_weekly_rhythm(api, booking):
    series = book_series(booking, count=3)
    response = move(api, booking, series[0], week(booking, 0, 9) + timedelta(days=1), "following")
    assert response.status_code == 200, response.json()
    assert starts(series) == [week(booking, w, 9) + timedelta(days=1) for w in (0, 1, 2)]


def test_moving_this_one_leaves_the_others(api, booking):
    series = book_series(booking, count=3)
    response = move(api, booking, series[1], week(booking, 1, 14), "this")
    assert response.status_code == 200
    assert starts(series) == [week(booking, 0, 9), week(booking, 1, 14), week(booking, 2, 9)]


def test_one_conflict_refuses_the_whole_move_and_lists_it(api, booking):
    series = book_series(booking)
    taken = f.appointment(
        clinic=booking.clinic,
        patient=booking.world.home.patient_b,
        clinician=booking.world.home.clinician,
        kind=booking.follow_up,
        day=booking.day + timedelta(weeks=3),
        hour=11,
    )
    before = starts(series)
    response = move(api, booking, series[1], week(booking, 1, 11), "following")
    assert response.status_code == 409
    data = response.json()
    tz = booking.clinic.tz
    assert data["conflicts"] == [
        {
            "id": series[3].pk,
            "start": week(booking, 3, 9).astimezone(tz).isoformat(),
            "new_start": week(booking, 3, 11).astimezone(tz).isoformat(),
            "reason": Refusal.BUSY.value,
        }
    ]
    assert starts(series) == before  # nothing moved
    assert Appointment.objects.get(pk=taken.pk).start == week(booking, 3, 11)
    # Nothing was said to the patient about a move that did not happen.
    assert not Notification.objects.filter(kind=Kind.BOOKING_CHANGED).exists()


def test_the_detail_page_moves_following_and_lists_conflicts(client, booking):
    series = book_series(booking)
    f.appointment(
        clinic=booking.clinic,
        patient=booking.world.home.patient_b,
        clinician=booking.world.home.clinician,
        kind=booking.follow_up,
        day=booking.day + timedelta(weeks=4),
        hour=15,
    )
    client.force_login(booking.world.home.frontdesk)
    page = client.get(f"/calendar/appointments/{series[1].pk}/")
    assert b'value="following"' in page.content
    form = {"day": (booking.day + timedelta(weeks=1)).isoformat(), "start_time": "15:00"}
    refused = client.post(
        f"/calendar/appointments/{series[1].pk}/move/", {**form, "scope": "following"}
    )
    assert refused.status_code == 400
    assert "Nothing was moved" in refused.content.decode()
    assert (booking.day + timedelta(weeks=4)).strftime("%-d %b") in refused.content.decode()
    assert starts(series)[1] == week(booking, 1, 9)
    moved = client.post(
        f"/calendar/appointments/{series[2].pk}/move/",
        {
            "day": (booking.day + timedelta(weeks=2)).isoformat(),
            "start_time": "10:00",
            "scope": "following",
        },
    )
    assert moved.status_code == 302
    assert starts(series)[2:] == [week(booking, w, 10) for w in (2, 3, 4)]


def test_a_single_appointment_cannot_move_following(api, booking):
    single = f.appointment(
        clinic=booking.clinic,
        patient=booking.world.home.patient_a,
        clinician=booking.world.home.clinician,
        kind=booking.follow_up,
        day=booking.day,
        hour=9,
    )
    response = move(api, booking, single, week(booking, 0, 10), "following")
    assert response.status_code == 400
    assert "series" in response.json()["detail"][0]


# Cancelling ----------------------------------------------------------------------------------


def test_cancel_following_cancels_this_and_later_and_this_only_one(api, booking):
    series = book_series(booking)
    api.force_authenticate(booking.world.home.frontdesk)
    response = api.post(
        f"/api/v1/appointments/{series[3].pk}/cancel-series/",
        {"reason": "Done early", "scope": "following"},
        format="json",
    )
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["cancelled"]] == [a.pk for a in series[3:]]
    response = api.post(
        f"/api/v1/appointments/{series[1].pk}/cancel-series/",
        {"reason": "Away that week", "scope": "this"},
        format="json",
    )
    assert [item["id"] for item in response.json()["cancelled"]] == [series[1].pk]
    status = dict(Appointment.objects.values_list("pk", "status"))
    assert [status[a.pk] for a in series] == [
        AppointmentStatus.BOOKED,
        AppointmentStatus.CANCELLED,
        AppointmentStatus.BOOKED,
        AppointmentStatus.CANCELLED,
        AppointmentStatus.CANCELLED,
    ]


# E-mails -------------------------------------------------------------------------------------


def test_a_series_sends_one_confirmation_with_every_date_and_one_calendar(booking, time_machine):
    series = book_series(booking, count=4)
    time_machine.shift(GRACE + 1)
    [sent] = patient_mail(booking)
    assert sent.subject.startswith("Your 4 appointments are booked")
    for appointment in series:
        local = appointment.start.astimezone(booking.clinic.tz)
        assert f"{local:%A} {local.day} {local:%B}" in sent.body
    events = calendar_of(sent).walk("VEVENT")
    assert [str(e["uid"]).split("@")[0] for e in events] == [f"appointment-{a.pk}" for a in series]
    assert [e.decoded("dtstart") for e in events] == [a.start for a in series]
    assert [e.decoded("dtend") for e in events] == [a.end for a in series]
    assert [int(e["sequence"]) for e in events] == [a.ics_sequence for a in series]
    # Each occurrence still has its own reminders.
    assert Notification.objects.filter(
        kind=Kind.APPOINTMENT_REMINDER, channel=Channel.EMAIL, subject_id=series[2].pk
    ).exists()


def test_a_change_to_one_date_later_updates_that_dates_event(booking, time_machine):
    series = book_series(booking, count=3)
    time_machine.shift(GRACE + 1)
    [confirmation] = patient_mail(booking)
    first_uids = [str(e["uid"]) for e in calendar_of(confirmation).walk("VEVENT")]
    services.appointment_reschedule(appointment=series[1], start=week(booking, 1, 14))
    time_machine.shift(GRACE + 1)
    [change] = patient_mail(booking)
    [event] = calendar_of(change).walk("VEVENT")
    assert str(event["uid"]) == first_uids[1]
    assert int(event["sequence"]) > int(calendar_of(confirmation).walk("VEVENT")[1]["sequence"])


def test_changes_inside_the_grace_period_rewrite_the_series_confirmation(booking, time_machine):
    series = book_series(booking, count=3)
    time_machine.shift(30)
    services.appointment_cancel(appointment=series[2], reason="Away")
    services.appointment_reschedule(appointment=series[1], start=week(booking, 1, 14))
    time_machine.shift(GRACE + 1)
    [sent] = patient_mail(booking)  # one e-mail, no separate change or cancellation
    assert sent.subject.startswith("Your 2 appointments are booked")
    assert [e.decoded("dtstart") for e in calendar_of(sent).walk("VEVENT")] == [
        week(booking, 0, 9),
        week(booking, 1, 14),
    ]


def test_moving_following_after_the_confirmation_sends_one_change_e_mail(
    api, booking, time_machine
):
    series = book_series(booking, count=3)
    time_machine.shift(GRACE + 1)
    assert len(patient_mail(booking)) == 1
    assert move(api, booking, series[0], week(booking, 0, 11), "following").status_code == 200
    time_machine.shift(GRACE + 1)
    [sent] = patient_mail(booking)
    assert sent.subject.startswith("Your appointments have moved")
    assert sent.body.count("11:00 AM") == 3
    events = calendar_of(sent).walk("VEVENT")
    assert [e.decoded("dtstart") for e in events] == [week(booking, w, 11) for w in (0, 1, 2)]


def test_moving_back_to_a_time_told_in_an_earlier_change_is_told_again(booking, time_machine):
    appointment = services.appointment_book(
        clinic=booking.clinic,
        appointment_type=booking.consult,
        start=booking.at(9),
        clinician=booking.world.home.clinician,
        patient=booking.world.home.patient_a,
    )
    told = []
    for hour in (None, 11, 9, 11):
        if hour is not None:
            services.appointment_reschedule(appointment=appointment, start=booking.at(hour))
        time_machine.shift(GRACE + 1)
        [sent] = patient_mail(booking)
        told.append(sent)
    assert [m.subject.split(" - ")[0] for m in told] == [
        "Your appointment is booked",
        "Your appointment has moved",
        "Your appointment has moved",
        "Your appointment has moved",
    ]
    assert "It is now" in told[3].body and "11:00 AM" in told[3].body
    sequences = [int(calendar_of(m).walk("VEVENT")[0]["sequence"]) for m in told]
    assert sequences == sorted(set(sequences))  # every e-mail outranks the one before
    changes = Notification.objects.filter(kind=Kind.BOOKING_CHANGED, channel=Channel.EMAIL)
    assert changes.filter(status=Status.SENT).count() == 3


def test_a_drag_on_the_calendar_moves_only_the_dragged_occurrence(client, booking):
    """The calendar's drag sends scope=this (static/js/booking_calendar.js): one of a series
    moves alone, answered 204 for the page to reload."""
    series = book_series(booking)
    client.force_login(booking.world.home.frontdesk)
    dragged = client.post(
        f"/calendar/appointments/{series[1].pk}/move/",
        {
            "day": (booking.day + timedelta(weeks=1)).isoformat(),
            "start_time": "11:00",
            "clinician": "",
            "scope": "this",
        },
        HTTP_HX_REQUEST="true",
    )
    assert dragged.status_code == 204, dragged.content
    assert starts(series) == [week(booking, 0, 9), week(booking, 1, 11)] + [
        week(booking, w, 9) for w in (2, 3, 4)
    ]
