"""The public booking pages in the visitor's language (issue 22): Spanish through the browser's
Accept-Language or the language switch, English otherwise; a booking made in Spanish gives a
new patient Spanish (and a Spanish confirmation) but never changes a known patient's choice."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, translation

from clinic.booking import services, waitlist
from clinic.booking.models import Appointment, BookingRequest, WaitlistEntry
from clinic.models import Patient
from tests.booking.test_public_pages import form_data, page_url

pytestmark = pytest.mark.django_db

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9,en;q=0.5"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


@pytest.fixture(autouse=True)
def _fresh_post_limit():
    """The public pages count posts per address in the cache: start from none and leave none
    behind for the tests that follow."""
    cache.clear()
    yield
    cache.clear()


def spanish_day(day) -> str:
    """The booking day as the Spanish page names it ("lunes 14 de diciembre")."""
    with translation.override("es"):
        return formats.date_format(day, r"l j \d\e F")


def test_the_booking_page_is_spanish_for_a_spanish_browser(client, booking):
    response = client.get(page_url(booking), **SPANISH)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="es">' in page
    assert "Reserva en Home Clinic" in page
    assert "1. ¿Qué te gustaría reservar?" in page
    assert "Ver horarios libres" in page
    assert f"3. Horario el {spanish_day(booking.day)}" in page
    assert "Nombre completo" in page and "Fecha de nacimiento" in page
    assert "Prefiero decírselo al profesional" in page
    assert ">Reservar</button>" in page
    for english in ("Book at", "Show free times", "About you", "Full name"):
        assert english not in page
    assert "Accept-Language" in response["Vary"]


def test_an_english_visitor_stays_english(client, booking):
    page = client.get(page_url(booking), **ENGLISH).content.decode()
    assert '<html lang="en">' in page
    assert "Book at Home Clinic" in page and "Show free times" in page
    assert booking.day.strftime("%A") in page
    assert "Reserva en" not in page and "Ver horarios libres" not in page


def test_the_switch_names_each_language_in_its_own_and_marks_the_current_one(client, booking):
    page = client.get(page_url(booking), **ENGLISH).content.decode()
    switch = re.search(r'<form[^>]*class="language-switch[^"]*".*?</form>', page, re.S).group(0)
    assert 'action="/i18n/setlang/"' in switch and 'method="post"' in switch
    assert 'name="csrfmiddlewaretoken"' in switch
    assert f'name="next" value="{page_url(booking)}"'.replace("&", "&amp;") in switch
    assert re.search(r'value="en" lang="en"[^>]*aria-current="true"[^>]*>English<', switch)
    assert re.search(r'value="es" lang="es"[^>]*>Español<', switch)
    assert 'value="es" lang="es" class="small secondary outline">' in switch


def test_the_switch_makes_the_page_spanish_whatever_the_browser_says(client, booking):
    response = client.post(
        "/i18n/setlang/", {"language": "es", "next": page_url(booking)}, **ENGLISH
    )
    assert response.status_code == 302 and response["Location"] == page_url(booking)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    page = client.get(page_url(booking), **ENGLISH).content.decode()
    assert "Reserva en Home Clinic" in page
    assert re.search(r'value="es" lang="es"[^>]*aria-current="true"', page)
    client.post("/i18n/setlang/", {"language": "en", "next": page_url(booking)}, **SPANISH)
    assert "Book at Home Clinic" in client.get(page_url(booking), **SPANISH).content.decode()


def test_form_errors_are_spanish(client, booking):
    response = client.post(
        page_url(booking), form_data(booking, name="", date_of_birth="2999-01-01"), **SPANISH
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "La fecha de nacimiento no puede estar en el futuro." in page
    assert "Este campo es requerido." in page  # Django's own, in Spanish too


def test_a_spanish_booking_makes_a_spanish_patient_and_a_spanish_confirmation(
    client, booking, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_url(booking), form_data(booking), **SPANISH)
    assert response.status_code == 302
    patient = Patient.objects.get(email="ann@example.org")
    assert patient.language == "es"
    done = client.get(response["Location"], **SPANISH).content.decode()
    assert "Tu cita está reservada" in done
    assert spanish_day(booking.day) in done
    call_command("dispatch_notifications", verbosity=0)
    [message] = [m for m in mail.outbox if m.to == ["ann@example.org"]]
    assert message.subject == "Tu cita está reservada - Home Clinic"
    assert "Hola, Ann:" in message.body
    assert f"está reservada para el {spanish_day(booking.day)} a las 09:00." in message.body
    assert "Para cancelarla o cambiarla en línea: http" in message.body


def test_an_english_booking_makes_an_english_patient(client, booking):
    assert client.post(page_url(booking), form_data(booking), **ENGLISH).status_code == 302
    assert Patient.objects.get(email="ann@example.org").language == "en"


def test_a_spanish_booking_never_changes_a_known_patients_language(
    client, booking, django_capture_on_commit_callbacks
):
    known = Patient.objects.create(
        clinic=booking.clinic, first_name="Ann", last_name="Lee", email="ann@example.org"
    )
    assert known.language == "en"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_url(booking), form_data(booking), **SPANISH)
    assert response.status_code == 302
    known.refresh_from_db()
    assert known.language == "en"
    assert Patient.objects.filter(email="ann@example.org").count() == 1
    request = BookingRequest.objects.get()
    assert (request.patient, request.language) == (known, "es")
    assert Appointment.objects.get().patient is None  # held until the address confirms
    call_command("dispatch_notifications", verbosity=0)
    [message] = [m for m in mail.outbox if m.to == ["ann@example.org"]]
    # Whoever booked read Spanish, so the question about that booking is asked in Spanish.
    assert message.subject == "Confirma tu solicitud de cita - Home Clinic"
    assert "Confirmar o rechazar la reserva: http" in message.body


def test_the_public_api_answers_spanish_errors_with_the_same_fields(api, booking):
    response = api.post(
        "/api/v1/public/bookings/?clinic=home",
        {"type": "nope", "start": booking.at(9).isoformat(), "name": "Ann", "email": "a@b.org"},
        format="json",
        **SPANISH,
    )
    assert response.status_code == 400
    assert response.json() == {"type": "Tipo de cita desconocido."}
    response = api.post(
        "/api/v1/public/bookings/?clinic=home",
        {"type": "running-performance-consult", "start": "tomorrow"},
        format="json",
        **SPANISH,
    )
    body = response.json()
    assert response.status_code == 400 and set(body) >= {"start", "name", "email"}
    assert body["start"] == [
        "Indica el inicio en formato ISO-8601 con su desfase horario, por ejemplo "
        "2026-12-01T09:00:00-05:00."
    ]


def test_a_waitlist_entry_made_in_spanish_keeps_its_language(api, booking):
    response = api.post(
        "/api/v1/public/waitlist/?clinic=home",
        {
            "type": "running-performance-consult",
            "name": "Wren Waiting",
            "email": "wren@example.org",
            "earliest": booking.day.isoformat(),
            "latest": booking.day.isoformat(),
        },
        format="json",
        **SPANISH,
    )
    assert response.status_code == 201
    assert WaitlistEntry.objects.get().language == "es"


def test_a_spanish_waitlist_offer_is_e_mailed_in_spanish(booking):
    entry = waitlist.waitlist_join(
        clinic=booking.clinic,
        appointment_type=booking.consult,
        earliest=booking.day,
        latest=booking.day,
        contact=services.Contact(name="Wren Waiting", email="wren@example.org", language="es"),
    )
    waitlist.waitlist_offer_slot(
        appointment_type=booking.consult,
        clinician=booking.world.home.clinician,
        start=booking.at(10),
    )
    entry.refresh_from_db()
    assert entry.patient.language == "es"  # the patient added to write to reads Spanish
    call_command("dispatch_notifications", verbosity=0)
    [message] = [m for m in mail.outbox if m.to == ["wren@example.org"]]
    assert message.subject.startswith(
        f"Se liberó un horario: {spanish_day(booking.day)} a las 10:00"
    )
    assert "Reservar este horario: http" in message.body


def test_the_manage_page_is_spanish(client, booking):
    assert client.post(page_url(booking), form_data(booking), **SPANISH).status_code == 302
    token = services.manage_token(Appointment.objects.get())
    page = client.get(reverse("booking_manage", args=[token]), **SPANISH).content.decode()
    assert "<h1>Tu cita</h1>" in page
    assert f"<strong>{spanish_day(booking.day)} de {booking.day.year}, 09:00</strong>" in page
    assert "Estado: Reservada." in page
    assert "Cancelar mi cita" in page and "Cambiar a otro horario" in page


def test_a_broken_manage_link_says_so_in_spanish(client):
    response = client.get(reverse("booking_manage", args=["forged"]), **SPANISH)
    assert response.status_code == 404
    assert "<h1>No encontrado</h1>" in response.content.decode()
