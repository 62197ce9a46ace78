"""Issue 22, error messages: the Python errors a patient or a public visitor can meet are
handed to Django's translation machinery, so a Spanish-reading patient reads them in Spanish
with the same status, field and code, and an English-reading one reads the English unchanged."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from assessments import thresholds
from assessments.services import clinic_thresholds_set
from clinic.models import validate_time_zone
from programs.media import prepare_image
from tests.programs.test_patient_spanish import reads

pytestmark = pytest.mark.django_db


class Upload(BytesIO):
    def __init__(self, data: bytes):
        super().__init__(data)
        self.size = len(data)


def test_a_spanish_patient_reads_the_me_errors_in_spanish(api, world):
    api.force_login(reads(world.home.patient_a, "es").user)

    nothing = api.patch("/api/v1/me/", {}, format="json")
    assert nothing.status_code == 400
    assert nothing.json() == {"detail": ["Envía el idioma, las unidades o ambos."]}

    other_field = api.patch("/api/v1/me/", {"first_name": "Eve"}, format="json")
    assert other_field.status_code == 400
    assert other_field.json() == {
        "first_name": ["Aquí solo puedes cambiar el idioma y las unidades."]
    }

    bad_units = api.patch("/api/v1/me/", {"units": "miles"}, format="json")
    assert bad_units.status_code == 400
    assert bad_units.json() == {
        "units": ['Elige "metric" (km, cm) o "imperial" (millas, pulgadas).']
    }


def test_a_spanish_patients_app_with_a_token_reads_spanish_whatever_the_browser_says(world):
    """The app signs in with a token, checked inside the view after the middleware chose a
    language from the browser: the token's owner decides."""
    patient = reads(world.home.patient_a, "es")
    token, _ = Token.objects.get_or_create(user=patient.user)
    app = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="en-US")
    response = app.patch("/api/v1/me/", {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": ["Envía el idioma, las unidades o ambos."]}
    assert response["Content-Language"] == "es"
    assert translation.get_language() == "en"  # nothing leaks into the next request


def test_an_english_patient_keeps_the_english_text_whatever_the_browser_says(api, world):
    api.force_login(reads(world.home.patient_a, "en").user)
    response = api.patch("/api/v1/me/", {}, format="json", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    assert response.json() == {"detail": ["Send language, units or both."]}


@pytest.mark.parametrize(
    "language, expected",
    [
        ("en", "'Mars/Olympus' is not a known time zone (e.g. America/New_York)."),
        ("es", "'Mars/Olympus' no es una zona horaria conocida (por ejemplo, America/New_York)."),
    ],
)
def test_the_time_zone_validator_speaks_the_readers_language(language, expected):
    with translation.override(language), pytest.raises(ValidationError) as caught:
        validate_time_zone("Mars/Olympus")
    assert caught.value.messages == [expected]


def test_an_upload_error_is_spanish_with_the_same_code():
    with translation.override("es"), pytest.raises(ValidationError) as caught:
        prepare_image(Upload(b""), max_bytes=1024, max_edge=100)
    assert (caught.value.code, caught.value.messages) == ("empty", ["El archivo está vacío."])
    with translation.override("es"), pytest.raises(ValidationError) as caught:
        prepare_image(Upload(b"x" * 3 * 1024 * 1024), max_bytes=2 * 1024 * 1024, max_edge=100)
    assert caught.value.code == "too_large"
    assert caught.value.messages == ["Esta imagen pesa 3 MB; el máximo permitido es 2 MB."]
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        prepare_image(Upload(b"x" * 3 * 1024 * 1024), max_bytes=2 * 1024 * 1024, max_edge=100)
    assert caught.value.messages == ["This image is 3 MB; the largest allowed is 2 MB."]


def test_a_pure_modules_error_keeps_its_english_and_is_translated_by_the_caller(world):
    """assessments.thresholds imports no Django: it marks its sentence and the service
    translates it; the English sentence is what it was."""
    with pytest.raises(thresholds.ThresholdError) as pure:
        thresholds.validate_overrides({"slhr.lsi_min": "high"})
    assert str(pure.value) == "Threshold 'slhr.lsi_min' must be a number, not 'high'."
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        clinic_thresholds_set(
            user=world.home.admin, clinic=world.home.clinic, overrides={"nope": 1}
        )
    assert caught.value.message_dict == {"overrides": ["Unknown threshold 'nope'."]}
