"""`seed_demo` gives patient@demo.clinic a published program with a fortnight of logs, which the
progression engine has already acted on; running it twice changes nothing."""

from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command

from programs.models import CheckIn, Program, ProgramChange, ProgramStatus, SessionLog

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
