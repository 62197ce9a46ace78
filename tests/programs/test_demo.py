"""`seed_demo` gives patient@demo.clinic a published program; running it twice changes nothing."""

import pytest
from django.core.management import call_command

from programs.models import Program, ProgramStatus

pytestmark = pytest.mark.django_db


def test_the_demo_patient_has_one_published_program_after_two_runs():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    programs = Program.objects.filter(patient__user__email="patient@demo.clinic")
    assert programs.count() == 1
    program = programs.get()
    assert program.status == ProgramStatus.PUBLISHED and program.items.exists()
    assert program.screen is not None
