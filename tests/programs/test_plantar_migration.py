"""Migration 0009: stored L-PLANTAR items keep meaning the same drill after the ladder split
(docs/clinical-rules.md §5): the stretch leaves the ladder, each loading rung moves down one."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from programs.models import Drill, Program, ProgramItem
from tests.migration_support import back_to_latest, go_back_to

BEFORE = [("programs", "0008_item_times_per_day_patient_text")]
AFTER = [("programs", "0009_plantar_ladder_loading_only")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


@pytest.mark.django_db(transaction=True)
def test_plantar_items_are_renumbered_both_ways(world):
    program = Program.objects.create(
        clinic=world.home.clinic, patient=world.home.patient_a, version=1
    )

    def item(slug, ladder, rung, order):
        drill = Drill.objects.get(clinic__isnull=True, slug=slug)
        return ProgramItem.objects.create(
            program=program, drill=drill, sets=3, reps=10, order=order, ladder=ladder, rung=rung
        ).pk

    # Stored in the new numbering (the database is fully migrated).
    ids = [
        item("pf_stretch", "L-PLANTAR", None, 1),
        item("heel_raise_bilateral", "L-PLANTAR", 1, 2),
        item("heel_raise_single", "L-PLANTAR", 2, 3),
        item("heel_raise_bilateral", "L-CALF", 1, 4),
    ]

    def rungs():
        # Only the rung column: the live model may have columns an older schema lacks.
        return [ProgramItem.objects.values_list("rung", flat=True).get(pk=pk) for pk in ids]

    try:
        go_back_to(BEFORE)
        assert rungs() == [1, 2, 3, 1]  # the old ladder: the stretch was rung 1
        _migrate(AFTER)
        assert rungs() == [None, 1, 2, 1]  # other ladders are untouched
    finally:
        back_to_latest()
