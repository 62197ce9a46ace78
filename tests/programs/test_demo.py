"""`seed_demo` gives patient@demo.clinic a published program with a fortnight of logs, which the
progression engine has already acted on; running it twice changes nothing."""

from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command

from clinic.models import Patient, User
from programs.exclusions import modifier_exclusion
from programs.models import (
    CheckIn,
    Program,
    ProgramChange,
    ProgramItem,
    ProgramStatus,
    SessionLog,
)

pytestmark = pytest.mark.django_db


def test_the_demo_patient_has_one_published_program_after_two_runs():
    call_command("seed_demo", verbosity=0)
    programs = Program.objects.filter(patient__user__email="patient@demo.clinic")
    before = (programs.count(), SessionLog.objects.count(), ProgramChange.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (programs.count(), SessionLog.objects.count(), ProgramChange.objects.count()) == before
    program = programs.get(status=ProgramStatus.PUBLISHED)
    assert program.items.exists() and program.screen is not None
    assert SessionLog.objects.filter(patient=program.patient).count() >= 6
    # Two weeks of easy sessions: the engine has stepped something up, for the clinician to review.
    assert program.version > 1
    assert ProgramChange.objects.filter(action="progressed", review="").exists()


def test_on_a_tuesday_too_the_engine_has_acted_and_yesterdays_check_in_is_due(time_machine):
    # Monday has every drill: had the engine run after Monday's session, each drill would still
    # be waiting for its check-in, and the demo would show no change on a Tuesday.
    time_machine.move_to(datetime(2026, 12, 8, 23, 30, tzinfo=UTC))  # Tuesday 18:30 in New York
    call_command("seed_demo", verbosity=0)
    program = Program.objects.get(
        patient__user__email="patient@demo.clinic", status=ProgramStatus.PUBLISHED
    )
    assert program.version > 1
    assert ProgramChange.objects.filter(action="progressed", review="").exists()
    yesterday = SessionLog.objects.filter(patient=program.patient).latest("date")
    assert yesterday.date == date(2026, 12, 7)
    assert not CheckIn.objects.filter(patient=program.patient, date=date(2026, 12, 8)).exists()


def test_a_demo_patient_with_a_modifier_has_a_held_step_the_clinician_can_see(client):
    # docs/clinical-rules.md §6-§7: insertional Achilles pain (M-AT-INS); the squat rock at the
    # top of its rung would move on to kneeling dorsiflexion, which the modifier forbids.
    call_command("seed_demo", verbosity=0)
    patient = Patient.objects.get(first_name="Tom", last_name="Lindqvist")
    program = Program.objects.get(patient=patient, status=ProgramStatus.PUBLISHED)
    assert {m["code"] for m in program.modifiers} >= {"M-AT-INS"}
    held = [f for f in program.flags if f.get("code") == "modifier_hold"]
    assert held and held[0]["rule"] == "M-AT-INS"
    assert "not allowed under M-AT-INS" in held[0]["message"]
    squat = program.items.get(drill__slug="heel_elev_squat_rock")
    assert (squat.rung, squat.sets, squat.reps) == (2, 3, 10)
    # The rest of the program has progressed, and no version holds a drill the modifier forbids.
    assert program.version > 1
    assert ProgramChange.objects.filter(program__patient=patient, action="progressed").exists()
    left = {m["code"] for m in program.modifiers if m["side"] in ("left", "both")}
    for item in ProgramItem.objects.filter(program__patient=patient).select_related("drill"):
        if item.side in ("left", "both"):
            assert modifier_exclusion(item.drill.slug, item.variant, left) is None, item
    # The clinician sees the held step, naming the modifier, on the worklist.
    client.force_login(User.objects.get(email="clinician@demo.clinic"))
    html = client.get("/worklist/").content.decode()
    assert "Tom Lindqvist" in html and "not allowed under M-AT-INS" in html
    # Seeding again changes nothing.
    before = Program.objects.filter(patient=patient).count()
    call_command("seed_demo", verbosity=0)
    assert Program.objects.filter(patient=patient).count() == before
