"""The waitlist (issue #20): joining it, a freed time offered by e-mail, the first to confirm
booking it, the others told it has gone, expired links, and the staff list of one clinic."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from clinic.audit.services import patient_anonymise
from clinic.booking import services, waitlist
from clinic.booking.models import (
    ACTIVE_STATUSES,
    Appointment,
    BookingSource,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
)
from clinic.booking.tasks import tidy_waitlist
from clinic.models import Patient
from clinic.notifications.models import Kind, Notification
from tests.booking.test_public_pages import page_url, started

pytestmark = pytest.mark.django_db

JOIN = "/api/v1/public/waitlist/?clinic=home"


def join(booking, *, email="wait@example.org", name="Wren Waiting", clinician=None, **window):
    """An entry for the consult around the booking day (the service, as the API calls it)."""
    return waitlist.waitlist_join(
        clinic=booking.clinic,
        appointment_type=booking.consult,
        clinician=clinician,
        earliest=window.get("earliest", booking.day - timedelta(days=1)),
        latest=window.get("latest", booking.day + timedelta(days=1)),
        contact=services.Contact(name=name, email=email, phone=""),
    )


def book(booking, hour=10, clinician=None):
    return services.appointment_book(
        clinic=booking.clinic,
        appointment_type=booking.consult,
        start=booking.at(hour),
        clinician=clinician or booking.world.home.clinician,
        patient=booking.world.home.patient_b,
    )


def cancel(appointment, settings, task_queue, capture):
    """Cancel as staff do, with the after-commit hook on, and run the task it queued."""
    settings.BOOKING_WAITLIST_OFFERS_ON_COMMIT = True
    with capture(execute=True):
        services.appointment_cancel(appointment=appointment, reason="Patient is ill.")
    assert task_queue.names() == ["clinic.booking.tasks.offer_freed_slot"]
    task_queue.run_all()


def offer_link(message) -> str:
    return re.search(r"https?://\S+(/book/waitlist/[^/\s]+/)", message.body).group(1)


def offer_mails(address):
    call_command("dispatch_notifications", verbosity=0)
    return [m for m in mail.outbox if m.to == [address] and "come free" in m.subject]


# Joining through the API -------------------------------------------------------------------


def test_joining_with_days_answers_201_and_covers_both_days_whole(api, booking):
    response = api.post(
        JOIN,
        {
            "type": "running-performance-consult",
            "name": "Wren Waiting",
            "email": "Wren@Example.org",
            "phone": "410 555 0100",
            "earliest": booking.day.isoformat(),
            "latest": (booking.day + timedelta(days=2)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    entry = WaitlistEntry.objects.get()
    assert response.json()["id"] == entry.pk
    assert response.json()["status"] == "waiting"
    assert (entry.email, entry.phone, entry.status) == (
        "wren@example.org",
        "+14105550100",
        "waiting",
    )
    tz = booking.clinic.tz
    assert entry.earliest.astimezone(tz).replace(tzinfo=None).isoformat() == (
        f"{booking.day.isoformat()}T00:00:00"
    )
    last = entry.latest.astimezone(tz)
    assert (last.date(), last.hour, last.minute) == (booking.day + timedelta(days=2), 23, 59)
    assert entry.patient is None  # an e-mail the clinic does not know
    assert not Patient.objects.filter(email="wren@example.org").exists()


def test_joining_with_clinic_in_the_body_a_clinician_and_times(api, booking):
    clinician = booking.clinician2
    response = api.post(
        "/api/v1/public/waitlist/",
        {
            "clinic": "home",
            "type": "running-performance-consult",
            "clinician": clinician.pk,
            "name": "Wren Waiting",
            "email": "wren@example.org",
            "phone": "",
            "earliest": booking.at(9).isoformat(),
            "latest": f"{booking.day.isoformat()}T12:00",  # no offset: the clinic's time
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    entry = WaitlistEntry.objects.get()
    assert entry.clinician == clinician
    assert (entry.earliest, entry.latest) == (booking.at(9), booking.at(12))


def test_joining_again_updates_the_entry_and_keeps_its_place(booking):
    first = join(booking)
    join(booking, email="someone.else@example.org")
    again = join(booking, email="WAIT@example.org", latest=booking.day + timedelta(days=5))
    assert again.pk == first.pk
    assert WaitlistEntry.objects.count() == 2
    assert again.latest.date() >= booking.day + timedelta(days=5)


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"type": "follow-up"}, "type", "cannot be booked online"),
        ({"type": "no-such-type"}, "type", "Unknown"),
        ({"email": "not-an-address"}, "email", "valid"),
        ({"name": ""}, "name", "blank"),
        ({"phone": "12"}, "phone", ""),
        ({"earliest": "next tuesday"}, "earliest", "Give a date"),
        ({"latest": "2020-01-01"}, "latest", "already past"),
        ({"latest": "1999-01-01"}, "latest", "year between"),
        ({"clinician": 999999}, "clinician", "does not offer"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, booking, change, field, words):
    body = {
        "type": "running-performance-consult",
        "name": "Wren Waiting",
        "email": "wren@example.org",
        "phone": "",
        "earliest": booking.day.isoformat(),
        "latest": (booking.day + timedelta(days=2)).isoformat(),
        **change,
    }
    response = api.post(JOIN, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    said = response.json()[field]
    assert words in (said if isinstance(said, str) else " ".join(said))
    assert not WaitlistEntry.objects.exists()


def test_latest_before_earliest_is_refused(api, booking):
    response = api.post(
        JOIN,
        {
            "type": "running-performance-consult",
            "name": "Wren Waiting",
            "email": "wren@example.org",
            "earliest": (booking.day + timedelta(days=3)).isoformat(),
            "latest": booking.day.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"latest": ["The latest day or time cannot be before the earliest."]}


def test_an_empty_body_names_every_missing_field(api, booking):
    response = api.post(JOIN, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"type", "name", "email", "earliest", "latest"}


def test_another_clinics_type_cannot_be_joined_through_this_clinic(api, booking):
    other_only = booking.world.other.clinic.appointment_types.get()
    other_only.slug = "only-at-other"
    other_only.save()
    response = api.post(
        JOIN,
        {
            "type": "only-at-other",
            "name": "Wren Waiting",
            "email": "wren@example.org",
            "earliest": booking.day.isoformat(),
            "latest": booking.day.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "type" in response.json()


# Joining on the booking page ---------------------------------------------------------------


def test_a_day_without_free_times_shows_the_join_form_and_joining_works(client, booking):
    full_day = booking.day + timedelta(days=5)  # a Saturday: nobody works
    page = client.get(page_url(booking, date=full_day.isoformat()))
    assert page.status_code == 200
    assert b"Join the waitlist" in page.content
    assert b"No free times that day" in page.content
    response = client.post(
        "/book/waitlist/?clinic=home",
        {
            "type": "running-performance-consult",
            "clinician": "",
            "earliest": full_day.isoformat(),
            "latest": (full_day + timedelta(days=7)).isoformat(),
            "name": "Wren Waiting",
            "email": "wren@example.org",
            "phone": "",
            "website": "",
            "started": started(),
        },
    )
    assert response.status_code == 200
    assert b"You are on the waitlist" in response.content
    assert WaitlistEntry.objects.get().name == "Wren Waiting"


def test_a_day_with_free_times_offers_no_waitlist(client, booking):
    page = client.get(page_url(booking))
    assert b"Join the waitlist" not in page.content


def test_the_join_form_names_what_is_wrong(client, booking):
    response = client.post(
        "/book/waitlist/?clinic=home",
        {
            "type": "running-performance-consult",
            "earliest": booking.day.isoformat(),
            "latest": (booking.day - timedelta(days=3)).isoformat(),
            "name": "Wren Waiting",
            "email": "wren@example.org",
            "website": "",
            "started": started(),
        },
    )
    assert response.status_code == 400
    assert b"cannot be before the earliest" in response.content
    assert not WaitlistEntry.objects.exists()


# A freed time is offered -------------------------------------------------------------------


def test_a_cancellation_offers_its_time_to_matching_entries_oldest_first(
    booking, settings, task_queue, django_capture_on_commit_callbacks
):
    home = booking.world.home
    appointment = book(booking)
    oldest = join(booking, email="first@example.org", name="First Waiting")
    newer = join(
        booking, email="second@example.org", name="Second Waiting", clinician=home.clinician
    )
    other_clinician = join(booking, email="c2@example.org", clinician=booking.clinician2)
    too_late = join(booking, email="later@example.org", earliest=booking.day + timedelta(days=1))
    withdrawn = join(booking, email="gone@example.org")
    waitlist.waitlist_withdraw(entry=withdrawn)

    cancel(appointment, settings, task_queue, django_capture_on_commit_callbacks)

    offers = list(WaitlistOffer.objects.order_by("pk"))
    assert [o.entry for o in offers] == [oldest, newer]
    assert {(o.clinician, o.start) for o in offers} == {(home.clinician, booking.at(10))}
    for entry in (oldest, newer):
        entry.refresh_from_db()
        assert entry.status == WaitlistStatus.OFFERED
        assert entry.patient.email == entry.email  # a patient to write to, added for the offer
    for entry in (other_clinician, too_late):
        entry.refresh_from_db()
        assert (entry.status, entry.offers.count()) == (WaitlistStatus.WAITING, 0)
    message = offer_mails("first@example.org")[0]
    assert "Book this time" in message.body
    assert "/book/waitlist/" in message.body
    assert not message.attachments  # no calendar file before it is booked
    assert len(offer_mails("second@example.org")) == 1


def test_offering_the_same_time_twice_sends_one_e_mail(booking):
    join(booking)
    for _ in range(2):
        waitlist.waitlist_offer_slot(
            appointment_type=booking.consult,
            clinician=booking.world.home.clinician,
            start=booking.at(10),
        )
    assert WaitlistOffer.objects.count() == 1
    assert Notification.objects.filter(kind=Kind.WAITLIST_OFFER).count() == 1


def test_a_move_offers_the_time_it_left(
    booking, settings, task_queue, django_capture_on_commit_callbacks
):
    appointment = book(booking)
    entry = join(booking)
    settings.BOOKING_WAITLIST_OFFERS_ON_COMMIT = True
    with django_capture_on_commit_callbacks(execute=True):
        services.appointment_reschedule(appointment=appointment, start=booking.at(14))
    task_queue.run_all()
    assert [(o.entry, o.start) for o in WaitlistOffer.objects.all()] == [(entry, booking.at(10))]


def test_a_cancellation_that_rolls_back_offers_nothing(
    booking, settings, task_queue, django_capture_on_commit_callbacks
):
    appointment = book(booking)
    join(booking)
    settings.BOOKING_WAITLIST_OFFERS_ON_COMMIT = True
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.appointment_cancel(appointment=appointment, reason="Oops")
        raise RuntimeError("the request failed after cancelling")
    assert task_queue.sent == []


def test_a_time_that_is_not_free_is_not_offered(booking):
    book(booking)  # 10:00 is taken
    join(booking)
    offers = waitlist.waitlist_offer_slot(
        appointment_type=booking.consult,
        clinician=booking.world.home.clinician,
        start=booking.at(10),
    )
    assert offers == []


def test_a_known_e_mail_is_linked_but_the_patient_is_not_changed(booking):
    patient = booking.world.home.patient_a
    before = (patient.first_name, patient.last_name, patient.phone)
    entry = waitlist.waitlist_join(
        clinic=booking.clinic,
        appointment_type=booking.consult,
        earliest=booking.day,
        latest=booking.day,
        contact=services.Contact(
            name="Someone Else", email=patient.email.upper(), phone="+14105550199"
        ),
    )
    assert entry.patient == patient
    patient.refresh_from_db()
    assert (patient.first_name, patient.last_name, patient.phone) == before


# Taking an offer ---------------------------------------------------------------------------


@pytest.fixture
def two_offers(booking):
    """The 10:00 consult freed and offered to two people waiting for it."""
    first = join(booking, email="first@example.org", name="First Waiting")
    second = join(booking, email="second@example.org", name="Second Waiting")
    waitlist.waitlist_offer_slot(
        appointment_type=booking.consult,
        clinician=booking.world.home.clinician,
        start=booking.at(10),
    )
    return [WaitlistOffer.objects.get(entry=first), WaitlistOffer.objects.get(entry=second)]


def offer_url(offer):
    return waitlist.offer_path(offer)


def test_the_link_shows_the_time_and_a_button_and_books_nothing_on_get(client, two_offers):
    response = client.get(offer_url(two_offers[0]))
    assert response.status_code == 200
    assert b"Book this time" in response.content
    assert not Appointment.objects.filter(status__in=ACTIVE_STATUSES).exists()


def test_the_first_to_confirm_books_and_the_second_is_told_it_has_gone(client, booking, two_offers):
    first, second = two_offers
    response = client.post(offer_url(second))
    assert response.status_code == 200
    assert b"You are booked in" in response.content
    appointment = Appointment.objects.get(status__in=ACTIVE_STATUSES)
    assert (appointment.start, appointment.clinician) == (
        booking.at(10),
        booking.world.home.clinician,
    )
    assert appointment.patient.email == "second@example.org"
    assert appointment.source == BookingSource.PUBLIC
    second.entry.refresh_from_db()
    assert (second.entry.status, second.entry.appointment) == (WaitlistStatus.BOOKED, appointment)
    # The other person offered the same time waits again, and hears it has gone.
    first.entry.refresh_from_db()
    assert first.entry.status == WaitlistStatus.WAITING
    late = client.post(offer_url(first))
    assert late.status_code == 409
    assert b"Someone else took this time" in late.content
    assert b"still on the waitlist" in late.content
    first.entry.refresh_from_db()
    assert first.entry.status == WaitlistStatus.WAITING
    assert Appointment.objects.filter(status__in=ACTIVE_STATUSES).count() == 1
    # Opening the link again says the same without pressing anything.
    assert client.get(offer_url(first)).status_code == 409


def test_pressing_twice_books_once(client, two_offers):
    for _ in range(2):
        response = client.post(offer_url(two_offers[0]))
        assert response.status_code == 200
    assert Appointment.objects.filter(status__in=ACTIVE_STATUSES).count() == 1


def test_the_winner_gets_the_usual_confirmation_and_staff_hear_of_it(client, booking, two_offers):
    client.post(offer_url(two_offers[0]))
    appointment = Appointment.objects.get(status__in=ACTIVE_STATUSES)
    assert appointment.notes == "Booked from the waitlist."
    about = Notification.objects.filter(subject_ref=f"booking.appointment:{appointment.pk}")
    kinds = set(about.values_list("kind", flat=True))
    assert Kind.BOOKING_CONFIRMATION in kinds
    assert Kind.STAFF_PATIENT_BOOKING_CHANGE in kinds


def test_an_offer_runs_out_when_the_time_is_too_close_to_book_online(client, booking, two_offers):
    # The clinic's default minimum notice is two hours.
    with time_machine.travel(booking.at(8, 30), tick=False):
        shown = client.get(offer_url(two_offers[0]))
        pressed = client.post(offer_url(two_offers[0]))
    assert shown.status_code == 410
    assert pressed.status_code == 410
    assert b"This offer has run out" in pressed.content
    assert not Appointment.objects.filter(status__in=ACTIVE_STATUSES).exists()
    two_offers[0].entry.refresh_from_db()
    assert two_offers[0].entry.status == WaitlistStatus.WAITING


def test_an_offer_to_a_withdrawn_entry_no_longer_applies(client, two_offers):
    waitlist.waitlist_withdraw(entry=two_offers[0].entry)
    response = client.post(offer_url(two_offers[0]))
    assert response.status_code == 410
    assert b"no longer on the waitlist" in response.content
    assert not Appointment.objects.filter(status__in=ACTIVE_STATUSES).exists()


def test_withdrawing_cancels_an_offer_not_sent_yet(two_offers):
    waitlist.waitlist_withdraw(entry=two_offers[0].entry)
    row = Notification.objects.get(kind=Kind.WAITLIST_OFFER, patient=two_offers[0].entry.patient)
    assert row.status == "cancelled"


def test_a_forged_or_altered_link_is_a_404(client, two_offers):
    token = waitlist.offer_token(two_offers[0])
    assert client.get(f"/book/waitlist/{token[:-2]}xx/").status_code == 404
    assert client.get("/book/waitlist/not-a-token/").status_code == 404


# Upkeep ------------------------------------------------------------------------------------


def test_entries_whose_window_passed_expire_and_offers_that_ran_out_are_undone(booking, two_offers):
    still = join(booking, email="later@example.org", latest=booking.day + timedelta(days=30))
    # The window of `join` ends with the day after the booking day.
    with time_machine.travel(booking.at(1, day=booking.day + timedelta(days=2)), tick=False):
        assert tidy_waitlist() == 2
    for offer in two_offers:
        offer.entry.refresh_from_db()
        assert offer.entry.status == WaitlistStatus.EXPIRED
    still.refresh_from_db()
    assert still.status == WaitlistStatus.WAITING


def test_an_offered_entry_waits_again_once_its_offer_time_has_passed(booking, two_offers):
    entry = join(booking, email="first@example.org", latest=booking.day + timedelta(days=30))
    assert entry.status == WaitlistStatus.OFFERED
    with time_machine.travel(booking.at(11), tick=False):
        tidy_waitlist()
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING


# Staff -------------------------------------------------------------------------------------


def test_front_desk_see_their_clinics_list_and_withdraw_an_entry(client, booking):
    entry = join(booking, name="Wren Waiting")
    client.force_login(booking.world.home.frontdesk)
    calendar = client.get("/calendar/")
    assert b'href="/calendar/waitlist/"' in calendar.content
    listing = client.get("/calendar/waitlist/")
    assert listing.status_code == 200
    assert b"Wren Waiting" in listing.content
    response = client.post(f"/calendar/waitlist/{entry.pk}/withdraw/")
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.withdrawn_by) == (
        WaitlistStatus.WITHDRAWN,
        booking.world.home.frontdesk,
    )
    after = client.get("/calendar/waitlist/").content
    assert b"Wren Waiting is off the waitlist." in after
    assert b"wait@example.org" not in after
    assert b"Nobody is waiting" in after


def test_another_clinics_staff_neither_see_nor_withdraw_entries(client, booking):
    entry = join(booking, name="Wren Waiting")
    client.force_login(booking.world.other.admin)
    listing = client.get("/calendar/waitlist/")
    assert listing.status_code == 200
    assert b"Wren Waiting" not in listing.content
    assert b"Nobody is waiting" in listing.content
    assert client.post(f"/calendar/waitlist/{entry.pk}/withdraw/").status_code == 404
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.WAITING


def test_clinicians_do_not_keep_the_waitlist(client, booking):
    client.force_login(booking.world.home.clinician)
    assert client.get("/calendar/waitlist/").status_code == 403
    assert b"/calendar/waitlist/" not in client.get("/calendar/").content


def test_anonymising_a_patient_takes_their_entries_off_and_clears_what_was_typed(booking):
    patient = booking.world.home.patient_a
    by_email = join(booking, email=patient.email, name="Ada Home")
    other = join(booking, email="someone@example.org")
    patient_anonymise(user=booking.world.home.admin, patient=patient)
    by_email.refresh_from_db()
    assert (by_email.status, by_email.name, by_email.email, by_email.phone) == (
        WaitlistStatus.WITHDRAWN,
        "",
        "",
        "",
    )
    other.refresh_from_db()
    assert (other.status, other.name) == (WaitlistStatus.WAITING, "Wren Waiting")
