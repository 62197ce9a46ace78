"""`seed_demo` gives patient@demo.clinic a published program with a fortnight of logs, which the
progression engine has already acted on; running it twice changes nothing."""

import pytest
from django.core.management import call_command

from programs.models import Program, ProgramChange, ProgramStatus, SessionLog

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
