"""The benchmark's POST endpoints never write to a patient whose pages it reads.

Each screen create or program build request adds a row; run after run they piled up on the
patients whose home page and screen page were measured, so those pages slowed down from one
run to the next for a reason no real patient has.
"""

import pytest

from assessments.models import Screen
from bench.scenario import BUILD_PATIENTS, build_plan
from bench.seed import seed_load
from clinic.models import Patient
from programs.models import Program


def _writes_and_reads(plan):
    by_name = {e.name: e for e in plan.endpoints}
    create = by_name["screen create + findings (POST)"].path  # /patients/<id>/screens/new/
    builds = by_name["program build (POST)"].paths  # /screens/<id>/program/, in turn
    written = {int(create.split("/")[2])} | {
        Screen.objects.get(pk=int(build.split("/")[2])).patient_id for build in builds
    }
    emails = [a["email"] for key, a in plan.actors.items() if key.startswith("patient")]
    read = set(Patient.objects.filter(user__email__in=emails).values_list("pk", flat=True))
    detail = by_name["clinician screen detail"].path  # /screens/<id>/
    read.add(Screen.objects.get(pk=int(detail.split("/")[2])).patient_id)
    return written, read


@pytest.mark.django_db
def test_post_endpoints_write_to_patients_whose_pages_are_not_measured():
    seed_load(scale=0.002)
    plan = build_plan()
    written, read = _writes_and_reads(plan)
    # One patient gets the new screens, BUILD_PATIENTS others the drafts, one at a time each.
    assert len(written) == 1 + BUILD_PATIENTS
    assert not written & read
    build = next(e for e in plan.endpoints if e.name == "program build (POST)")
    assert build.path == build.paths[0]


@pytest.mark.django_db
def test_readers_skip_patients_a_previous_run_piled_programs_on():
    seed_load(scale=0.002)
    first = build_plan()
    reader = Patient.objects.get(user__email=first.actors["patient8"]["email"])
    program = Program.objects.filter(patient=reader).get()
    # As if an earlier run had built a second version for this reader.
    Program.objects.create(
        clinic=program.clinic, patient=reader, screen=program.screen, version=program.version + 1
    )
    again = build_plan()
    assert again.actors["patient8"]["email"] != first.actors["patient8"]["email"]
