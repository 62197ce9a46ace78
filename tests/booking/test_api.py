"""The booking API: public types, availability and bookings; staff appointments; access."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from clinic.booking.models import ACTIVE_STATUSES, Appointment, AppointmentStatus
from clinic.models import Patient

pytestmark = pytest.mark.django_db

TYPES = "/api/v1/public/appointment-types/"
AVAILABILITY = "/api/v1/public/availability/"
BOOKINGS = "/api/v1/public/bookings/"
APPOINTMENTS = "/api/v1/appointments/"


def public_post(api, booking, **overrides):
    body = {
        "type": "running-performance-consult",
        "start": booking.at(9).isoformat(),
        "clinician": booking.world.home.clinician.pk,
        "name": "Ann Lee",
        "email": "ann@example.org",
        "phone": "410 555 0100",
        **overrides,
    }
    body = {k: v for k, v in body.items() if v is not None}
    return api.post(BOOKINGS + "?clinic=home", body, format="json")


def test_public_types_list_only_public_types_of_that_clinic(api, booking):
    response = api.get(TYPES + "?clinic=home")
    assert response.status_code == 200
    assert [t["slug"] for t in response.json()] == ["running-performance-consult"]
    assert {c["id"] for c in response.json()[0]["clinicians"]} == {
        booking.world.home.clinician.pk,
        booking.clinician2.pk,
    }


def test_public_endpoints_default_to_the_demo_clinic(api, booking):
    booking.clinic.slug = "demo"
    booking.clinic.save()
    assert api.get(TYPES).status_code == 200
    response = api.get(AVAILABILITY, {"type": "running-performance-consult", "date": booking.day})
    assert response.status_code == 200
    assert response.json()


def test_an_unknown_clinic_is_a_400(api, booking):
    response = api.get(TYPES + "?clinic=nowhere")
    assert response.status_code == 400
    assert "clinic" in response.json()


def test_availability_gives_iso_times_with_the_clinic_offset(api, booking):
    response = api.get(
        AVAILABILITY,
        {
            "clinic": "home",
            "type": "running-performance-consult",
            "date": booking.day.isoformat(),
            "clinician": booking.world.home.clinician.pk,
        },
    )
    assert response.status_code == 200
    first = response.json()[0]
    assert first == {
        "start": booking.at(8).isoformat(),
        "end": booking.at(9).isoformat(),
        "clinician": booking.world.home.clinician.pk,
    }
    assert first["start"].endswith(("-05:00", "-04:00"))


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"type": "nope", "date": "2030-01-07"}, "type"),
        ({"type": "follow-up", "date": "2030-01-07"}, "type"),
        ({"type": "running-performance-consult", "date": "7/1/2030"}, "date"),
        ({"date": "2030-01-07"}, "type"),
    ],
)
def test_availability_bad_input_is_a_400_naming_the_field(api, booking, params, field):
    response = api.get(AVAILABILITY, {"clinic": "home", **params})
    assert response.status_code == 400
    assert field in response.json()


def test_a_public_booking_is_201_with_a_manage_url_and_an_email(
    api, booking, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = public_post(
            api, booking, what_hurts="right shin", weekly_km=35, goal_race="Philadelphia"
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"id", "start", "end", "clinician", "manage_url"}
    assert body["start"] == booking.at(9).isoformat()
    assert "/book/manage/" in body["manage_url"]
    appointment = Appointment.objects.get(pk=body["id"])
    assert appointment.source == "public"
    assert appointment.intake_weekly_km == 35
    assert "right shin" in appointment.patient.intake_notes
    call_command("dispatch_notifications", verbosity=0)
    to_patient = [m for m in mail.outbox if m.to == ["ann@example.org"]]
    assert len(to_patient) == 1
    message = to_patient[0]
    # The front desk and the clinician hear that a patient booked online.
    staff = {address for m in mail.outbox if m is not message for address in m.to}
    assert booking.world.home.frontdesk.email in staff
    name, ics, mimetype = message.attachments[0]
    assert name.endswith(".ics")
    assert mimetype.startswith("text/calendar")
    assert "BEGIN:VEVENT" in ics
    assert f"DTSTART:{booking.at(9).astimezone(tz=None).strftime('%Y%m%d')}" in ics
    assert "\r\n" in ics


def test_any_clinician_when_none_is_given(api, booking):
    response = public_post(api, booking, clinician=None)
    assert response.status_code == 201
    assert response.json()["clinician"] in {booking.world.home.clinician.pk, booking.clinician2.pk}


def test_a_taken_slot_is_a_409_with_the_nearest_free_times(api, booking):
    assert public_post(api, booking).status_code == 201
    response = public_post(api, booking, start=booking.at(9, 30).isoformat(), email="b@x.org")
    assert response.status_code == 409
    body = response.json()
    assert "detail" in body
    assert body["nearest"]
    assert all(set(s) == {"start", "end", "clinician"} for s in body["nearest"])
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"start": "later"}, "start"),
        ({"start": "2030-01-07T09:00:00"}, "start"),  # no offset
        ({"type": "nope"}, "type"),
        ({"type": "follow-up"}, "type"),
        ({"email": "not-an-email"}, "email"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_public_input_is_a_400_and_stores_nothing(api, booking, overrides, field):
    response = public_post(api, booking, **overrides)
    assert response.status_code == 400
    assert field in response.json()
    assert not Appointment.objects.exists()
    assert not Patient.objects.filter(email="ann@example.org").exists()


@pytest.mark.parametrize(
    ("hour", "minute", "days", "words"),
    [
        (9, 7, 0, "offered start times"),
        (19, 0, 0, "offered start times"),
        (9, 0, -40, "past"),
        (9, 0, 400, "too far ahead"),
    ],
)
def test_starts_off_the_grid_outside_hours_past_or_too_far_are_400(
    api, booking, hour, minute, days, words
):
    start = booking.at(hour, minute, day=booking.day + timedelta(days=days))
    response = public_post(api, booking, start=start.isoformat())
    assert response.status_code == 400
    assert words in str(response.json()["start"])
    assert not Appointment.objects.exists()


def test_another_clinics_clinician_is_a_400(api, booking):
    response = public_post(api, booking, clinician=booking.world.other.clinician.pk)
    assert response.status_code == 400
    assert "clinician" in response.json()


def test_an_existing_patients_email_makes_a_request_not_a_duplicate(api, booking):
    existing = booking.world.home.patient_a
    response = public_post(api, booking, email=existing.email.upper())
    assert response.status_code == 201
    held = Appointment.objects.get()
    # The time is held for a request the patient must confirm; nothing is theirs yet.
    assert (held.patient, held.status) == (None, AppointmentStatus.PENDING)
    assert held.booking_request.patient == existing
    assert Patient.objects.filter(email__iexact=existing.email).count() == 1


# Staff ---------------------------------------------------------------------------------------


def staff_create(api, booking, user, **overrides):
    api.force_authenticate(user)
    body = {
        "type": "follow-up",
        "start": booking.at(11).isoformat(),
        "clinician": booking.world.home.clinician.pk,
        "patient": booking.world.home.patient_a.pk,
        **overrides,
    }
    return api.post(APPOINTMENTS, body, format="json")


@pytest.mark.parametrize("role", ["admin", "clinician", "frontdesk"])
def test_staff_create_list_update_and_cancel(api, booking, role):
    user = getattr(booking.world.home, role)
    created = staff_create(api, booking, user)
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    listed = api.get(APPOINTMENTS, {"from": booking.day.isoformat(), "to": booking.day.isoformat()})
    assert [a["id"] for a in listed.json()["results"]] == [pk]
    moved = api.patch(f"{APPOINTMENTS}{pk}/", {"start": booking.at(13).isoformat()}, format="json")
    assert moved.status_code == 200
    assert moved.json()["start"] == booking.at(13).isoformat()
    refused = api.post(f"{APPOINTMENTS}{pk}/cancel/", {}, format="json")
    assert refused.status_code == 400
    cancelled = api.post(f"{APPOINTMENTS}{pk}/cancel/", {"reason": "Sick"}, format="json")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"


def test_staff_can_book_a_staff_only_type_and_a_new_patient_by_email(api, booking):
    response = staff_create(
        api,
        booking,
        booking.world.home.frontdesk,
        patient=None,
        name="Cara New",
        email="cara@example.org",
    )
    assert response.status_code == 201, response.json()
    assert Patient.objects.get(email="cara@example.org").clinic == booking.clinic


def test_staff_conflicts_are_409(api, booking):
    assert staff_create(api, booking, booking.world.home.frontdesk).status_code == 201
    second = staff_create(
        api,
        booking,
        booking.world.home.frontdesk,
        patient=booking.world.home.patient_b.pk,
        start=booking.at(11, 15).isoformat(),
    )
    assert second.status_code == 409
    assert second.json()["nearest"]


def test_arrived_and_no_show_actions(api, booking, time_machine):
    pk = staff_create(api, booking, booking.world.home.frontdesk).json()["id"]
    early = api.post(f"{APPOINTMENTS}{pk}/arrived/")  # days before the appointment
    assert early.status_code == 400
    assert "only on or after that day" in str(early.json())
    assert Appointment.objects.get(pk=pk).status == AppointmentStatus.BOOKED
    time_machine.move_to(booking.at(8, 50))
    api.force_authenticate(booking.world.home.frontdesk)
    assert api.post(f"{APPOINTMENTS}{pk}/arrived/").json()["status"] == "arrived"
    assert api.post(f"{APPOINTMENTS}{pk}/no-show/").status_code == 400  # not begun yet
    assert Appointment.objects.get(pk=pk).status == AppointmentStatus.ARRIVED


def test_staff_cannot_use_another_clinics_patient_or_type(api, booking):
    response = staff_create(
        api, booking, booking.world.home.frontdesk, patient=booking.world.other.patient_a.pk
    )
    assert response.status_code == 400
    assert "patient" in response.json()
    assert not Appointment.objects.filter(status__in=ACTIVE_STATUSES).exists()


def test_another_clinics_appointment_is_404(api, booking):
    foreign = Appointment.objects.create(
        clinic=booking.world.other.clinic,
        patient=booking.world.other.patient_a,
        clinician=booking.world.other.clinician,
        appointment_type=booking.world.other.clinic.appointment_types.get(),
        start=booking.at(9),
        end=booking.at(10),
    )
    api.force_authenticate(booking.world.home.frontdesk)
    assert api.get(f"{APPOINTMENTS}{foreign.pk}/").status_code == 404
    assert api.post(f"{APPOINTMENTS}{foreign.pk}/cancel/", {"reason": "x"}).status_code == 404
    assert api.patch(f"{APPOINTMENTS}{foreign.pk}/", {"notes": "x"}).status_code == 404
    assert foreign.id not in [a["id"] for a in api.get(APPOINTMENTS).json()["results"]]
    foreign.refresh_from_db()
    assert foreign.status == "booked"


def test_patients_and_anonymous_users_cannot_use_the_staff_api(api, booking):
    assert api.get(APPOINTMENTS).status_code in (401, 403)
    api.force_authenticate(booking.world.home.patient_a.user)
    assert api.get(APPOINTMENTS).status_code == 403
    assert staff_create(api, booking, booking.world.home.patient_a.user).status_code == 403


def test_public_endpoints_are_throttled_per_ip(api, booking, settings):
    from django.core.cache import cache
    from rest_framework.settings import api_settings
    from rest_framework.throttling import ScopedRateThrottle

    cache.clear()
    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "public": "3/min"}
    try:
        codes = [api.get(TYPES + "?clinic=home").status_code for _ in range(5)]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = original
        cache.clear()
    assert codes[:3] == [200, 200, 200]
    assert codes[3:] == [429, 429]


def test_a_made_up_forwarded_for_does_not_dodge_the_public_throttle(api, booking, monkeypatch):
    """The review's booking_abuse.py: a new X-Forwarded-For per call was a new client."""
    from django.core.cache import cache

    from clinic.throttling import ClientRateThrottle

    cache.clear()
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"public": "3/min"})
    try:
        codes = [
            api.get(TYPES + "?clinic=home", HTTP_X_FORWARDED_FOR=f"6.6.6.{n}").status_code
            for n in range(5)
        ]
    finally:
        cache.clear()
    assert codes == [200, 200, 200, 429, 429]


@pytest.mark.parametrize("start", ["9999-12-31T23:00:00-05:00", "0001-01-01T00:00:00+14:00"])
def test_absurd_years_are_a_400_not_a_crash(api, booking, start):
    assert public_post(api, booking, start=start).status_code == 400
    response = api.get(
        AVAILABILITY, {"clinic": "home", "type": "running-performance-consult", "date": start[:10]}
    )
    assert response.status_code == 400
    api.force_authenticate(booking.world.home.frontdesk)
    assert api.get(APPOINTMENTS, {"from": start[:10], "to": start[:10]}).status_code in (200, 400)
    assert staff_create(api, booking, booking.world.home.frontdesk, start=start).status_code == 400


@pytest.mark.parametrize("value", [17, ["x"], {"a": 1}, ""])
def test_odd_json_types_are_a_400(api, booking, value):
    assert public_post(api, booking, start=value).status_code == 400
    assert public_post(api, booking, type=value).status_code == 400


def test_a_new_public_patient_without_birth_date_is_flagged_for_the_front_desk(api, booking):
    assert public_post(api, booking).status_code == 201
    patient = Patient.objects.get(email="ann@example.org")
    assert (patient.first_name, patient.last_name) == ("Ann", "Lee")
    assert "Not given at booking: date of birth and sex" in patient.intake_notes
    assert (patient.date_of_birth, patient.sex) == (None, "")
