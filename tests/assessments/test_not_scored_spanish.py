"""Issue 22: why a questionnaire has no score is told to the patient in their language, from
the scorer's code; the stored English stays for staff and history."""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from assessments import questionnaires
from assessments.models import QuestionnaireResponse

pytestmark = pytest.mark.django_db


def reads(patient, language: str):
    patient.language = language
    patient.save(update_fields=["language"])
    return patient


def submit(patient, code, answers) -> dict:
    (assignment,) = questionnaires.questionnaires_assign(
        patient=patient, codes=[code], source="clinician"
    )
    client = APIClient()
    client.force_login(patient.user)
    response = client.post(
        f"/api/v1/me/questionnaires/{assignment.pk}/", {"answers": answers}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_a_spanish_patient_reads_why_faam_was_not_scored_in_spanish(world):
    patient = reads(world.home.patient_a, "es")
    answers = {f"sp{n}": 3 for n in range(1, 7)} | {"sp7": "na", "sp8": "na"}
    body = submit(patient, "faam_sports", answers)
    assert body["scored"] is False
    assert body["not_scored_reason"] == (
        "Sin puntaje: solo respondiste 6 de 8 preguntas, y esta parte necesita al menos 7."
    )
    # Staff and history keep the scorer's English.
    stored = QuestionnaireResponse.objects.get().not_scored_reason
    assert stored.startswith("Not scored: only 6 of 8 items answered")


def test_an_english_patient_reads_it_in_english(world):
    patient = reads(world.home.patient_a, "en")
    answers = {f"sp{n}": 3 for n in range(1, 6)} | {"sp6": "na", "sp7": "na", "sp8": "na"}
    body = submit(patient, "faam_sports", answers)
    assert body["not_scored_reason"] == (
        "Not scored: only 5 of 8 questions are answered, and this part needs at least 7."
    )


def test_the_thank_you_page_shows_the_spanish_sentence(client, world):
    patient = reads(world.home.patient_a, "es")
    (assignment,) = questionnaires.questionnaires_assign(
        patient=patient, codes=["faam_sports"], source="clinician"
    )
    answers = {f"sp{n}": 3 for n in range(1, 7)} | {"sp7": "na", "sp8": "na"}
    response = questionnaires.questionnaire_submit(assignment=assignment, answers=answers)
    assert response.score is None
    client.force_login(patient.user)
    html = client.get(f"/me/questionnaires/{assignment.pk}/").content.decode()
    assert "Sin puntaje: solo respondiste 6 de 8 preguntas" in html
    assert response.not_scored_reason not in html


def test_older_answers_with_blank_items_are_worded_too():
    """Stored answers from before every item was required: LEFS and VISA-A blanks."""
    lefs = QuestionnaireResponse(
        instrument="lefs",
        answers={f"i{n}": 2 for n in range(1, 19)} | {"i19": None, "i20": None},
        not_scored_reason="Not scored: 2 of 20 items unanswered; the total needs every item.",
    )
    visa = QuestionnaireResponse(
        instrument="visa_a",
        answers={f"q{n}": 5 for n in range(1, 8)} | {"q8_load": None, "q8_minutes": None},
        not_scored_reason="Not scored: VISA-A is the sum of all eight questions.",
    )
    with translation.override("es"):
        assert questionnaires.not_scored_words(lefs) == (
            "Sin puntaje: quedaron 2 de 20 preguntas sin responder, y el total necesita todas "
            "las preguntas."
        )
        visa_words = questionnaires.not_scored_words(visa)
        assert visa_words.startswith("Sin puntaje: el total es la suma de las ocho preguntas")
        assert visa_words.endswith("parte(s) sin responder.")
    with translation.override("en"):
        assert questionnaires.not_scored_words(lefs) == (
            "Not scored: 2 of 20 questions are unanswered, and the total needs every question."
        )
    unknown = QuestionnaireResponse(instrument="gone", answers={}, not_scored_reason="Old words.")
    assert questionnaires.not_scored_words(unknown) == "Old words."
