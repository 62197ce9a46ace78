"""Every day the progression rules count is a date on the patient's calendar
(docs/clinical-rules.md §1), also when a clinician acts while the clinic is on another date.

The clinic is in New York; the patient lives in Honolulu, five hours behind in December, so
for five hours of each night the clinic is on tomorrow while the patient is still on today.
"""

from datetime import UTC, date, datetime

import pytest

from programs import evaluation, review, run_services
from programs.models import Program, ProgramStatus, SelfTest
from programs.services import program_publish
from tests.programs.test_me_api import make_program
from tests.programs.test_progression_service import current, one_drill_program

pytestmark = pytest.mark.django_db

# 01:30 on Wednesday 9 December in New York, 20:30 on Tuesday the 8th in Honolulu.
CLINIC_PAST_MIDNIGHT = datetime(2026, 12, 9, 6, 30, tzinfo=UTC)
# 20:00 on Wednesday 9 December in Honolulu (01:00 on the 10th in New York).
NEXT_EVENING = datetime(2026, 12, 10, 6, 0, tzinfo=UTC)
PATIENT_TUESDAY, PATIENT_WEDNESDAY = date(2026, 12, 8), date(2026, 12, 9)


@pytest.fixture
def home(world, time_machine):
    time_machine.move_to(CLINIC_PAST_MIDNIGHT, tick=False)
    world.home.patient_a.time_zone = "Pacific/Honolulu"
    world.home.patient_a.save()
    assert world.home.clinic.today() == PATIENT_WEDNESDAY
    assert world.home.patient_a.today() == PATIENT_TUESDAY
    return world.home


def post_log(api, program: Program, day: date, pain: int):
    item = program.items.get()
    body = {
        "date": day.isoformat(),
        "items": [
            {"program_item": item.pk, "completed_sets": item.sets, "pain_during": pain}
            | {"difficulty": 5}
        ],
    }
    response = api.post("/api/v1/me/sessions/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def paused_by_red_flag(api, home) -> Program:
    one_drill_program(home)
    post_log(api, current(home), PATIENT_TUESDAY, pain=1)
    body = {
        "date": PATIENT_TUESDAY.isoformat(),
        "pain_next_morning": 1,
        "soreness_hours": 12,
        "red_flags": ["calf_swelling"],
    }
    response = api.post("/api/v1/me/checkins/", body, format="json")
    assert response.status_code == 201, response.content
    program = current(home)
    assert program.status == ProgramStatus.PAUSED
    return program


def test_a_painful_log_after_a_resume_is_read_on_the_patients_next_day(api, home, time_machine):
    api.force_login(home.patient_a.user)
    program = paused_by_red_flag(api, home)
    resumed = review.program_resume(
        user=home.clinician, program=program, note="Seen tonight; no DVT signs, scan clear."
    )
    # Cleared up to the patient's Tuesday, not the clinic's Wednesday.
    assert resumed.items.get().cleared_on == PATIENT_TUESDAY
    time_machine.move_to(NEXT_EVENING, tick=False)
    body = post_log(api, current(home), PATIENT_WEDNESDAY, pain=8)
    # T-STOP reads it: on the clinic's date the resume had cleared this day too.
    assert [c["action"] for c in body["changes"]] == ["drill_paused"]
    assert current(home).items.get().paused


def test_a_program_published_at_night_starts_on_the_patients_day(home):
    draft = make_program(home, items=2, status=ProgramStatus.DRAFT)
    published = program_publish(user=home.clinician, program=draft)
    assert published.started_on == PATIENT_TUESDAY


def test_a_clinicians_new_dose_starts_on_the_patients_day(api, home):
    program = one_drill_program(home)
    item = program.items.get()
    new = review.item_override(
        user=home.clinician, program=program, item=item, dose={"sets": 2, "reps": 8}
    )
    changed = new.items.get()
    assert (changed.dose_since, changed.cleared_on) == (PATIENT_TUESDAY, PATIENT_TUESDAY)


def test_the_engine_counts_on_the_patients_day(api, home):
    api.force_login(home.patient_a.user)
    one_drill_program(home)
    post_log(api, current(home), PATIENT_TUESDAY, pain=8)
    paused = current(home).items.get()
    assert paused.paused and paused.dose_since == PATIENT_TUESDAY
    assert evaluation.program_evaluate(program=current(home)).changes == []


def test_a_self_test_of_the_patients_today_is_not_in_the_future(world, time_machine):
    # 20:00 on 8 December in New York is already 9 December in Lisbon (UTC in December).
    time_machine.move_to(datetime(2026, 12, 9, 1, 0, tzinfo=UTC), tick=False)
    patient = world.home.patient_a
    patient.time_zone = "Europe/Lisbon"
    patient.save()
    assert patient.clinic.today() == PATIENT_TUESDAY
    run_services.self_test_record(
        patient=patient, test="heel_raise_reps", left=20, right=22, day=PATIENT_WEDNESDAY
    )
    assert SelfTest.objects.get(patient=patient).date == PATIENT_WEDNESDAY
