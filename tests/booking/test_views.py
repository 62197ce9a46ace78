"""Booking pages: who may open them, the calendars' query count, booking, moving, cancelling."""

from datetime import timedelta

import pytest
from django.urls import reverse

from clinic.booking import services
from clinic.booking.models import Appointment, AppointmentStatus, TimeOff
from tests import factories as f

pytestmark = pytest.mark.django_db

LIST_PAGES = [
    "booking_calendar_day",
    "booking_calendar_week",
    "booking_appointment_new",
    "booking_slot_check",
    "booking_patient_search",
]
OBJECT_GET_PAGES = ["booking_appointment"]
OBJECT_POST_PAGES = [
    "booking_appointment_move",
    "booking_appointment_cancel",
    "booking_appointment_status",
]


def booked(booking, hour=9, side="home", patient=None, day=None):
    world_side = getattr(booking.world, side)
    kind = booking.consult if side == "home" else world_side.clinic.appointment_types.get()
    return services.appointment_book(
        clinic=world_side.clinic,
        appointment_type=kind,
        start=booking.at(hour, day=day),
        clinician=world_side.clinician,
        patient=patient or world_side.patient_a,
    )


@pytest.mark.parametrize("role", ["admin", "clinician", "frontdesk"])
@pytest.mark.parametrize("name", LIST_PAGES)
def test_staff_open_the_calendar_pages(client, booking, role, name):
    client.force_login(getattr(booking.world.home, role))
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", LIST_PAGES + OBJECT_GET_PAGES)
def test_patients_get_403_on_staff_booking_pages(client, booking, name):
    appointment = booked(booking)
    client.force_login(booking.world.home.patient_a.user)
    args = [appointment.pk] if name in OBJECT_GET_PAGES else []
    assert client.get(reverse(name, args=args)).status_code == 403


@pytest.mark.parametrize("name", OBJECT_POST_PAGES)
def test_patients_get_403_on_staff_booking_actions(client, booking, name):
    appointment = booked(booking)
    client.force_login(booking.world.home.patient_a.user)
    response = client.post(reverse(name, args=[appointment.pk]), {"reason": "x"})
    assert response.status_code == 403
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


@pytest.mark.parametrize("name", LIST_PAGES)
def test_anonymous_users_go_to_login(client, booking, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", OBJECT_GET_PAGES + OBJECT_POST_PAGES)
def test_another_clinics_appointment_is_404(client, booking, name):
    foreign = booked(booking, side="other")
    client.force_login(booking.world.home.frontdesk)
    method = client.get if name in OBJECT_GET_PAGES else client.post
    data = {} if name in OBJECT_GET_PAGES else {"reason": "x", "status": "arrived"}
    assert method(reverse(name, args=[foreign.pk]), data).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == AppointmentStatus.BOOKED


def test_the_calendar_never_shows_another_clinic(client, booking):
    booked(booking, side="other")
    mine = booked(booking)
    client.force_login(booking.world.home.frontdesk)
    page = client.get(reverse("booking_calendar_week"), {"date": booking.day}).content.decode()
    assert mine.patient.full_name in page
    assert booking.world.other.patient_a.full_name not in page


def test_front_desk_sees_no_clinical_pages_from_the_calendar(client, booking):
    client.force_login(booking.world.home.frontdesk)
    page = client.get(reverse("booking_calendar_day")).content.decode()
    assert "/screens/" not in page
    assert "/programs/" not in page


def _fill_week(booking, count, first=0):
    for i in range(first, first + count):
        day = booking.day + timedelta(days=i % 5)
        hour = 8 + (i // 5) % 9
        services.appointment_book(
            clinic=booking.clinic,
            appointment_type=booking.follow_up,
            start=booking.at(hour, day=day),
            clinician=[booking.world.home.clinician, booking.clinician2][(i // 45) % 2],
            patient=f.PatientFactory(clinic=booking.clinic),
        )
    TimeOff.objects.create(
        clinic=booking.clinic,
        clinician=booking.clinician2,
        start=booking.at(17, day=booking.day + timedelta(days=first % 5)),
        end=booking.at(18, day=booking.day + timedelta(days=first % 5)),
        reason="Course",
    )


def _queries_for(client, url, params) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)  # warm any per-session work (last-seen stamps and the like)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["booking_calendar_week", "booking_calendar_day"])
def test_calendar_query_count_does_not_grow_with_appointments(
    client, booking, django_assert_num_queries, name
):
    client.force_login(booking.world.home.frontdesk)
    url, params = reverse(name), {"date": booking.day}
    _fill_week(booking, 2)
    few = _queries_for(client, url, params)
    _fill_week(booking, 80, first=2)
    client.get(url, params)
    with django_assert_num_queries(few):
        response = client.get(url, params)
    if name == "booking_calendar_week":
        assert response.content.decode().count('class="tg-item tg-appt ') == 82
    # Booking's own share: clinicians, appointments, time off and closures.
    assert few <= 12


def test_the_week_calendar_for_one_clinician_costs_the_same(client, booking):
    client.force_login(booking.world.home.frontdesk)
    _fill_week(booking, 20)
    url = reverse("booking_calendar_week")
    whole = _queries_for(client, url, {"date": booking.day})
    one = _queries_for(client, url, {"date": booking.day, "clinician": booking.clinician2.pk})
    assert whole == one


def test_front_desk_books_with_an_existing_patient(client, booking):
    client.force_login(booking.world.home.frontdesk)
    response = client.post(
        reverse("booking_appointment_new"),
        {
            "appointment_type": booking.follow_up.pk,
            "clinician": booking.world.home.clinician.pk,
            "day": booking.day.isoformat(),
            "start_time": "10:30",
            "patient": booking.world.home.patient_b.pk,
        },
    )
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert appointment.patient == booking.world.home.patient_b
    assert appointment.booked_by == booking.world.home.frontdesk
    assert appointment.start == booking.at(10, 30)


def test_front_desk_booking_finds_or_creates_a_patient_by_email(client, booking):
    client.force_login(booking.world.home.frontdesk)
    data = {
        "appointment_type": booking.follow_up.pk,
        "day": booking.day.isoformat(),
        "start_time": "10:30",
        "name": "Whoever",
        "email": booking.world.home.patient_a.email,
    }
    assert client.post(reverse("booking_appointment_new"), data).status_code == 302
    assert Appointment.objects.get().patient == booking.world.home.patient_a


def test_front_desk_sees_the_conflict_before_and_when_saving(client, booking):
    booked(booking, hour=10)
    client.force_login(booking.world.home.frontdesk)
    check = client.get(
        reverse("booking_slot_check"),
        {
            "appointment_type": booking.follow_up.pk,
            "clinician": booking.world.home.clinician.pk,
            "day": booking.day.isoformat(),
            "start_time": "10:30",
        },
    )
    assert "is not free" in check.content.decode()
    response = client.post(
        reverse("booking_appointment_new"),
        {
            "appointment_type": booking.follow_up.pk,
            "clinician": booking.world.home.clinician.pk,
            "day": booking.day.isoformat(),
            "start_time": "10:30",
            "patient": booking.world.home.patient_b.pk,
        },
    )
    assert response.status_code == 200
    assert "already taken" in response.content.decode()
    assert Appointment.objects.count() == 1


def test_patient_search_is_limited_to_the_clinic(client, booking):
    client.force_login(booking.world.home.frontdesk)
    page = client.get(reverse("booking_patient_search"), {"q": "Ada"}).content.decode()
    assert booking.world.home.patient_a.email in page
    assert booking.world.other.patient_a.email not in page


def test_move_cancel_arrived_from_the_appointment_page(client, booking, time_machine):
    appointment = booked(booking)
    time_machine.move_to(booking.at(8))
    client.force_login(booking.world.home.frontdesk)
    assert client.get(reverse("booking_appointment", args=[appointment.pk])).status_code == 200
    moved = client.post(
        reverse("booking_appointment_move", args=[appointment.pk]),
        {"day": booking.day.isoformat(), "start_time": "14:00"},
    )
    assert moved.status_code == 302
    appointment.refresh_from_db()
    assert appointment.start == booking.at(14)
    client.post(reverse("booking_appointment_status", args=[appointment.pk]), {"status": "arrived"})
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ARRIVED
    no_reason = client.post(reverse("booking_appointment_cancel", args=[appointment.pk]), {})
    assert no_reason.status_code == 400
    client.post(reverse("booking_appointment_cancel", args=[appointment.pk]), {"reason": "Ill"})
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancel_reason == "Ill"


def test_front_desk_blocks_time_and_is_warned_about_bookings_inside(client, booking):
    appointment = booked(booking, hour=9)
    client.force_login(booking.world.home.frontdesk)
    assert client.get(reverse("booking_time_off_new")).status_code == 200
    response = client.post(
        reverse("booking_time_off_new"),
        {
            "clinician": booking.world.home.clinician.pk,
            "day": booking.day.isoformat(),
            "start_time": "08:00",
            "end_time": "12:00",
            "reason": "Course",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert f"{appointment.patient.full_name} is still booked" in response.content.decode()
    assert TimeOff.objects.get().start == booking.at(8)


def test_time_off_cannot_name_another_clinics_clinician(client, booking):
    client.force_login(booking.world.home.frontdesk)
    response = client.post(
        reverse("booking_time_off_new"),
        {
            "clinician": booking.world.other.clinician.pk,
            "day": booking.day.isoformat(),
            "start_time": "08:00",
            "end_time": "12:00",
        },
    )
    assert response.status_code == 200  # the form refuses the choice
    assert not TimeOff.objects.exists()


@pytest.mark.parametrize("role", ["clinician", "frontdesk"])
def test_only_the_clinic_admin_changes_booking_rules(client, booking, role):
    client.force_login(getattr(booking.world.home, role))
    assert client.get(reverse("booking_settings")).status_code == 403


def test_patients_cannot_block_time(client, booking):
    client.force_login(booking.world.home.patient_a.user)
    assert client.get(reverse("booking_time_off_new")).status_code == 403


def test_the_clinic_admin_sets_rules_and_closures(client, booking):
    from clinic.booking.models import BookingSettings, ClinicClosure

    client.force_login(booking.world.home.admin)
    assert client.get(reverse("booking_settings")).status_code == 200
    client.post(
        reverse("booking_settings"),
        {
            "save": "rules",
            "rules-min_notice_hours": 12,
            "rules-horizon_days": 30,
            "rules-late_cancel_hours": 48,
            "rules-slot_step_minutes": 30,
        },
    )
    rules = BookingSettings.objects.get(clinic=booking.clinic)
    assert (rules.min_notice_hours, rules.slot_step_minutes) == (12, 30)
    client.post(
        reverse("booking_settings"),
        {
            "save": "closure",
            "closure-first_day": booking.day.isoformat(),
            "closure-last_day": booking.day.isoformat(),
            "closure-reason": "Holiday",
        },
    )
    assert ClinicClosure.objects.get().clinic == booking.clinic
    assert not BookingSettings.objects.filter(clinic=booking.world.other.clinic).exists()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "nonsense"])
def test_calendar_pages_survive_absurd_dates(client, booking, day):
    client.force_login(booking.world.home.frontdesk)
    for name in ("booking_calendar_day", "booking_calendar_week", "booking_appointment_new"):
        assert client.get(reverse(name), {"date": day}).status_code == 200
    check = client.get(
        reverse("booking_slot_check"), {"appointment_type": booking.consult.pk, "day": day}
    )
    assert check.status_code == 200
    public = client.get(
        reverse("booking_public"),
        {"clinic": "home", "type": "running-performance-consult", "date": day},
    )
    assert public.status_code == 200


def test_front_desk_cannot_book_another_clinics_patient(client, booking):
    client.force_login(booking.world.home.frontdesk)
    response = client.post(
        reverse("booking_appointment_new"),
        {
            "appointment_type": booking.follow_up.pk,
            "day": booking.day.isoformat(),
            "start_time": "10:30",
            "patient": booking.world.other.patient_a.pk,
        },
    )
    assert response.status_code == 200
    assert "Unknown patient" in response.content.decode()
    assert booking.world.other.patient_a.full_name not in response.content.decode()
    assert not Appointment.objects.exists()


def test_no_arrived_button_before_the_appointments_day(client, booking, time_machine):
    appointment = booked(booking)
    client.force_login(booking.world.home.frontdesk)
    page = reverse("booking_appointment", args=[appointment.pk])
    time_machine.move_to(booking.at(20, day=booking.day - timedelta(days=1)))
    before = client.get(page).content.decode()
    assert 'value="arrived"' not in before
    assert "can be marked arrived from" in before
    assert 'value="no_show"' in before
    response = client.post(
        reverse("booking_appointment_status", args=[appointment.pk]),
        {"status": "arrived"},
        follow=True,
    )
    assert "only on or after that day" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    time_machine.move_to(booking.at(7))
    client.logout()  # the evening's session has run out: sign in again in the morning
    client.force_login(booking.world.home.frontdesk)
    assert 'value="arrived"' in client.get(page).content.decode()


def test_the_staff_booking_form_keeps_what_was_typed_and_chosen_after_an_error(client, booking):
    client.force_login(booking.world.home.frontdesk)
    response = client.post(
        reverse("booking_appointment_new"),
        {
            "appointment_type": booking.follow_up.pk,
            "clinician": booking.world.home.clinician.pk,
            "day": booking.day.isoformat(),
            "start_time": "",  # the error
            "q": "Ada",
            "patient": booking.world.home.patient_a.pk,
            "notes": "Bring race shoes",
        },
    )
    page = response.content.decode()
    assert 'name="q" autocomplete="off" value="Ada"' in page
    assert f'name="patient" value="{booking.world.home.patient_a.pk}" checked' in page
    assert f'<option value="{booking.follow_up.pk}" selected>' in page
    assert f'value="{booking.day.isoformat()}"' in page
    assert "Bring race shoes" in page
    assert not Appointment.objects.exists()
