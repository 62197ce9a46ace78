"""Issue 22, the English a Spanish patient could still read: what changed in the program, why
a drill is on hold, the engine's changes in the API, the progress report (its words, dates and
units) and a watch file's error. An English patient keeps the English."""

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from programs import patient_text, report_sharing
from programs.drills import DRILLS_BY_SLUG, ES
from programs.models import ProgramChange
from programs.patient_api import EngineChangeOut
from tests.programs.conftest import make_screen
from tests.programs.run_files import tcx_run
from tests.programs.test_me_api import make_program
from tests.programs.test_runs_api import make_run

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # a Monday afternoon in every clinic zone
STORED = "Heel raises: 3 × 15 now, because the last two sessions were pain-free."


def reads(patient, language: str, units: str = "metric"):
    patient.language = language
    patient.units = units
    patient.save(update_fields=["language", "units"])
    return patient


def page(client, patient, path: str = "/") -> str:
    client.force_login(patient.user)
    response = client.get(path)
    assert response.status_code == 200
    return unescape(response.content.decode())


def progressed(program) -> ProgramChange:
    slug = program.items.first().drill.slug
    return ProgramChange.objects.create(
        program=program,
        version=program.version,
        source="progression",
        action="progressed",
        drill=slug,
        reason=STORED,
        detail={
            "rule": "T-UP",
            "before": {"drill": slug, "rung": None, "sets": 3, "reps": 12, "hold_s": None,
                       "load_pct": 0.0},
            "after": {"drill": slug, "rung": None, "sets": 3, "reps": 15, "hold_s": None,
                      "load_pct": 5.0},
        },
    )  # fmt: skip


@pytest.mark.parametrize("language", ["es", "en"])
def test_what_changed_is_worded_in_the_patients_language(client, world, time_machine, language):
    time_machine.move_to(NOW, tick=False)
    patient = reads(world.home.patient_a, language)
    program = make_program(world.home, items=1)
    slug = progressed(program).drill
    html = page(client, patient)
    if language == "es":
        assert "Qué cambió en tu programa" in html
        assert (
            f"{ES[slug]['name']}: un paso más, ahora 3 × 15 con alrededor del 5% de tu peso "
            "corporal agregado, porque te fue bien." in html
        )
        assert STORED not in html and "What changed in your program" not in html
    else:
        assert "What changed in your program" in html and STORED in html
        assert "un paso más" not in html


def test_a_change_that_cannot_be_worded_keeps_its_stored_sentence(client, world, time_machine):
    time_machine.move_to(NOW, tick=False)
    patient = reads(world.home.patient_a, "es")
    program = make_program(world.home, items=1)
    ProgramChange.objects.create(
        program=program, version=1, source="progression", action="progressed",
        drill="a-clinic-own-drill", reason="Own drill: 3 × 10 now.", detail={},
    )  # fmt: skip
    assert "Own drill: 3 × 10 now." in page(client, patient)


@pytest.mark.parametrize("language", ["es", "en"])
def test_a_drill_on_hold_says_why_in_the_patients_language(client, world, time_machine, language):
    time_machine.move_to(NOW, tick=False)
    patient = reads(world.home.patient_a, language)
    program = make_program(world.home, items=2)
    held = program.items.all()[1]
    held.paused = True
    held.pause_reason = "Calf raises: paused, because pain during was 8/10."
    held.save()
    html = page(client, patient)
    if language == "es":
        name = ES[held.drill.slug]["name"]
        assert "Calf raises: paused" not in html
        assert f"{name} queda en pausa hasta que tu terapeuta lo revise." in html
    else:
        assert "Calf raises: paused, because pain during was 8/10." in html


def test_the_engines_changes_in_the_api_are_in_the_readers_language(world):
    program = make_program(world.home, items=1)
    change = progressed(program)
    slug = change.drill
    with translation.override("es"):
        (spanish,) = EngineChangeOut([change], many=True).data
    assert spanish["reason"].startswith(f"{ES[slug]['name']}: un paso más, ahora 3 × 15")
    assert spanish["drill"] == slug and spanish["action"] == "progressed"  # the shape holds
    with translation.override("en"):
        (english,) = EngineChangeOut([change], many=True).data
    assert english["reason"] == STORED
    assert DRILLS_BY_SLUG[slug].name  # a library drill: worded, not passed through


def test_the_progress_report_is_in_the_patients_language_and_units(client, world, time_machine):
    time_machine.move_to(NOW, tick=False)
    patient = reads(world.home.patient_a, "es", units="imperial")
    program = make_program(world.home, items=1)
    make_run(patient, timezone.localdate(timezone=world.home.clinic.tz), 10)
    html = page(client, patient, "/me/progress/print/")
    assert "Carga de carrera" in html and "Running load" not in html
    assert "millas" in html and "Carrera larga (millas)" in html
    assert "<td>6.2</td>" in html or "<td>6,2</td>" in html  # 10 km in miles
    assert "<td>10.0</td>" not in html and "<td>10,0</td>" not in html
    assert ES[program.items.get().drill.slug]["name"] in html  # the drill's Spanish name
    assert "de diciembre de 2026" in html  # a long date in Spanish words
    response = client.get("/me/progress.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_the_reports_screen_rows_are_named_in_spanish_with_lengths_in_inches(
    client, world, time_machine
):
    time_machine.move_to(NOW, tick=False)
    patient = reads(world.home.patient_a, "es", units="imperial")
    make_screen(world.home, knee_to_wall_cm_left=7.62, knee_to_wall_cm_right=10.16,
                heel_raise_reps_left=20, heel_raise_reps_right=22)  # fmt: skip
    html = page(client, patient, "/me/progress/print/")
    assert "Rodilla a la pared" in html and "Knee-to-wall" not in html
    assert "Elevación de talón en una pierna" in html and "Single-leg heel raise" not in html
    assert "repeticiones" in html and "reps" not in html
    assert re.search(r"<td>3([.,]0)? pulg", html), html  # 7.62 cm is 3 inches
    assert "7.6" not in html and "7,6" not in html
    metric = page(client, reads(patient, "en"), "/me/progress/print/")
    assert "Knee-to-wall (weight-bearing lunge)" in metric and re.search(
        r"<td>7\.6 cm</td>", metric
    )


def test_an_english_metric_patient_keeps_the_report_in_km(client, world, time_machine):
    time_machine.move_to(NOW, tick=False)
    patient = reads(world.home.patient_a, "en")
    program = make_program(world.home, items=1)
    make_run(patient, timezone.localdate(timezone=world.home.clinic.tz), 10)
    html = page(client, patient, "/me/progress/print/")
    assert "Running load" in html and "Long run (km)" in html
    assert "<td>10.0</td>" in html
    assert program.items.get().drill.name in html


def test_the_share_page_dates_are_in_the_patients_language(client, world, time_machine):
    time_machine.move_to(NOW, tick=False)
    patient = reads(world.home.patient_a, "es")
    report_sharing.report_share_create(patient=patient, days=7)
    html = page(client, patient, "/me/progress/share/")
    assert re.search(r"14 de diciembre de 2026, \d\d:\d\d", html), html
    assert "December" not in html
    english = page(client, reads(patient, "en"), "/me/progress/share/")
    assert re.search(r"14 December 2026, \d\d:\d\d", english)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("es", "tiene un número que no podemos leer ('5k')"),
        ("en", "has a number we cannot read ('5k')"),
    ],
)
def test_a_watch_file_with_an_unreadable_number_is_refused_in_the_readers_language(
    api, world, time_machine, language, words
):
    time_machine.move_to(NOW, tick=False)
    patient = reads(world.home.patient_a, language)
    data = tcx_run(start=datetime(2026, 12, 6, 12, tzinfo=UTC)).replace(
        b"<DistanceMeters>5000</DistanceMeters>", b"<DistanceMeters>5k</DistanceMeters>"
    )
    assert b"5k" in data
    api.force_login(patient.user)
    response = api.post(
        "/api/v1/me/runs/",
        {"file": [SimpleUploadedFile("run.tcx", data, content_type="application/xml")]},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["file"] == [f"run.tcx: {words}."]


def test_change_sentences_are_worded_from_the_fields_in_both_languages():
    slug = next(iter(ES))
    dose = {"drill": slug, "sets": 3, "reps": 10, "hold_s": 5, "load_pct": 0}
    es_name, en_name = ES[slug]["name"], DRILLS_BY_SLUG[slug].name
    assert patient_text.change_sentence("regressed", slug, {"after": dose}, "es") == (
        f"{es_name}: un paso atrás, ahora 3 × 10 × 5 s, para que se calme."
    )
    assert patient_text.change_sentence("undone", slug, {"before": dose}, "en") == (
        f"{en_name}: back to 3 × 10 × 5 s, as your clinician decided."
    )
    assert patient_text.change_sentence("drill_paused", slug, {}, "es") == (
        f"{es_name} queda en pausa hasta que tu terapeuta lo revise."
    )
    # What it cannot word: an unknown kind, a drill not in the library, a dose missing.
    assert patient_text.change_sentence("reordered", slug, {"after": dose}, "es") is None
    assert patient_text.change_sentence("progressed", "own-drill", {"after": {}}, "es") is None
    assert patient_text.change_sentence("progressed", slug, {}, "es") is None
    assert patient_text.change_words("progressed", slug, {}, "Stored.", "es") == "Stored."
    assert patient_text.change_words("progressed", slug, {"after": dose}, "Stored.", "en") == (
        "Stored."
    )
