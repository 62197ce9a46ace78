"""Private calendar feeds: GET/DELETE /api/v1/calendar-feed/ and the .ics behind the URL."""

from datetime import timedelta
from urllib.parse import urlsplit

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from clinic.booking import services
from clinic.booking.models import CalendarFeed
from clinic.link_tokens import redact_text

pytestmark = pytest.mark.django_db

FEED = "/api/v1/calendar-feed/"


def feed_url(api, user, query=""):
    api.force_authenticate(user)
    response = api.get(FEED + query)
    api.force_authenticate(None)
    return response


def fetch(url: str):
    """The URL as a calendar app fetches it: no session, no token."""
    return Client().get(urlsplit(url).path)


def book(booking, hour, *, patient=None, clinician=None, kind=None, day=None):
    return services.appointment_book(
        clinic=booking.clinic,
        appointment_type=kind or booking.consult,
        start=booking.at(hour, day=day),
        clinician=clinician or booking.world.home.clinician,
        patient=patient or booking.world.home.patient_a,
    )


def events_of(response) -> dict[str, icalendar.Event]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_first_get_makes_a_feed_then_the_same_url_comes_back(api, booking):
    clinician = booking.world.home.clinician
    first = feed_url(api, clinician)
    assert first.status_code == 201
    assert set(first.json()) == {"url"}
    url = first.json()["url"]
    assert url.startswith("http://testserver/api/v1/calendar-feed/") and url.endswith(".ics")
    again = feed_url(api, clinician)
    assert again.status_code == 200 and again.json() == {"url": url}
    feed = CalendarFeed.objects.get()
    # Only a hash of the URL's secret is stored.
    secret = url.rsplit("-", 1)[1].removesuffix(".ics")
    assert len(secret) == 64 and secret not in (feed.nonce, feed.secret_hash)


def test_feed_shows_initials_and_type_only_without_a_session(api, booking):
    booking.world.home.patient_a.email = "ada.secret@home.test"
    booking.world.home.patient_a.save()
    appointment = book(booking, 9)
    appointment.notes = "Left Achilles tendinopathy, VISA-A 54"
    appointment.save()
    book(booking, 9, clinician=booking.clinician2, patient=booking.world.home.patient_b)
    response = fetch(feed_url(api, booking.world.home.clinician).json()["url"])
    events = events_of(response)
    assert len(events) == 1  # only this clinician's appointments
    ((uid, event),) = events.items()
    assert uid.startswith(f"appointment-{appointment.pk}@")
    assert str(event["SUMMARY"]) == "A.H. Running performance consult"
    assert event.decoded("DTSTART") == booking.at(9)
    assert event["DTSTART"].dt.utcoffset() == timedelta(0)
    assert str(event["STATUS"]) == "CONFIRMED"
    body = response.content.decode()
    for secret in ("Ada", "Home", "ada.secret", "Achilles", "VISA"):
        assert secret not in body.replace("Home Clinic", "")


def test_cancelled_and_moved_appointments_keep_their_uid(api, booking):
    appointment = book(booking, 9)
    url = feed_url(api, booking.world.home.clinician).json()["url"]
    (before,) = events_of(fetch(url)).values()
    services.appointment_reschedule(appointment=appointment, start=booking.at(11))
    (moved,) = events_of(fetch(url)).values()
    services.appointment_cancel(appointment=appointment, reason="Ill")
    (cancelled,) = events_of(fetch(url)).values()
    assert before["UID"] == moved["UID"] == cancelled["UID"]
    assert moved.decoded("DTSTART") == booking.at(11)
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert before["SEQUENCE"] < moved["SEQUENCE"] < cancelled["SEQUENCE"]


def test_the_feed_window_is_bounded(api, booking):
    near = book(booking, 9)
    far = book(booking, 9, day=booking.day + timedelta(days=200))
    uids = events_of(fetch(feed_url(api, booking.world.home.clinician).json()["url"])).keys()
    assert any(uid.startswith(f"appointment-{near.pk}@") for uid in uids)
    assert not any(uid.startswith(f"appointment-{far.pk}@") for uid in uids)


def test_revoke_makes_the_old_url_404_and_the_next_get_a_new_one(api, booking):
    clinician = booking.world.home.clinician
    url = feed_url(api, clinician).json()["url"]
    api.force_authenticate(clinician)
    assert api.delete(FEED).status_code == 204
    assert api.delete(FEED).status_code == 404  # nothing left to revoke
    api.force_authenticate(None)
    assert fetch(url).status_code == 404
    renewed = feed_url(api, clinician)
    assert renewed.status_code == 201 and renewed.json()["url"] != url
    assert fetch(renewed.json()["url"]).status_code == 200


def test_a_wrong_secret_or_id_is_404(api, booking):
    url = feed_url(api, booking.world.home.clinician).json()["url"]
    path = urlsplit(url).path
    feed_id, secret = path.rsplit("/", 1)[1].removesuffix(".ics").split("-")
    wrong = "0" if secret[0] != "0" else "1"
    assert Client().get(path.replace(secret, wrong + secret[1:])).status_code == 404
    assert Client().get(path.replace(f"/{feed_id}-", f"/{int(feed_id) + 1}-")).status_code == 404


def test_a_feed_stops_when_its_owner_leaves_the_clinic(api, booking):
    clinician = booking.world.home.clinician
    url = feed_url(api, clinician).json()["url"]
    clinician.membership.is_active = False
    clinician.membership.save()
    assert fetch(url).status_code == 404


def test_patients_and_anonymous_users_get_no_feed(api, booking):
    assert api.get(FEED).status_code in (401, 403)
    response = feed_url(api, booking.world.home.patient_a.user)
    assert response.status_code == 403
    assert CalendarFeed.objects.count() == 0


def test_front_desk_gets_the_clinic_or_a_chosen_clinician(api, booking):
    book(booking, 9)
    book(booking, 9, clinician=booking.clinician2, patient=booking.world.home.patient_b)
    frontdesk = booking.world.home.frontdesk
    clinic_feed = feed_url(api, frontdesk)
    assert clinic_feed.status_code == 201
    assert len(events_of(fetch(clinic_feed.json()["url"]))) == 2
    chosen = feed_url(api, frontdesk, f"?clinician={booking.clinician2.pk}")
    assert chosen.status_code == 201 and chosen.json()["url"] != clinic_feed.json()["url"]
    (event,) = events_of(fetch(chosen.json()["url"])).values()
    assert str(event["SUMMARY"]) == "B.H. Running performance consult"


def test_another_clinics_clinician_is_unknown_and_clinicians_see_only_their_own(api, booking):
    other = booking.world.other.clinician
    response = feed_url(api, booking.world.home.frontdesk, f"?clinician={other.pk}")
    assert response.status_code == 400 and "clinician" in response.json()
    response = feed_url(api, booking.world.home.clinician, f"?clinician={booking.clinician2.pk}")
    assert response.status_code == 403
    assert feed_url(api, booking.world.home.clinician, "?clinician=all").status_code == 403


def test_other_clinics_appointments_never_reach_a_feed(api, booking):
    world = booking.world
    url = feed_url(api, world.other.admin).json()["url"]
    book(booking, 9)
    assert events_of(fetch(url)) == {}


def test_staff_page_makes_shows_and_revokes_the_feed(client, booking):
    client.force_login(booking.world.home.clinician)
    page = reverse("booking_calendar_feed")
    assert "Make a feed address" in client.get(page).content.decode()
    client.post(page, {"action": "create"})
    feed = CalendarFeed.objects.get(revoked_at__isnull=True)
    shown = client.get(page).content.decode()
    assert f"/api/v1/calendar-feed/{feed.pk}-" in shown and "Revoke" in shown
    client.post(page, {"action": "revoke"})
    assert not CalendarFeed.objects.filter(revoked_at__isnull=True).exists()


def test_staff_page_is_not_for_patients(client, booking):
    client.force_login(booking.world.home.patient_a.user)
    assert client.get(reverse("booking_calendar_feed")).status_code == 403


def test_a_new_secret_key_gives_a_working_new_url(api, booking, settings):
    clinician = booking.world.home.clinician
    old = feed_url(api, clinician).json()["url"]
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert fetch(old).status_code == 200  # subscribed calendars keep working meanwhile
    renewed = feed_url(api, clinician)
    assert renewed.status_code == 201 and renewed.json()["url"] != old
    assert fetch(renewed.json()["url"]).status_code == 200
    assert fetch(old).status_code == 404


def test_the_secret_never_reaches_a_log_line(api, booking):
    url = feed_url(api, booking.world.home.clinician).json()["url"]
    secret = url.rsplit("-", 1)[1].removesuffix(".ics")
    line = redact_text(f'"GET {urlsplit(url).path} HTTP/1.1" 200')
    assert secret not in line and "[token]" in line
