"""Migration 0010: items stored on L-TENDON rungs after the HSR rung follow the new numbering
(the HSR rung became five RM rungs, docs/clinical-rules.md §5)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from clinic.models import Clinic, Patient
from programs.ladders import LADDERS
from tests.migration_support import back_to_latest, go_back_to

BEFORE = [("programs", "0009_plantar_ladder_loading_only")]
AFTER = [("programs", "0010_l_tendon_hsr_rm_rungs")]


@pytest.mark.django_db(transaction=True)
def test_items_after_the_hsr_rung_keep_their_drill_on_the_new_numbering():
    executor = go_back_to(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        # The clinic app is not rolled back: its rows are made with today's models.
        clinic = Clinic.objects.create(name="Old", slug="old", country="US")
        patient = Patient.objects.create(
            clinic=clinic, first_name="P", last_name="Q", email="p@x.org"
        )
        program = old.get_model("programs", "Program").objects.create(
            clinic_id=clinic.pk, patient_id=patient.pk, status="published", version=1
        )
        Drill = old.get_model("programs", "Drill")
        Item = old.get_model("programs", "ProgramItem")
        stored = {}
        for order, (slug, ladder, rung) in enumerate(
            [
                ("heel_raise_single", "L-TENDON", 3),
                ("runner_calf_raise", "L-TENDON", 4),
                ("short_hops", "L-TENDON", 5),
                ("runner_calf_raise", "L-TENDON-INS", 4),
            ],
            start=1,
        ):
            drill = Drill.objects.get(slug=slug, clinic__isnull=True)
            item = Item.objects.create(
                program=program, drill=drill, sets=3, reps=10, order=order, ladder=ladder,
                rung=rung,
            )  # fmt: skip
            stored[item.pk] = slug
        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        for item in new.get_model("programs", "ProgramItem").objects.select_related("drill"):
            # Each item's rung is again the rung of its drill.
            assert LADDERS[item.ladder].rungs[item.rung - 1].drill == stored[item.pk]
        rungs = dict(
            new.get_model("programs", "ProgramItem").objects.values_list("drill__slug", "rung")
        )
        assert rungs["short_hops"] == 9
    finally:
        back_to_latest()
