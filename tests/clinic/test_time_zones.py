"""One time zone per person: the zone the middleware activates for each reader, and the
patient's own zone as staff and the patient set it."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from clinic.access import patient_of, role_of
from clinic.middleware import PersonTimeZoneMiddleware
from clinic.notifications.models import Kind, Notification, Status
from programs import reminders as program_reminders
from tests.programs.test_me_api import make_program

pytestmark = pytest.mark.django_db


def zone_seen_by(user) -> tuple[str, str]:
    """The zone a view sees for `user`, and the one left active after the response."""
    seen = {}

    def view(request):
        seen["zone"] = timezone.get_current_timezone_name()
        return "response"

    request = RequestFactory().get("/")
    request.user = user
    assert PersonTimeZoneMiddleware(view)(request) == "response"
    return seen["zone"], timezone.get_current_timezone_name()


def test_staff_read_their_clinics_zone(world):
    world.other.clinic.time_zone = "America/Chicago"
    world.other.clinic.save()
    assert zone_seen_by(world.home.clinician) == ("America/New_York", "UTC")
    assert zone_seen_by(world.home.frontdesk) == ("America/New_York", "UTC")
    assert zone_seen_by(world.other.clinician)[0] == "America/Chicago"


def test_a_patient_reads_their_own_zone_else_the_clinics(world):
    patient = world.home.patient_a
    assert zone_seen_by(patient.user) == ("America/New_York", "UTC")
    patient.time_zone = "Europe/Lisbon"
    patient.save()
    fresh = type(patient.user).objects.get(pk=patient.user_id)  # a new request's user
    assert zone_seen_by(fresh) == ("Europe/Lisbon", "UTC")
    assert patient.tz.key == "Europe/Lisbon"  # and their messages, drills and logs


def test_signed_out_requests_stay_in_utc():
    timezone.activate("Asia/Tokyo")  # left over from an earlier request on this thread
    assert zone_seen_by(AnonymousUser()) == ("UTC", "UTC")


def test_the_middleware_adds_no_query(world, django_assert_num_queries):
    user = world.home.patient_a.user
    role_of(user), patient_of(user)  # the lookups every signed-in page makes anyway
    with django_assert_num_queries(0):
        zone_seen_by(user)


def test_staff_set_a_patients_zone_and_a_bad_one_is_named(client, world):
    patient = world.home.patient_a
    client.force_login(world.home.frontdesk)
    url = f"/patients/{patient.pk}/edit/"
    form = client.get(url).content.decode()
    assert '<option value="" selected>The clinic&#x27;s time zone (America/New_York)' in form
    data = {
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "sex": patient.sex,
        "email": patient.email,
        "phone": "",
    }
    response = client.post(url, {**data, "time_zone": "Mars/Olympus"})
    assert response.status_code == 400
    assert "Mars/Olympus is not one of the available choices" in response.content.decode()
    patient.refresh_from_db()
    assert patient.time_zone == ""
    response = client.post(url, {**data, "time_zone": "Europe/Berlin"})
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.time_zone == "Europe/Berlin" and patient.tz.key == "Europe/Berlin"


def test_a_patients_today_is_their_own(world, time_machine):
    time_machine.move_to(datetime(2026, 12, 8, 2, 0, tzinfo=UTC), tick=False)
    patient = world.home.patient_a
    assert patient.today() == date(2026, 12, 7)  # 21:00 in New York
    patient.time_zone = "Europe/Berlin"
    assert patient.today() == date(2026, 12, 8)  # 03:00 in Berlin


def test_a_zone_set_by_staff_re_times_the_patients_reminders(client, world, time_machine):
    time_machine.move_to(datetime(2026, 12, 8, 13, 0, tzinfo=UTC), tick=False)
    patient = world.home.patient_a
    program = make_program(world.home, patient, items=1)
    program_reminders.program_reminders_roll_for(program=program)
    pending = Notification.objects.filter(patient=patient, kind=Kind.PROGRAM_REMINDER)
    new_york = {row.due_at.astimezone(ZoneInfo("America/New_York")).time() for row in pending}
    assert new_york == {time(7, 30)}
    client.force_login(world.home.frontdesk)
    data = {
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "sex": patient.sex,
        "email": patient.email,
        "phone": "",
        "time_zone": "Europe/London",
    }
    assert client.post(f"/patients/{patient.pk}/edit/", data).status_code == 302
    patient.refresh_from_db()
    assert patient.time_zone == "Europe/London"
    pending = pending.filter(status=Status.PENDING)
    assert pending.exists()
    london = {row.due_at.astimezone(ZoneInfo("Europe/London")).time() for row in pending}
    assert london == {time(7, 30)}
