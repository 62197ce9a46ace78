"""Public bookings made with a known patient's e-mail: held, and only the address on record
(or staff) can make them the patient's (security review 2026-12, section 5)."""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from clinic.booking import selectors, services
from clinic.booking.models import (
    Appointment,
    AppointmentStatus,
    BookingRequest,
    BookingRequestStatus,
)
from clinic.booking.tasks import release_expired_requests
from clinic.models import Patient
from clinic.notifications.models import Channel, ChannelPreference, Kind, Notification
from tests.booking.test_public_pages import form_data, page_url

pytestmark = pytest.mark.django_db

BOOKINGS = "/api/v1/public/bookings/?clinic=home"
ATTACK_TEXT = "Clinician: patient asked that all results be sent to vera.new@evil.example"


@pytest.fixture
def victim(booking):
    """The review's Vera Victim: added by staff, no phone, nothing in her intake notes."""
    return Patient.objects.create(
        clinic=booking.clinic,
        first_name="Vera",
        last_name="Victim",
        email="vera.victim@example.com",
    )


def attack(api, booking, *, email="VERA.VICTIM@example.com", hour=9, **extra):
    """The review's request: anybody books with the victim's e-mail, a phone and intake."""
    return api.post(
        BOOKINGS,
        {
            "type": "running-performance-consult",
            "start": booking.at(hour).isoformat(),
            "clinician": booking.world.home.clinician.pk,
            "name": "Anybody At All",
            "email": email,
            "phone": "+1 410 555 0166",
            "what_hurts": ATTACK_TEXT,
            **extra,
        },
        format="json",
    )


def record_of(patient: Patient) -> tuple:
    patient.refresh_from_db()
    return (
        patient.first_name,
        patient.last_name,
        patient.phone,
        patient.intake_notes,
        list(patient.appointments.values_list("pk", flat=True)),
    )


def sent_to(address: str):
    return [m for m in mail.outbox if m.to == [address]]


def confirm_link(message) -> str:
    return re.search(r"https?://\S+(/book/confirm/[^/\s]+/)", message.body).group(1)


# The attack leaves the record alone --------------------------------------------------------------


def test_the_reviews_attack_through_the_api_leaves_the_record_unchanged(
    api, booking, victim, django_capture_on_commit_callbacks
):
    before = record_of(victim)
    with django_capture_on_commit_callbacks(execute=True):
        response = attack(api, booking)
    assert response.status_code == 201
    assert set(response.json()) == {"id", "start", "end", "clinician", "manage_url"}
    assert record_of(victim) == before
    held = Appointment.objects.get(pk=response.json()["id"])
    assert (held.patient_id, held.status) == (None, AppointmentStatus.PENDING)
    request = BookingRequest.objects.get()
    assert (request.patient, request.status) == (victim, BookingRequestStatus.PENDING)
    assert (request.name, request.phone) == ("Anybody At All", "+14105550166")
    assert held.intake_what_hurts == ATTACK_TEXT  # kept with the request, not on the record
    # Nothing is sent as if it were the patient's booking: one e-mail asks the address on
    # record to confirm, no calendar file, nothing to the typed phone.
    call_command("dispatch_notifications", verbosity=0)
    to_victim = sent_to("vera.victim@example.com")
    assert len(to_victim) == 1
    assert "confirm" in to_victim[0].subject.lower()
    assert not to_victim[0].attachments
    assert "/book/confirm/" in to_victim[0].body
    assert "/book/manage/" not in to_victim[0].body
    assert not Notification.objects.filter(
        kind__in=[Kind.BOOKING_CONFIRMATION, Kind.APPOINTMENT_REMINDER]
    ).exists()
    assert not Notification.objects.filter(channel=Channel.SMS).exists()
    # The front desk hears of it, as an online booking to confirm.
    staff = [m for m in mail.outbox if booking.world.home.frontdesk.email in m.to]
    assert len(staff) == 1
    assert "to confirm" in staff[0].subject


def test_the_attack_through_the_public_page_leaves_the_record_unchanged(client, booking, victim):
    before = record_of(victim)
    response = client.post(
        page_url(booking),
        form_data(booking, email="VERA.VICTIM@example.com", what_hurts=ATTACK_TEXT),
    )
    assert response.status_code == 302
    assert record_of(victim) == before
    request = BookingRequest.objects.get()
    assert request.patient == victim
    assert request.appointment.patient_id is None


def test_no_text_goes_to_the_patients_phone_either(api, booking, victim):
    victim.phone = "+14105550100"
    victim.save()
    ChannelPreference.objects.create(patient=victim, sms_enabled=True)
    attack(api, booking)
    assert set(Notification.objects.filter(patient=victim).values_list("channel", flat=True)) == {
        Channel.EMAIL
    }


def test_a_patient_who_turned_email_off_gets_no_request_but_staff_can_confirm(
    client, api, booking, victim
):
    ChannelPreference.objects.create(patient=victim, email_enabled=False)
    attack(api, booking)
    assert not Notification.objects.filter(kind=Kind.BOOKING_REQUEST).exists()
    assert Notification.objects.filter(kind=Kind.STAFF_BOOKING_REQUEST).exists()
    services.booking_request_confirm(
        booking_request=BookingRequest.objects.get(), by_user=booking.world.home.frontdesk
    )
    assert list(victim.appointments.values_list("status", flat=True)) == ["booked"]


def test_known_and_unknown_emails_get_the_same_answers(client, api, booking, victim):
    known = attack(api, booking, hour=9)
    unknown = attack(api, booking, hour=11, email="someone.new@example.org")
    assert known.status_code == unknown.status_code == 201
    assert set(known.json()) == set(unknown.json())
    pages = []
    for body in (known.json(), unknown.json()):
        manage = client.get(body["manage_url"])
        assert manage.status_code == 200
        page = manage.content.decode()
        assert "Status: Booked." in page
        assert "Cancel my appointment" in page
        appointment = Appointment.objects.get(pk=body["id"])
        token = services.manage_token(appointment)
        done = client.get(reverse("booking_public_done", args=[token]))
        main = re.search(r"<main.*</main>", done.content.decode(), re.S).group(0)
        local_start = appointment.start.astimezone(booking.clinic.tz).strftime("%H:%M")
        pages.append(main.replace(local_start, "TIME").replace(token, "TOKEN"))
    assert pages[0] == pages[1]
    # And a taken time is a 409 whether the e-mail is known or not.
    assert attack(api, booking, hour=9).status_code == 409
    assert attack(api, booking, hour=9, email="third@example.org").status_code == 409


def test_the_held_time_cannot_be_booked_twice(api, booking, victim):
    attack(api, booking)
    free = selectors.available_slots(
        appointment_type=booking.consult, day=booking.day, clinician=booking.world.home.clinician
    )
    assert booking.at(9) not in [slot.start for slot in free]
    assert attack(api, booking, email="other@example.org").status_code == 409


# Confirming ----------------------------------------------------------------------------------


def test_the_patient_confirms_through_the_emailed_link(
    client, api, booking, victim, django_capture_on_commit_callbacks
):
    response = attack(api, booking)
    requester_manage_url = response.json()["manage_url"]
    call_command("dispatch_notifications", verbosity=0)
    link = confirm_link(sent_to("vera.victim@example.com")[0])
    # Opening the link (or a mail scanner opening it) shows the request and changes nothing.
    page = client.get(link)
    assert page.status_code == 200
    assert "Anybody At All" in page.content.decode()
    assert ATTACK_TEXT in page.content.decode()
    assert record_of(victim)[2:] == ("", "", [])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(link, {"action": "confirm"})
    assert answer.status_code == 302
    appointment = Appointment.objects.get(pk=response.json()["id"])
    assert (appointment.patient, appointment.status) == (victim, AppointmentStatus.BOOKED)
    victim.refresh_from_db()
    assert victim.phone == "+14105550166"  # the record had none
    assert ATTACK_TEXT in victim.intake_notes
    request = BookingRequest.objects.get()
    assert (request.status, request.decided_by) == (BookingRequestStatus.CONFIRMED, None)
    assert "Your appointment is confirmed" in client.get(link).content.decode()
    # Now the patient gets the usual confirmation with its calendar file and manage link.
    call_command("dispatch_notifications", verbosity=0)
    confirmation = [m for m in sent_to("vera.victim@example.com") if m.attachments]
    assert len(confirmation) == 1
    # The link given to whoever typed the address no longer reaches the patient's booking.
    assert client.get(requester_manage_url).status_code == 404
    fresh = reverse("booking_manage", args=[services.manage_token(appointment)])
    assert client.get(fresh).status_code == 200


def test_confirming_keeps_a_phone_the_record_already_has(client, api, booking, victim):
    victim.phone = "+14105550100"
    victim.save()
    attack(api, booking)
    request = BookingRequest.objects.get()
    services.booking_request_confirm(booking_request=request)
    victim.refresh_from_db()
    assert victim.phone == "+14105550100"
    assert ATTACK_TEXT in victim.intake_notes


def test_staff_confirm_on_the_appointment_page(client, api, booking, victim):
    attack(api, booking)
    held = Appointment.objects.get()
    client.force_login(booking.world.home.frontdesk)
    page = client.get(reverse("booking_appointment", args=[held.pk])).content.decode()
    assert "Anybody At All" in page
    assert "Confirm for Vera Victim" in page
    response = client.post(
        reverse("booking_appointment_request", args=[held.pk]), {"action": "confirm"}
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert (held.patient, held.status) == (victim, AppointmentStatus.BOOKED)
    request = BookingRequest.objects.get()
    assert request.decided_by == booking.world.home.frontdesk
    victim.refresh_from_db()
    assert victim.phone == "+14105550166"
    assert ATTACK_TEXT in victim.intake_notes


def test_staff_confirm_and_reject_through_the_api(api, booking, victim):
    attack(api, booking, hour=9)
    attack(api, booking, hour=13)
    first, second = Appointment.objects.order_by("start")
    api.force_authenticate(booking.world.home.frontdesk)
    listed = api.get(f"/api/v1/appointments/{first.pk}/").json()
    assert (listed["status"], listed["patient"], listed["patient_name"]) == ("pending", None, "")
    confirmed = api.post(f"/api/v1/appointments/{first.pk}/confirm/")
    assert confirmed.status_code == 200
    assert (confirmed.json()["patient"], confirmed.json()["status"]) == (victim.pk, "booked")
    rejected = api.post(f"/api/v1/appointments/{second.pk}/reject/")
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "cancelled"
    assert list(victim.appointments.all()) == [first]
    # Neither can be answered twice, and a plain appointment is no request.
    assert api.post(f"/api/v1/appointments/{second.pk}/confirm/").status_code == 400
    plain = services.appointment_book(
        clinic=booking.clinic,
        appointment_type=booking.consult,
        start=booking.at(15),
        patient=booking.world.home.patient_b,
    )
    assert api.post(f"/api/v1/appointments/{plain.pk}/confirm/").status_code == 400


def test_another_clinics_staff_cannot_confirm(client, api, booking, victim):
    attack(api, booking)
    held = Appointment.objects.get()
    client.force_login(booking.world.other.admin)
    response = client.post(
        reverse("booking_appointment_request", args=[held.pk]), {"action": "confirm"}
    )
    assert response.status_code == 404
    assert record_of(victim)[2:] == ("", "", [])


# Rejecting, withdrawing, expiring ------------------------------------------------------------


def test_staff_reject_and_the_time_is_free_again(client, api, booking, victim):
    attack(api, booking)
    held = Appointment.objects.get()
    client.force_login(booking.world.home.frontdesk)
    client.post(reverse("booking_appointment_request", args=[held.pk]), {"action": "reject"})
    held.refresh_from_db()
    assert held.status == AppointmentStatus.CANCELLED
    assert BookingRequest.objects.get().status == BookingRequestStatus.REJECTED
    assert record_of(victim)[2:] == ("", "", [])
    assert attack(api, booking, email="someone@example.org").status_code == 201


def test_the_patient_says_it_was_not_them(client, api, booking, victim):
    attack(api, booking)
    link = reverse(
        "booking_request_confirm", args=[services.request_token(BookingRequest.objects.get())]
    )
    mail.outbox.clear()
    assert client.post(link, {"action": "reject"}).status_code == 302
    request = BookingRequest.objects.get()
    assert (request.status, request.appointment.status) == (
        BookingRequestStatus.REJECTED,
        AppointmentStatus.CANCELLED,
    )
    assert record_of(victim)[2:] == ("", "", [])
    # Staff are told: someone is booking with this patient's address.
    assert (
        Notification.objects.filter(
            kind=Kind.STAFF_BOOKING_REQUEST, recipient_user=booking.world.home.frontdesk
        ).count()
        == 2
    )
    # And a later click on "confirm" cannot bring it back.
    assert client.post(link, {"action": "confirm"}).status_code == 400
    assert record_of(victim)[2:] == ("", "", [])


def test_whoever_booked_can_cancel_the_hold_through_the_manage_link(client, api, booking, victim):
    manage_url = attack(api, booking).json()["manage_url"]
    assert client.post(manage_url, {"action": "cancel"}).status_code == 302
    request = BookingRequest.objects.get()
    assert (request.status, request.appointment.status) == (
        BookingRequestStatus.WITHDRAWN,
        AppointmentStatus.CANCELLED,
    )
    assert not Notification.objects.filter(kind=Kind.BOOKING_REQUEST, status="pending").exists()


def test_moving_the_hold_asks_the_patient_about_the_new_time(client, api, booking, victim):
    manage_url = attack(api, booking).json()["manage_url"]
    held = Appointment.objects.get()
    response = client.post(
        manage_url, {"action": "move", "slot": f"{booking.at(14).isoformat()}|{held.clinician_id}"}
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert (held.start, held.status, held.patient_id) == (
        booking.at(14),
        AppointmentStatus.PENDING,
        None,
    )
    asks = Notification.objects.filter(kind=Kind.BOOKING_REQUEST)
    assert asks.filter(status="pending").get().payload["start"] == booking.at(14).isoformat()
    assert asks.filter(status="cancelled").count() == 1


def test_a_request_holds_its_time_at_most_a_day_and_never_past_its_start(api, booking, victim):
    attack(api, booking)
    request = BookingRequest.objects.get()
    assert request.expires_at <= timezone.now() + timedelta(hours=24)
    assert request.expires_at <= request.appointment.start


def test_an_unconfirmed_request_runs_out_and_releases_its_time(client, api, booking, victim):
    attack(api, booking)
    request = BookingRequest.objects.get()
    link = reverse("booking_request_confirm", args=[services.request_token(request)])
    BookingRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    # Run out but not yet released: the link refuses it.
    page = client.get(link)
    assert page.status_code == 410
    assert client.post(link, {"action": "confirm"}).status_code == 410
    assert record_of(victim)[2:] == ("", "", [])
    # The periodic task releases the time.
    assert release_expired_requests() == 1
    request.refresh_from_db()
    assert (request.status, request.appointment.status) == (
        BookingRequestStatus.EXPIRED,
        AppointmentStatus.CANCELLED,
    )
    assert booking.at(9) in [
        slot.start
        for slot in selectors.available_slots(
            appointment_type=booking.consult,
            day=booking.day,
            clinician=booking.world.home.clinician,
        )
    ]
    assert release_expired_requests() == 0


def test_a_booking_releases_a_run_out_hold_before_checking_its_time(api, booking, victim):
    attack(api, booking)
    BookingRequest.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert attack(api, booking, email="someone@example.org").status_code == 201
    assert BookingRequest.objects.get().status == BookingRequestStatus.EXPIRED


def test_staff_cannot_confirm_a_run_out_request(client, api, booking, victim):
    attack(api, booking)
    held = Appointment.objects.get()
    BookingRequest.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(booking.world.home.frontdesk)
    client.post(reverse("booking_appointment_request", args=[held.pk]), {"action": "confirm"})
    held.refresh_from_db()
    assert held.patient_id is None
    assert record_of(victim)[2:] == ("", "", [])


def test_an_expired_link_is_refused(client, api, booking, victim, monkeypatch):
    attack(api, booking)
    request = BookingRequest.objects.get()
    with monkeypatch.context() as past:
        signed_at = time.time() - 25 * 3600
        past.setattr(time, "time", lambda: signed_at)
        old_token = services.request_token(request)
    link = reverse("booking_request_confirm", args=[old_token])
    assert client.get(link).status_code == 410
    assert client.post(link, {"action": "confirm"}).status_code == 410
    assert record_of(victim)[2:] == ("", "", [])
    assert BookingRequest.objects.get().status == BookingRequestStatus.PENDING


def test_a_tampered_or_foreign_link_is_refused(client, api, booking, victim):
    attack(api, booking)
    request = BookingRequest.objects.get()
    token = services.request_token(request)
    forged = [
        token[:-3] + ("abc" if not token.endswith("abc") else "xyz"),
        signing.dumps({"r": request.pk, "c": request.clinic_id}, salt="groundwork.booking.manage"),
        signing.dumps(
            {"r": request.pk, "c": booking.world.other.clinic.pk}, salt=services.REQUEST_SALT
        ),
        "nonsense",
    ]
    for bad in forged:
        url = reverse("booking_request_confirm", args=[bad])
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "confirm"}).status_code == 404
    assert record_of(victim)[2:] == ("", "", [])
    # Nor does the request's link work as a manage link, or the other way round.
    held = request.appointment
    assert client.get(reverse("booking_manage", args=[token])).status_code == 404
    assert (
        client.get(
            reverse("booking_request_confirm", args=[services.manage_token(held)])
        ).status_code
        == 404
    )


# Staff see what waits ------------------------------------------------------------------------


def test_staff_see_waiting_requests_on_the_calendar_and_the_patient_page(
    client, api, booking, victim
):
    attack(api, booking)
    client.force_login(booking.world.home.frontdesk)
    day = client.get(reverse("booking_calendar_day"), {"date": booking.day}).content.decode()
    assert "Online bookings to confirm" in day
    assert "Anybody At All" in day
    week = client.get(reverse("booking_calendar_week"), {"date": booking.day}).content.decode()
    assert "Anybody At All" in week
    assert "To confirm" in week
    patient_page = client.get(reverse("patient_detail", args=[victim.pk])).content.decode()
    assert "Online bookings to confirm" in patient_page
    assert "Anybody At All" in patient_page
    assert ATTACK_TEXT not in patient_page  # the record's intake is untouched


def test_anonymising_the_patient_rejects_their_waiting_requests(client, api, booking, victim):
    from clinic.audit.services import patient_anonymise

    attack(api, booking)
    patient_anonymise(user=booking.world.home.admin, patient=victim)
    request = BookingRequest.objects.get()
    assert request.status == BookingRequestStatus.REJECTED
    assert (request.name, request.email, request.phone) == ("", "", "")
    assert request.appointment.status == AppointmentStatus.CANCELLED
    assert request.appointment.intake_what_hurts == ""


# PostgreSQL: the no-overlap constraint covers holds ------------------------------------------


@pytest.mark.postgres
def test_the_database_refuses_a_booking_over_a_hold_that_skips_the_service(api, booking, victim):
    from django.db import IntegrityError, transaction

    attack(api, booking)
    held = Appointment.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            clinic=booking.clinic,
            patient=booking.world.home.patient_b,
            clinician=held.clinician,
            appointment_type=booking.consult,
            start=booking.at(9, 30),
            end=booking.at(10, 30),
        )
