"""Building drafts for one patient from two connections at once gives two versions
(PostgreSQL: the build locks the patient row, then reads the newest version)."""

import pytest

from programs import services
from programs.models import Program
from tests.concurrency import failures, run_together
from tests.programs.conftest import make_screen

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True),
]


def test_concurrent_builds_for_one_patient_get_distinct_versions(world):
    screen = make_screen(world.home, knee_to_wall_cm_left=7.5, knee_to_wall_cm_right=11.0)
    services.program_build_from_screen(user=world.home.clinician, screen=screen)
    outcomes = run_together(
        lambda i: services.program_build_from_screen(user=world.home.clinician, screen=screen), 4
    )
    errors = failures(outcomes)
    assert errors == []
    programs = Program.objects.filter(patient=screen.patient).order_by("version")
    assert [p.version for p in programs] == [1, 2, 3, 4, 5]
    for program in programs:
        assert program.items.count() > 0
        assert set(program.changes.values_list("version", flat=True)) == {program.version}
