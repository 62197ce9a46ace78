"""The public booking page, its anti-automation checks, and the signed manage link."""

import html
import re
import time
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from clinic.booking import services
from clinic.booking.forms import FORM_STARTED_SALT
from clinic.booking.models import Appointment, AppointmentStatus, BookingSettings
from clinic.models import Patient
from tests.old_links import signed_days_ago

pytestmark = pytest.mark.django_db


def started(seconds_ago=10):
    return signing.dumps(int(time.time()) - seconds_ago, salt=FORM_STARTED_SALT)


def page_url(booking, **params):
    query = {
        "clinic": "home",
        "type": "running-performance-consult",
        "date": booking.day.isoformat(),
        **params,
    }
    return reverse("booking_public") + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def form_data(booking, **overrides):
    return {
        "slot": f"{booking.at(9).isoformat()}|{booking.world.home.clinician.pk}",
        "name": "Ann Lee",
        "email": "ann@example.org",
        "phone": "410 555 0100",
        "date_of_birth": "1990-04-01",
        "what_hurts": "Left Achilles after long runs",
        "weekly_km": "45",
        "goal_race": "Chicago Marathon",
        "website": "",
        "started": started(),
        **overrides,
    }


def test_the_page_needs_no_login_and_lists_free_times(client, booking):
    response = client.get(page_url(booking))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Running performance consult" in page
    assert "Follow-up" not in page
    assert booking.at(9).isoformat() in page


def test_a_booking_goes_to_the_confirmation_with_an_email_and_intake(
    client, booking, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_url(booking), form_data(booking))
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.source == "public"
    assert response["Location"] == reverse(
        "booking_public_done", args=[services.manage_token(appointment)]
    )
    done = client.get(response["Location"])
    assert "You are booked in" in done.content.decode()
    patient = Patient.objects.get(email="ann@example.org")
    assert "Left Achilles" in patient.intake_notes
    assert "Chicago Marathon" in patient.intake_notes
    assert str(patient.date_of_birth) == "1990-04-01"
    call_command("dispatch_notifications", verbosity=0)
    to_patient = [m for m in mail.outbox if m.to == ["ann@example.org"]]
    assert len(to_patient) == 1
    assert "/book/manage/" in to_patient[0].body
    assert to_patient[0].attachments[0][0] == "appointment.ics"


def test_the_honeypot_stops_the_booking(client, booking):
    response = client.post(page_url(booking), form_data(booking, website="http://spam"))
    assert response.status_code == 400
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("token", ["", "forged", "too-fast"])
def test_a_form_sent_too_fast_or_without_its_token_is_refused(client, booking, token):
    value = started(seconds_ago=0) if token == "too-fast" else token
    response = client.post(page_url(booking), form_data(booking, started=value))
    assert response.status_code == 400
    assert not Appointment.objects.exists()


def test_a_taken_time_shows_the_nearest_times(client, booking):
    assert client.post(page_url(booking), form_data(booking)).status_code == 302
    response = client.post(page_url(booking), form_data(booking, email="b@example.org"))
    assert response.status_code == 409
    assert "just taken" in response.content.decode()
    assert Appointment.objects.count() == 1


def test_a_staff_only_type_is_not_offered(client, booking):
    response = client.post(page_url(booking, type="follow-up"), form_data(booking))
    assert response.status_code == 400
    assert not Appointment.objects.exists()


def test_public_posts_are_limited_per_address(client, booking, settings):
    from django.core.cache import cache

    from clinic.booking import views

    cache.clear()
    limit = views.PUBLIC_POSTS_PER_HOUR
    views.PUBLIC_POSTS_PER_HOUR = 2
    try:
        codes = [
            client.post(page_url(booking), form_data(booking, website="x")).status_code
            for _ in range(3)
        ]
    finally:
        views.PUBLIC_POSTS_PER_HOUR = limit
        cache.clear()
    assert codes == [400, 400, 429]


def test_behind_a_proxy_public_posts_are_limited_per_client(client, booking, settings):
    """The limit keys on clinic.client_ip: clients behind one proxy are told apart."""
    from django.core.cache import cache

    from clinic.booking import views

    settings.TRUSTED_PROXY_COUNT = 1
    cache.clear()
    limit = views.PUBLIC_POSTS_PER_HOUR
    views.PUBLIC_POSTS_PER_HOUR = 2
    try:
        codes = [
            client.post(
                page_url(booking),
                form_data(booking, website="x"),
                REMOTE_ADDR="10.0.0.2",
                HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            ).status_code
            for n in range(3)
        ]
    finally:
        views.PUBLIC_POSTS_PER_HOUR = limit
        cache.clear()
    assert codes == [400, 400, 400]


# The manage link ------------------------------------------------------------------------------


def public_booking(booking, hour=9, email="ann@example.org"):
    return services.appointment_book(
        clinic=booking.clinic,
        appointment_type=booking.consult,
        start=booking.at(hour),
        clinician=booking.world.home.clinician,
        contact=services.Contact(name="Ann Lee", email=email),
        source="public",
    )


def test_the_link_shows_and_cancels_only_its_own_appointment(client, booking):
    mine = public_booking(booking)
    other = public_booking(booking, hour=13, email="other@example.org")
    url = reverse("booking_manage", args=[services.manage_token(mine)])
    assert client.get(url).status_code == 200
    response = client.post(url, {"action": "cancel", "reason": "Work trip"})
    assert response.status_code == 302
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.status == AppointmentStatus.CANCELLED
    assert mine.cancelled_source == "public"
    assert other.status == AppointmentStatus.BOOKED


def test_a_tampered_or_foreign_token_is_404(client, booking):
    mine = public_booking(booking)
    token = services.manage_token(mine)
    forged = signing.dumps({"a": mine.pk + 1, "c": mine.clinic_id}, salt="another-salt")
    for bad in (token[:-3] + "abc", forged, "nonsense"):
        assert client.get(reverse("booking_manage", args=[bad])).status_code == 404
        assert (
            client.post(reverse("booking_manage", args=[bad]), {"action": "cancel"}).status_code
            == 404
        )
    mine.refresh_from_db()
    assert mine.status == AppointmentStatus.BOOKED


def test_the_link_moves_the_appointment(client, booking):
    mine = public_booking(booking)
    url = reverse("booking_manage", args=[services.manage_token(mine)])
    page = client.get(url, {"date": booking.day.isoformat()}).content.decode()
    assert booking.at(14).isoformat() in page
    response = client.post(
        url, {"action": "move", "slot": f"{booking.at(14).isoformat()}|{mine.clinician_id}"}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.start == booking.at(14)


def test_inside_the_late_cancel_window_the_link_cannot_change_anything(client, booking):
    BookingSettings.objects.create(clinic=booking.clinic, late_cancel_hours=24)
    mine = public_booking(booking)
    # The whole appointment moves: an appointment lasts at most 12 hours.
    moved = timezone.now() + timedelta(hours=5)
    Appointment.objects.filter(pk=mine.pk).update(
        start=moved, end=moved + timedelta(hours=1), busy_until=moved + timedelta(hours=1)
    )
    url = reverse("booking_manage", args=[services.manage_token(mine)])
    assert "call us" in client.get(url).content.decode()
    response = client.post(url, {"action": "cancel"})
    assert response.status_code == 400
    mine.refresh_from_db()
    assert mine.status == AppointmentStatus.BOOKED


def test_staff_see_online_bookings_and_cancellations_on_the_day_calendar(client, booking):
    kept = public_booking(booking)
    dropped = public_booking(booking, hour=13, email="other@example.org")
    services.appointment_cancel_by_patient(appointment=dropped)
    client.force_login(booking.world.home.frontdesk)
    page = client.get(reverse("booking_calendar_day"), {"date": booking.day}).content.decode()
    assert "Online bookings and cancellations" in page
    assert "booked online" in page
    assert "cancelled by the patient" in page
    assert kept.patient.full_name in page


def test_moving_through_the_link_sends_an_updated_calendar_file(
    client, booking, django_capture_on_commit_callbacks
):
    mine = public_booking(booking)
    call_command("dispatch_notifications", verbosity=0)  # the confirmation goes out
    url = reverse("booking_manage", args=[services.manage_token(mine)])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url, {"action": "move", "slot": f"{booking.at(15).isoformat()}|{mine.clinician_id}"}
        )
    mail.outbox.clear()
    call_command("dispatch_notifications", verbosity=0)
    moved = [m for m in mail.outbox if m.to == [mine.patient.email] and m.attachments]
    assert len(moved) == 1
    assert f"UID:appointment-{mine.pk}@" in moved[0].attachments[0][1]


def _ended(appointment, days_ago: float) -> None:
    end = timezone.now() - timedelta(days=days_ago)
    Appointment.objects.filter(pk=appointment.pk).update(
        start=end - timedelta(hours=1), end=end, busy_until=end
    )


def test_the_link_works_until_a_week_after_the_appointment(client, booking):
    mine = public_booking(booking)
    url = reverse("booking_manage", args=[services.manage_token(mine)])
    _ended(mine, days_ago=6)
    assert client.get(url).status_code == 200
    _ended(mine, days_ago=8)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "cancel"}).status_code == 404
    assert (
        client.get(reverse("booking_public_done", args=[services.manage_token(mine)])).status_code
        == 404
    )
    mine.refresh_from_db()
    assert mine.status == AppointmentStatus.BOOKED


def test_a_link_older_than_a_year_is_refused_whatever_the_date(client, booking):
    mine = public_booking(booking)  # still ahead
    data = {"a": mine.pk, "c": mine.clinic_id}
    fresh = signed_days_ago(data, salt=services.MANAGE_SALT, days=365)
    old = signed_days_ago(data, salt=services.MANAGE_SALT, days=367)
    assert client.get(reverse("booking_manage", args=[fresh])).status_code == 200
    assert client.get(reverse("booking_manage", args=[old])).status_code == 404
    assert services.appointment_from_token(old) is None


def chosen(page: str) -> list[str]:
    """The slot radios marked checked on the page."""
    return re.findall(r'name="slot" value="([^"]+)" checked', page)


def test_after_an_error_the_chosen_time_and_the_typed_values_are_kept(client, booking):
    slot = f"{booking.at(11).isoformat()}|{booking.world.home.clinician.pk}"
    response = client.post(page_url(booking), form_data(booking, slot=slot, email="not-an-address"))
    assert response.status_code == 400
    page = response.content.decode()
    assert chosen(page) == [slot]
    assert 'value="Ann Lee"' in page and "Chicago Marathon" in page
    assert "too quickly" not in page
    assert not Appointment.objects.exists()


def test_an_empty_public_booking_gets_one_clear_message(client, booking):
    response = client.post(
        page_url(booking), {"slot": "", "website": "", "started": started(seconds_ago=1)}
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "Nothing was filled in: give your name, e-mail, phone and date of birth" in page
    assert "Choose a time for your appointment (step 3)." in page
    assert "too quickly" not in page  # a person, not a bot: no anti-bot message
    assert chosen(page) == []


def test_a_missing_time_is_named_even_when_the_details_are_wrong(client, booking):
    response = client.post(page_url(booking), form_data(booking, slot="", phone=""))
    page = html.unescape(response.content.decode())
    assert "Choose a time for your appointment (step 3)." in page
    assert "This field is required." in page


def test_a_chosen_time_no_longer_free_is_said_and_not_kept(client, booking):
    slot = f"{booking.at(9).isoformat()}|{booking.world.home.clinician.pk}"
    services.appointment_book(
        clinic=booking.clinic,
        appointment_type=booking.consult,
        start=booking.at(9),
        clinician=booking.world.home.clinician,
        patient=booking.world.home.patient_a,
    )
    response = client.post(page_url(booking), form_data(booking, slot=slot, email="x"))
    page = html.unescape(response.content.decode())
    assert "The time you chose is no longer free: choose another." in page
    assert chosen(page) == []


def test_the_manage_page_keeps_the_chosen_time_after_an_error(client, booking, monkeypatch):
    mine = public_booking(booking)
    url = reverse("booking_manage", args=[services.manage_token(mine)])
    slot = f"{booking.at(14).isoformat()}|{mine.clinician_id}"

    def refuse(**kwargs):
        raise ValidationError({"start": "Refused for the test."})

    monkeypatch.setattr(services, "appointment_reschedule_by_patient", refuse)
    response = client.post(
        f"{url}?date={booking.day.isoformat()}",
        {"action": "move", "slot": slot, "reason": "typed before"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Refused for the test." in page
    assert chosen(page) == [slot]
    assert 'value="typed before"' in page
