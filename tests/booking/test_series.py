"""Repeating appointments: book a weekly series through the booking service, preview it,
cancel all future occurrences; wall-clock times hold across daylight-saving changes."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from clinic.booking.availability import Refusal
from clinic.booking.models import Appointment, AppointmentStatus, ClinicClosure
from tests import factories as f

pytestmark = pytest.mark.django_db

SERIES = "/api/v1/appointments/series/"


def body(booking, **overrides):
    data = {
        "type": "follow-up",
        "patient": booking.world.home.patient_a.pk,
        "clinician": booking.world.home.clinician.pk,
        "start": booking.at(9).isoformat(),
        "rule": {"freq": "weekly", "interval": 1, "count": 6},
    }
    data.update(overrides)
    return data


def signed_in(api, user):
    api.force_authenticate(user)
    return api


def block_week(booking, weeks_later: int, hour: int = 9):
    """Another patient's appointment with the same clinician, `weeks_later` weeks on."""
    return f.appointment(
        clinic=booking.clinic,
        patient=booking.world.home.patient_b,
        clinician=booking.world.home.clinician,
        kind=booking.follow_up,
        day=booking.day + timedelta(weeks=weeks_later),
        hour=hour,
    )


def test_a_six_week_series_books_five_and_reports_the_conflict(api, booking):
    taken = block_week(booking, 2)
    response = signed_in(api, booking.world.home.frontdesk).post(
        SERIES, body(booking), format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert len(data["booked"]) == 5
    assert data["conflicts"] == [
        {
            "start": taken.start.astimezone(booking.clinic.tz).isoformat(),
            "reason": Refusal.BUSY.value,
        }
    ]
    expected = [booking.at(9, day=booking.day + timedelta(weeks=w)) for w in (0, 1, 3, 4, 5)]
    assert [item["start"] for item in data["booked"]] == [m.isoformat() for m in expected]
    series_ids = {item["series"] for item in data["booked"]}
    assert len(series_ids) == 1 and None not in series_ids
    stored = Appointment.objects.filter(series=series_ids.pop())
    assert stored.count() == 5
    assert {a.patient_id for a in stored} == {booking.world.home.patient_a.pk}
    assert all(a.status == AppointmentStatus.BOOKED for a in stored)


def test_a_closure_is_a_conflict_with_the_services_reason(api, booking):
    closed = booking.day + timedelta(weeks=1)
    ClinicClosure.objects.create(clinic=booking.clinic, first_day=closed, last_day=closed)
    response = signed_in(api, booking.world.home.clinician).post(
        SERIES, body(booking, rule={"freq": "weekly", "count": 3}), format="json"
    )
    assert response.status_code == 201
    assert [c["reason"] for c in response.json()["conflicts"]] == [Refusal.CLOSED.value]
    assert len(response.json()["booked"]) == 2


def test_dry_run_books_nothing_and_reports_both(api, booking):
    block_week(booking, 2)
    response = signed_in(api, booking.world.home.admin).post(
        SERIES + "?dry_run=1", body(booking), format="json"
    )
    assert response.status_code == 200
    data = response.json()
    assert len(data["booked"]) == 5
    assert [c["reason"] for c in data["conflicts"]] == [Refusal.BUSY.value]
    assert all(item["id"] is None and item["series"] is None for item in data["booked"])
    assert not Appointment.objects.filter(patient=booking.world.home.patient_a).exists()


def test_until_gives_the_weeks_up_to_and_including_that_day(api, booking):
    last = booking.day + timedelta(weeks=3)
    rule = {"freq": "weekly", "interval": 1, "until": last.isoformat()}
    response = signed_in(api, booking.world.home.frontdesk).post(
        SERIES, body(booking, rule=rule), format="json"
    )
    assert response.status_code == 201
    starts = [item["start"] for item in response.json()["booked"]]
    assert starts[-1] == booking.at(9, day=last).isoformat()
    assert len(starts) == 4


def test_every_second_week_with_a_count(api, booking):
    rule = {"freq": "weekly", "interval": 2, "count": 3}
    response = signed_in(api, booking.world.home.frontdesk).post(
        SERIES, body(booking, rule=rule), format="json"
    )
    assert [item["start"] for item in response.json()["booked"]] == [
        booking.at(9, day=booking.day + timedelta(weeks=w)).isoformat() for w in (0, 2, 4)
    ]


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"freq": "weekly", "interval": 1}, "count"),  # neither count nor until
        ({"freq": "weekly", "count": 3, "until": "2030-01-01"}, "count"),  # both
        ({"freq": "weekly", "count": 53}, "count"),  # over the cap
        ({"freq": "weekly", "count": 0}, "count"),
        ({"freq": "daily", "count": 3}, "freq"),
        ({"freq": "weekly", "interval": 0, "count": 3}, "interval"),
        ({"freq": "weekly", "until": "next week"}, "until"),
        ({"freq": "weekly", "until": "2000-01-01"}, "until"),  # before the first
        ({"freq": "weekly", "until": "2100-01-01"}, "until"),  # far over the cap
    ],
)
def test_a_bad_rule_is_a_400_naming_the_field(api, booking, rule, field):
    response = signed_in(api, booking.world.home.frontdesk).post(
        SERIES, body(booking, rule=rule), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["rule"], response.json()
    assert not Appointment.objects.exists()


def test_a_patient_cannot_book_a_series(api, booking):
    response = signed_in(api, booking.world.home.patient_a.user).post(
        SERIES, body(booking), format="json"
    )
    assert response.status_code == 403
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("field", ["patient", "clinician"])
def test_another_clinics_patient_or_clinician_is_a_400(api, booking, field):
    other = {
        "patient": booking.world.other.patient_a.pk,
        "clinician": booking.world.other.clinician.pk,
    }[field]
    response = signed_in(api, booking.world.home.frontdesk).post(
        SERIES, body(booking, **{field: other}), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Appointment.objects.exists()


def book_series(api, booking, count=5):
    response = signed_in(api, booking.world.home.frontdesk).post(
        SERIES, body(booking, rule={"freq": "weekly", "count": count}), format="json"
    )
    assert response.status_code == 201
    return [item["id"] for item in response.json()["booked"]]


def test_cancel_series_from_the_third_leaves_the_first_two(api, booking):
    ids = book_series(api, booking)
    single = block_week(booking, 3, hour=14)
    response = api.post(
        f"/api/v1/appointments/{ids[2]}/cancel-series/", {"reason": "Stopped"}, format="json"
    )
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["cancelled"]] == ids[2:]
    status = dict(Appointment.objects.values_list("pk", "status"))
    assert [status[pk] for pk in ids] == ["booked", "booked"] + ["cancelled"] * 3
    assert status[single.pk] == "booked"  # not of the series


def test_cancel_one_occurrence_keeps_the_rest(api, booking):
    ids = book_series(api, booking, count=3)
    response = api.post(f"/api/v1/appointments/{ids[1]}/cancel/", {"reason": "Away"}, format="json")
    assert response.status_code == 200
    status = dict(Appointment.objects.values_list("pk", "status"))
    assert [status[pk] for pk in ids] == ["booked", "cancelled", "booked"]


def test_cancel_series_needs_a_series_and_a_reason(api, booking):
    ids = book_series(api, booking, count=2)
    single = block_week(booking, 0, hour=14)
    response = api.post(f"/api/v1/appointments/{single.pk}/cancel-series/", {"reason": "x"})
    assert response.status_code == 400
    assert "series" in response.json()["detail"][0]
    response = api.post(f"/api/v1/appointments/{ids[0]}/cancel-series/", {"reason": ""})
    assert response.status_code == 400
    assert "reason" in response.json()


def test_cancel_series_of_another_clinic_is_a_404(api, booking):
    ids = book_series(api, booking, count=2)
    api.force_authenticate(booking.world.other.admin)
    response = api.post(f"/api/v1/appointments/{ids[0]}/cancel-series/", {"reason": "x"})
    assert response.status_code == 404
    assert Appointment.objects.filter(pk__in=ids, status="booked").count() == 2


def test_a_series_appointment_shows_its_series_and_a_single_one_null(api, booking):
    ids = book_series(api, booking, count=2)
    single = block_week(booking, 0, hour=14)
    first = api.get(f"/api/v1/appointments/{ids[0]}/").json()
    assert first["series"] == str(Appointment.objects.get(pk=ids[0]).series)
    assert api.get(f"/api/v1/appointments/{single.pk}/").json()["series"] is None


@time_machine.travel(datetime(2026, 10, 1, 12, tzinfo=UTC))
def test_a_weekly_series_across_the_us_dst_change_keeps_0900_local(api, booking):
    assert str(booking.clinic.tz) == "America/New_York"
    first = date(2026, 10, 26)  # a Monday; clocks go back on Sunday 1 November
    start = datetime.combine(first, time(9), tzinfo=booking.clinic.tz)
    response = signed_in(api, booking.world.home.frontdesk).post(
        SERIES,
        body(booking, start=start.isoformat(), rule={"freq": "weekly", "count": 3}),
        format="json",
    )
    assert response.status_code == 201, response.json()
    starts = [item["start"] for item in response.json()["booked"]]
    assert starts == [
        "2026-10-26T09:00:00-04:00",
        "2026-11-02T09:00:00-05:00",
        "2026-11-09T09:00:00-05:00",
    ]
    utc_hours = [
        a.start.astimezone(UTC).hour
        for a in Appointment.objects.filter(patient=booking.world.home.patient_a)
    ]
    assert utc_hours == [13, 14, 14]
