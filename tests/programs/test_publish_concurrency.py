"""Publishing the same draft from two connections at once publishes it once (PostgreSQL)."""

import contextlib

import pytest

from programs import services
from programs.models import Program, ProgramStatus
from tests.concurrency import run_together
from tests.programs.conftest import make_screen

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True),
]


def test_two_concurrent_publishes_publish_once(world):
    screen = make_screen(world.home, knee_to_wall_cm_left=7.5, knee_to_wall_cm_right=11.0)
    draft = services.program_build_from_screen(user=world.home.clinician, screen=screen)

    def publish(i):
        try:
            services.program_publish(user=world.home.clinician, program=draft)
        except services.ProgramConflict:
            return "conflict"
        return "published"

    outcomes = run_together(publish, 2)
    assert sorted(outcomes) == ["conflict", "published"]
    program = Program.objects.get(pk=draft.pk)
    assert program.status == ProgramStatus.PUBLISHED
    assert program.changes.filter(action="published").count() == 1


def test_two_drafts_published_at_once_leave_one_published(world):
    screen = make_screen(world.home, knee_to_wall_cm_left=7.5)
    drafts = [
        services.program_build_from_screen(user=world.home.clinician, screen=screen)
        for _ in range(2)
    ]

    def publish(i):
        with contextlib.suppress(services.ProgramConflict):
            services.program_publish(user=world.home.clinician, program=drafts[i])

    run_together(publish, 2)
    statuses = sorted(
        Program.objects.filter(patient=screen.patient).values_list("status", flat=True)
    )
    assert statuses.count("published") == 1
