"""The language each reader gets (clinic.languages, PersonLanguageMiddleware): a patient their
own, staff English, a visitor the public switch's or the browser's; and the compiled Spanish
catalogue matches its source."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from clinic.middleware import PersonLanguageMiddleware

pytestmark = pytest.mark.django_db


def language_seen_by(user, **headers) -> tuple[str, str, object]:
    """The language a view sees, the one left active afterwards, and the response."""
    seen = {}

    def view(request):
        seen["language"] = translation.get_language()
        seen["request"] = request.LANGUAGE_CODE
        return HttpResponse("ok")

    request = RequestFactory().get("/", **headers)
    request.user = user
    response = PersonLanguageMiddleware(view)(request)
    assert seen["request"] == seen["language"]
    return seen["language"], translation.get_language(), response


def test_a_patient_reads_their_own_language_whatever_the_browser_says(world):
    patient = world.home.patient_a
    patient.language = "es"
    patient.save(update_fields=["language"])
    user = patient.user
    language, after, response = language_seen_by(user, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert language == "es"
    assert after == settings.LANGUAGE_CODE  # nothing leaks into the next request
    assert response["Content-Language"] == "es"
    assert "Accept-Language" not in response.get("Vary", "")


def test_an_english_patient_stays_english_with_a_spanish_browser(world):
    language, _, _ = language_seen_by(world.home.patient_a.user, HTTP_ACCEPT_LANGUAGE="es-ES")
    assert language == "en"


def test_staff_pages_stay_english(world):
    language, _, _ = language_seen_by(world.home.clinician, HTTP_ACCEPT_LANGUAGE="es-MX,es")
    assert language == "en"


def test_a_visitor_gets_the_browsers_language_and_the_answer_varies_by_it():
    language, _, response = language_seen_by(AnonymousUser(), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    assert language == "es"
    assert "Accept-Language" in response["Vary"]
    language, _, _ = language_seen_by(AnonymousUser(), HTTP_ACCEPT_LANGUAGE="fr-FR,de")
    assert language == "en"


def test_the_public_switch_beats_the_browser(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/healthz/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    language, _, _ = language_seen_by(
        AnonymousUser(),
        HTTP_ACCEPT_LANGUAGE="en-US",
        HTTP_COOKIE=f"{settings.LANGUAGE_COOKIE_NAME}=es",
    )
    assert language == "es"


def test_a_spanish_message_is_spanish():
    with translation.override("es"):
        assert translation.gettext("You were signed out after a period without activity.") == (
            "Se cerró tu sesión tras un tiempo sin actividad."
        )


@pytest.mark.parametrize(
    "po_path", sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/*.po"))
)
def test_the_compiled_catalogue_matches_its_source(po_path):
    """`make messages` compiles the .mo that is committed; a .po edited without it would ship
    stale translations."""
    source = polib.pofile(str(po_path))
    compiled = polib.mofile(str(po_path.with_suffix(".mo")))
    assert not source.fuzzy_entries(), "fuzzy entries are guesses: translate or clear them"

    def translated(catalogue):
        return {
            (entry.msgctxt, entry.msgid): (entry.msgstr, tuple(sorted(entry.msgstr_plural.items())))
            for entry in catalogue
            if entry.msgid and (entry.msgstr or any(entry.msgstr_plural.values()))
        }

    assert translated(compiled) == translated(source)


def test_there_is_a_spanish_catalogue():
    assert Path(settings.BASE_DIR, "locale/es/LC_MESSAGES/django.po").is_file()
