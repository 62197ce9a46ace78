"""Issue 22: a Spanish-reading patient gets their page, drill cards, dates, numbers, units
and API errors in Spanish; an English-reading patient's stay English. The patient's own
language (Patient.language) wins over the browser's."""

import json
import re
from datetime import datetime
from html import unescape as html_unescape
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import QuestionnaireAssignment
from clinic.notifications import preferences
from clinic.notifications.models import Channel
from programs.models import ProgramStatus
from tests.programs.test_me_api import make_program, session_body
from tests.programs.test_patient_home import log_yesterday
from tests.programs.test_runs_api import make_run

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
# Tuesday 8 December 2026, 08:00 in New York (the test clinic's zone).
TUESDAY_MORNING = datetime(2026, 12, 8, 8, 0, tzinfo=NEW_YORK)


def reads(patient, language: str, units: str = "metric"):
    patient.language = language
    patient.units = units
    patient.save(update_fields=["language", "units"])
    return patient


def home_page(client, patient, **headers) -> str:
    client.force_login(patient.user)
    response = client.get("/", **headers)
    assert response.status_code == 200
    assert response["Content-Language"] == patient.language
    return response.content.decode()


def first_drill_card(html: str) -> str:
    match = re.search(
        r'<li class="patient-drill">.*?</li>\s*(?=<li class="patient-drill">|</ol>)', html, re.S
    )
    assert match, "no drill card on the page"
    return match.group(0)


def test_a_spanish_patient_reads_the_home_page_in_spanish(client, world, time_machine):
    time_machine.move_to(TUESDAY_MORNING, tick=False)
    patient = reads(world.home.patient_a, "es")
    make_program(world.home, items=2)
    # An English browser does not change what the patient chose.
    html = home_page(client, patient, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="es">' in html
    assert f"Hola, {patient.first_name}" in html
    assert "Tu programa en casa" in html
    assert "Hoy, martes 8 de diciembre" in html  # the date in Spanish words and order
    assert "Registra la sesión de hoy" in html
    assert "Guardar la sesión de hoy" in html
    assert "¿Qué tan difícil fue?" in html and "Fácil" in html and "Demasiado difícil" in html
    assert "Esta semana" in html and "mar" in html  # Django's own Spanish weekday names
    assert "2 ejercicios" in html
    # The red-flag questions a patient answers are Spanish too.
    assert "Tengo la pantorrilla hinchada, caliente o adolorida al tocarla" in html
    assert "My calf is swollen" not in html
    for english in ("Your home program", "Save today's session", "Today, ", "This week"):
        assert english not in html
    # What the page's scripts write (status lines, chart titles) comes with the page.
    holder = re.search(r'id="patient-texts" hidden data-texts="([^"]*)"', html)
    texts = json.loads(html_unescape(holder.group(1)))
    assert texts["saving"] == "Guardando…" and texts["chart_sessions"] == "Sesiones por semana"


def test_a_spanish_drill_card_has_spanish_chrome(client, world, time_machine):
    time_machine.move_to(TUESDAY_MORNING, tick=False)
    patient = reads(world.home.patient_a, "es")
    program = make_program(world.home, items=1)
    item = program.items.get()
    item.hold_s = 5
    item.save(update_fields=["hold_s"])
    card = first_drill_card(home_page(client, patient))
    # The dose, the side and the headings around the drill's own text (the drill's
    # instructions are translated with the drill library).
    assert "3 series" in card and "12 repeticiones" in card and "sostener 5 s" in card
    assert "solo lado izquierdo" in card  # make_program's first item is the left side
    assert "<summary>Cómo hacerlo</summary>" in card
    assert "<h5>Pasos</h5>" in card
    assert "Dosis:" in card
    for english in ("How to do it", "<h5>Steps</h5>", " sets", " reps", "side only"):
        assert english not in card


def test_an_english_patient_keeps_english_whatever_the_browser_says(client, world, time_machine):
    time_machine.move_to(TUESDAY_MORNING, tick=False)
    patient = reads(world.home.patient_a, "en")
    make_program(world.home, items=2)
    html = home_page(client, patient, HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    assert '<html lang="en">' in html
    assert "Your home program" in html
    assert "Today, Tuesday 8 Dec" in html
    assert "Save today's session" in html
    card = first_drill_card(html)
    assert "3 sets" in card and "12 reps" in card and "<summary>How to do it</summary>" in card
    for spanish in ("Tu programa", "Guardar", "martes", "ejercicios", "Cómo hacerlo"):
        assert spanish not in html


def test_the_check_in_asks_in_the_patients_language_and_units(client, world, time_machine):
    time_machine.move_to(TUESDAY_MORNING, tick=False)
    patient = reads(world.home.patient_a, "es", units="imperial")
    log_yesterday(make_program(world.home, items=1))
    html = home_page(client, patient)
    assert "Buenos días: ¿cómo te sientes después de la sesión de ayer?" in html
    assert "Millas corridas en los últimos 7 días (opcional)" in html
    assert 'name="run_miles_week"' in html and 'max="248.5"' in html  # machine values as is
    reads(patient, "es", units="metric")
    html = home_page(client, patient)
    assert "Km corridos en los últimos 7 días (opcional)" in html
    assert 'name="run_km_week"' in html


def test_the_runs_page_uses_spanish_words_units_and_decimal_commas(client, world):
    patient = reads(world.home.patient_a, "es", units="imperial")
    today = world.home.clinic.today()
    make_run(patient, today, 16.09344, minutes=80)  # 10 miles in 80 minutes
    client.force_login(patient.user)
    html = client.get("/me/runs/").content.decode()
    assert "<h1>Mis carreras</h1>" in html
    assert "10,00 millas en 1:20:00" in html  # decimal comma, the unit in Spanish
    assert '<th scope="col">millas</th>' in html
    assert "170 pasos/min" in html
    # The bar's numbers are for the browser, not for reading: never a decimal comma.
    assert '<meter min="0" max="16.1" value="16.1"' in html
    reads(patient, "es", units="metric")
    html = client.get("/me/runs/").content.decode()
    assert "16,09 km en 1:20:00" in html


def test_the_self_test_page_is_spanish_with_inches_for_an_imperial_patient(client, world):
    patient = reads(world.home.patient_a, "es", units="imperial")
    client.force_login(patient.user)
    html = client.get("/me/self-tests/").content.decode()
    assert "Pruebas en casa" in html and "Rodilla a la pared (pulgadas)" in html
    assert "en pulgadas." in html
    response = client.post(
        "/me/self-tests/",
        {
            "date": world.home.clinic.today().isoformat(),
            "test": "knee_to_wall_cm",
            "left": "9",
            "right": "3",
        },
    )
    assert response.status_code == 400
    assert "Debe estar entre 0 y 7.8 pulgadas." in response.content.decode()


def test_the_patient_api_answers_a_spanish_patient_in_spanish_with_the_same_shape(api, world):
    program = make_program(world.home, items=1)
    api.force_login(reads(world.home.patient_a, "es").user)
    today = timezone.localdate(timezone=world.home.clinic.tz).isoformat()
    both = {
        "date": today,
        "pain_next_morning": 2,
        "still_sore": False,
        "run_km_week": "10",
        "run_miles_week": "6",
    }
    response = api.post("/api/v1/me/checkins/", both, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "run_miles_week": ["Envía run_km_week o run_miles_week, no los dos."]
    }
    # Django REST framework's own messages come in Spanish too, under the same field.
    response = api.post(
        "/api/v1/me/checkins/",
        {**both, "run_miles_week": None, "pain_next_morning": 11},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["pain_next_morning"]
    assert "10" in response.json()["pain_next_morning"][0]
    assert "Ensure" not in response.json()["pain_next_morning"][0]
    # A paused program refuses a log with the same 409 and the same "detail" field.
    program.status = ProgramStatus.PAUSED
    program.save(update_fields=["status"])
    response = api.post(
        "/api/v1/me/sessions/",
        session_body(program, timezone.localdate(timezone=world.home.clinic.tz)),
        format="json",
    )
    assert response.status_code == 409
    assert response.json() == {"detail": "Tu programa está en pausa: contacta a la clínica."}


def test_the_same_error_in_english_for_an_english_patient(api, world):
    make_program(world.home, items=1)
    api.force_login(reads(world.home.patient_a, "en").user)
    today = timezone.localdate(timezone=world.home.clinic.tz).isoformat()
    both = {
        "date": today,
        "pain_next_morning": 2,
        "still_sore": False,
        "run_km_week": "10",
        "run_miles_week": "6",
    }
    response = api.post("/api/v1/me/checkins/", both, format="json", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    assert response.json() == {"run_miles_week": ["Send run_km_week or run_miles_week, not both."]}


def test_the_pause_advice_of_the_api_is_in_the_patients_language(api, world):
    make_program(world.home, items=1)
    api.force_login(reads(world.home.patient_a, "es").user)
    response = api.post("/api/v1/me/red-flags/", {"red_flags": ["calf_swelling"]}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["pause"]["urgency"] == "emergency"  # codes never change
    assert body["pause"]["message"].startswith("Detente. Busca atención médica urgente hoy")
    assert body["message"].startswith("Tu programa está en pausa. Detente.")
    program = api.get("/api/v1/me/program/").json()
    assert program["pause"]["message"] == body["pause"]["message"]


def test_a_questionnaire_for_a_spanish_patient_keeps_the_validated_english_items(client, world):
    patient = reads(world.home.patient_a, "es")
    assignment = QuestionnaireAssignment.objects.create(
        clinic=world.home.clinic,
        patient=patient,
        instrument="lefs",
        due_on=world.home.clinic.today(),
        source="clinician",
    )
    client.force_login(patient.user)
    html = client.get(f"/me/questionnaires/{assignment.pk}/").content.decode()
    assert "Enviar mis respuestas" in html and "1 de 20." in html
    assert "Las preguntas se muestran en inglés" in html
    # The items and their answers stay the English original, marked as English.
    assert '<span lang="en">' in html and "No difficulty" in html
    response = client.post(f"/me/questionnaires/{assignment.pk}/", {})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Faltan respuestas o alguna no es válida" in page
    assert "Responde esta pregunta." in page


def test_the_printed_program_is_in_the_patients_language_whoever_prints_it(client, world):
    patient = reads(world.home.patient_a, "es")
    program = make_program(world.home, items=2)
    client.force_login(patient.user)
    html = client.get("/me/program/print/").content.decode()
    assert '<html lang="es">' in html
    assert "<h1>Tu programa en casa</h1>" in html and "Tus ejercicios, en este orden" in html
    assert "3 series de 12" in html and "7 días a la semana" in html
    assert '<th scope="row">lunes</th>' in html  # the week's days, in Spanish
    # The clinician prints the same handout for the patient: Spanish, though staff read English.
    client.force_login(world.home.clinician)
    staff_copy = client.get(f"/programs/{program.pk}/print/").content.decode()
    assert "<h1>Tu programa en casa</h1>" in staff_copy and "3 series de 12" in staff_copy
    # ... and the clinician's own pages stay English.
    assert "Tu programa" not in client.get(f"/programs/{program.pk}/").content.decode()


def test_the_unsubscribe_page_speaks_the_patients_language(client, world):
    patient = reads(world.home.patient_a, "es")
    token = preferences.unsubscribe_token(patient=patient, channel=Channel.EMAIL)
    # Opened from the message, not signed in, with an English browser.
    html = client.get(
        reverse("notifications:unsubscribe", args=[token]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "¿Dejar de recibir mensajes por Correo electrónico?" in html
    assert "Stop E-mail messages" not in html


def test_the_message_settings_page_is_spanish_and_saves_in_spanish(client, world):
    patient = reads(world.home.patient_a, "es")
    client.force_login(patient.user)
    html = client.get(reverse("notifications:my_preferences")).content.decode()
    assert "Tus ajustes de mensajes" in html and "Zona horaria" in html and "Idioma" in html
    assert "Millas y pulgadas" in html  # the units' choices
    assert "Español" in html and "English" in html  # each language in its own name
