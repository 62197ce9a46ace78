"""Messages in the reader's language (issue 22): a Spanish patient's e-mails, texts and calendar
file are Spanish, with Spanish day and month names in their own time zone; staff and English
patients keep English; a message made for a Spanish-speaking visitor is Spanish whoever's
record it is sent to."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import trans_real

from clinic.models import Language
from clinic.notifications import content
from clinic.notifications.models import Channel, Kind, Notification

pytestmark = pytest.mark.django_db


def spanish(patient):
    patient.language = "es"
    patient.save(update_fields=["language"])
    return patient


def start_for(patient) -> datetime:
    """Monday 15 March 2027, 14:30 where the patient lives."""
    return datetime(2027, 3, 15, 14, 30, tzinfo=patient.tz)


def row(world, kind, channel, *, patient=None, staff=None, **payload) -> Notification:
    patient = patient or world.home.patient_a
    start = start_for(patient)
    return Notification(
        pk=7,
        clinic=world.home.clinic,
        patient=patient,
        recipient_user=staff,
        channel=channel,
        kind=kind,
        subject_ref="booking.appointment:7",
        subject_id=7,
        due_at=timezone.now(),
        created_at=timezone.now(),
        payload={
            "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat(),
            "appointment_type": "Running performance consult",
            "clinician": "Sam Lee",
            **payload,
        },
    )


def test_a_spanish_patients_booking_confirmation_is_spanish(world):
    patient = spanish(world.home.patient_a)
    message = content.message_for(row(world, Kind.BOOKING_CONFIRMATION, Channel.EMAIL))
    assert message.subject == "Tu cita está reservada - Home Clinic"
    assert message.text.startswith("Home Clinic\n\nHola, Ada:\n")
    assert (
        "Tu cita de Running performance consult con Sam Lee está reservada para el "
        "lunes 15 de marzo a las 14:30." in message.text
    )
    assert "El archivo de calendario adjunto" in message.text
    assert "Recibes estos correos porque eres paciente de Home Clinic." in message.text
    assert "Abrir Groundwork:" in message.text
    assert '<html lang="es">' in message.html and "Hola, Ada:" in message.html
    assert "Dejar de recibir estos correos" in message.html
    for english in ("Your appointment", "Hello", "booked for", "Monday", "March"):
        assert english not in message.text
    calendar = message.attachments[0].content
    assert "SUMMARY:Running performance consult en Home Clinic" in calendar
    assert "Running performance consult con Sam Lee." in calendar
    assert patient.language == "es"


def test_nothing_of_the_spanish_message_leaks_into_the_next_one(world):
    spanish(world.home.patient_a)
    content.message_for(row(world, Kind.BOOKING_CONFIRMATION, Channel.EMAIL))
    assert translation.get_language() == "en"
    english = content.message_for(
        row(world, Kind.BOOKING_CONFIRMATION, Channel.EMAIL, patient=world.home.patient_b)
    )
    assert english.subject == "Your appointment is booked - Home Clinic"
    assert "Monday 15 March at 2:30 PM" in english.text


def test_a_spanish_reminder_text_is_spanish_and_short(world):
    spanish(world.home.patient_a)
    message = content.message_for(row(world, Kind.APPOINTMENT_REMINDER, Channel.SMS))
    assert message.text.startswith(
        "Home Clinic: te recordamos tu cita del lunes 15 de marzo a las 14:30. "
        "Para no recibir SMS: https://"
    )
    english = content.message_for(
        row(world, Kind.APPOINTMENT_REMINDER, Channel.SMS, patient=world.home.patient_b)
    )
    assert english.text.startswith("Home Clinic: reminder of your appointment on Monday 15 March")
    assert len(message.text) < 320


@pytest.mark.parametrize(
    "kind",
    [
        Kind.BOOKING_CONFIRMATION,
        Kind.BOOKING_CHANGED,
        Kind.BOOKING_CANCELLED,
        Kind.APPOINTMENT_REMINDER,
        Kind.PROGRAM_REMINDER,
        Kind.CHECKIN_PROMPT,
        Kind.PROGRESSION_UPDATE,
        Kind.RESCREEN_DUE,
        Kind.QUESTIONNAIRE_DUE,
    ],
)
def test_every_spanish_text_fits_and_keeps_its_stop_link(world, kind):
    spanish(world.home.patient_a)
    message = content.message_for(row(world, kind, Channel.SMS))
    assert message.text.startswith("Home Clinic: ")
    assert "Para no recibir SMS: https://" in message.text
    assert "Stop texts" not in message.text
    assert len(message.text) < 320
    # In the GSM alphabet, so the text goes in 153-character parts, not 67 (UCS-2).
    assert set(message.text) <= content.GSM_ALPHABET


def test_a_saturday_text_drops_only_the_accents_phones_lack(world):
    """ "sábado" would make the whole text UCS-2; it goes as "sabado", "ñ" and "é" stay."""
    spanish(world.home.patient_a)
    saturday = start_for(world.home.patient_a) - timedelta(days=2)
    message = content.message_for(
        row(world, Kind.BOOKING_CONFIRMATION, Channel.SMS, start=saturday.isoformat())
    )
    assert "reservamos tu cita para el sabado 13 de marzo a las 14:30." in message.text
    assert content.sms_alphabet("Peña, miércoles, más") == "Peña, miércoles, mas"


def test_staff_read_english_about_a_spanish_patient(world):
    spanish(world.home.patient_a)
    message = content.message_for(
        row(world, Kind.STAFF_RED_FLAG, Channel.EMAIL, staff=world.home.clinician)
    )
    assert message.subject == "Red flag reported by Ada Home - Home Clinic"
    assert "You get this because you work at Home Clinic." in message.text


def test_a_message_made_in_spanish_is_spanish_for_an_english_patient(world):
    """A public booking request made in Spanish asks the address on record in Spanish."""
    patient = world.home.patient_a
    assert patient.language == "en"
    expires = start_for(patient) - timedelta(days=2)
    message = content.message_for(
        row(
            world,
            Kind.BOOKING_REQUEST,
            Channel.EMAIL,
            language="es",
            expires_at=expires.isoformat(),
            link_path="/book/confirm/x/",
            link_label="Confirm or decline the booking",
        )
    )
    assert message.subject == "Confirma tu solicitud de cita - Home Clinic"
    assert "Alguien reservó una cita de Running performance consult" in message.text
    assert "(antes del sábado 13 de marzo a las 14:30)" in message.text
    assert "Confirmar o rechazar la reserva: https://" in message.text


def test_a_waitlist_offer_made_in_spanish_is_spanish(world):
    message = content.message_for(
        row(world, Kind.WAITLIST_OFFER, Channel.EMAIL, language="es", link_label="Book this time")
    )
    assert message.subject == "Se liberó un horario: lunes 15 de marzo a las 14:30 - Home Clinic"
    assert "Reservar este horario: https://" in message.text


@pytest.mark.parametrize("language", ["", "fr", None])
def test_an_unknown_language_falls_back_to_english(world, language):
    patient = world.home.patient_a
    message = content.message_for(
        row(world, Kind.BOOKING_CONFIRMATION, Channel.EMAIL, language=language)
    )
    assert message.subject == "Your appointment is booked - Home Clinic"
    assert content.reader_language(row(world, Kind.CHECKIN_PROMPT, Channel.EMAIL)) == "en"
    assert patient.language == "en"


def test_a_language_choice_member_never_reaches_djangos_language_cache(world):
    """An unsaved patient holds Language.ENGLISH, not "en": Django caches the supported
    variant by value and returns what it was given, and a header made from that member
    breaks every later response of the process."""
    trans_real._get_supported_language_variant.cache_clear()
    patient = world.home.patient_a
    patient.language = Language.ENGLISH
    assert content.reader_language(row(world, Kind.CHECKIN_PROMPT, Channel.EMAIL)) == "en"
    content.message_for(row(world, Kind.CHECKIN_PROMPT, Channel.EMAIL))
    assert type(translation.get_supported_language_variant("en")) is str
    assert type(content.reader_language(row(world, Kind.CHECKIN_PROMPT, Channel.EMAIL))) is str
