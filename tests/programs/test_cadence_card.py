"""The cadence drill's card on the patient home page shows the patient's own cadence over the
last 4 weeks (time-weighted, from the watch) and the target 5-10 % above it (docs/clinical-rules.md
§7, "Cadence from the watch"; §12), read with the program: no query of its own."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programs.models import Drill, ProgramItem, Run
from programs.run_selectors import running_load
from tests.programs.test_me_api import make_program

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 8, 18, 0, tzinfo=UTC)  # 13:00 in New York


@pytest.fixture
def program(world, time_machine):
    time_machine.move_to(NOW)
    program = make_program(world.home, items=1)
    ProgramItem.objects.create(
        program=program,
        drill=Drill.objects.get(slug="cadence_drill", clinic__isnull=True),
        side="both",
        sets=3,
        reps=None,
        hold_s=60,
        days_per_week=7,
        order=9,
        reason="Cadence",
    )
    return program


def add_run(patient, days_ago, cadence, minutes, n=[0]):  # noqa: B006 - a counter for the hash
    n[0] += 1
    today = timezone.localdate(NOW, timezone=patient.clinic.tz)
    return Run.objects.create(
        patient=patient,
        clinic=patient.clinic,
        date=today - timedelta(days=days_ago),
        start_time=NOW - timedelta(days=days_ago),
        distance_m=5000,
        duration_s=minutes * 60,
        cadence_spm=cadence,
        source_format="fit",
        sha256=f"{n[0]:064d}",
    )


def card(client, patient) -> str:
    client.force_login(patient.user)
    html = client.get("/").content.decode()
    return html.split('<p class="patient-cadence">')[1].split("</p>")[0]


def test_the_card_shows_the_own_cadence_and_the_target(world, client, program):
    patient = world.home.patient_a
    add_run(patient, 3, 160, 30)
    add_run(patient, 10, 170, 90)  # weighs three times as much: (160×30 + 170×90) / 120 = 167.5
    add_run(patient, 40, 190, 60)  # older than 4 weeks: not counted
    add_run(patient, 5, None, 60)  # no cadence recorded: not counted
    text = card(client, patient)
    assert "<strong>168</strong> steps a minute" in text
    assert "<strong>176–185</strong>" in text  # 168 × 1.05 and × 1.10
    assert 'href="/me/runs/#cadence"' in text


def test_the_card_agrees_with_the_runs_page(world, client, program):
    patient = world.home.patient_a
    for days, cadence, minutes in ((1, 158, 42), (6, 163, 35), (20, 171, 61), (27, 166, 18)):
        add_run(patient, days, cadence, minutes)
    today = timezone.localdate(NOW, timezone=patient.clinic.tz)
    load = running_load(patient=patient, today=today)
    text = card(client, patient)
    low, high = load.cadence_target
    assert f"<strong>{load.recent_cadence_spm}</strong>" in text
    assert f"<strong>{low}–{high}</strong>" in text


def test_without_cadence_the_card_asks_for_runs(world, client, program):
    patient = world.home.patient_a
    add_run(patient, 2, None, 30)
    add_run(world.home.patient_b, 2, 175, 30)  # another patient's runs never count
    text = card(client, patient)
    assert "No cadence from your watch in the last 4 weeks yet." in text
    assert "steps a minute" not in text


def test_the_cadence_costs_the_same_queries_with_or_without_runs(world, client, program):
    patient = world.home.patient_a
    client.force_login(patient.user)
    client.get("/")
    with CaptureQueriesContext(connection) as before:
        client.get("/")
    add_run(patient, 3, 172, 40)
    with CaptureQueriesContext(connection) as after:
        html = client.get("/").content.decode()
    assert "<strong>172</strong> steps a minute" in html
    assert len(after.captured_queries) == len(before.captured_queries)
