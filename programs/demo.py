"""Demo data for programs: the demo patient gets a published program from their latest screen,
with a fortnight of logged sessions and check-ins, so the progress charts, the engine's changes
and the clinician's worklist have something to show."""

import hashlib
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction

from . import evaluation, services
from .demo_media import seed_drill_media
from .models import CheckIn, Program, ProgramStatus, Run, SelfTest, SessionItemLog, SessionLog
from .selectors import week_plan

DEMO_HISTORY_DAYS = 15
# The demo patient (index in clinic.demo's list) with insertional Achilles pain on the left
# (assessments.demo): their program shows a step the modifier forbids, held and flagged.
MODIFIER_DEMO_PATIENT = 4


@transaction.atomic
def seed_program(clinics: dict) -> Program | None:
    """Idempotent: does nothing when the demo patient already has a published program."""
    demo = clinics["demo"]
    # The seed drills show the diagrams Groundwork draws itself (programs.demo_media).
    seed_drill_media(clinic=demo.clinic, admin=demo.staff["admin"])
    seed_modifier_program(clinics)
    patient = demo.demo_patient
    seed_running(patient)
    current = Program.objects.filter(patient=patient, status=ProgramStatus.PUBLISHED).first()
    if current is not None:
        return current
    screen = patient.screens.select_related("patient").order_by("-performed_on", "-pk").first()
    if screen is None:
        return None  # the assessments demo has not made a screen
    clinician = demo.staff["clinician"]
    draft = services.program_build_from_screen(user=clinician, screen=screen)
    if not draft.items.exists():
        return draft  # a red flag: leave the draft for the clinician to review
    program = services.program_publish(user=clinician, program=draft)
    return seed_history(program)


@transaction.atomic
def seed_modifier_program(clinics: dict) -> Program | None:
    """A patient with an active modifier (M-AT-INS) whose program has progressed safely: the
    heel-elevated squat rock has reached the top of its rung, and the next rung (kneeling
    dorsiflexion, loaded end range) is one the modifier forbids, so the engine holds it and
    flags the clinician "next level ... not allowed under M-AT-INS" (docs/clinical-rules.md
    §6, §7) while the other drills step up. Idempotent."""
    demo = clinics["demo"]
    patient = demo.patients[MODIFIER_DEMO_PATIENT]
    current = Program.objects.filter(patient=patient).order_by("-version").first()
    if current is not None:
        return current
    screen = patient.screens.order_by("-performed_on", "-pk").first()
    if screen is None:
        return None
    clinician = demo.staff["clinician"]
    draft = services.program_build_from_screen(user=clinician, screen=screen)
    if not draft.items.exists():
        return draft
    program = services.program_publish(user=clinician, program=draft)
    # Weeks of easy sessions have taken the squat rock to the top of its rung (3 x 10).
    program.items.filter(drill__slug="heel_elev_squat_rock", ladder="L-DF").update(sets=3, reps=10)
    return seed_history(program)


def seed_history(program: Program) -> Program:
    """Pretend the program started two weeks ago and the patient logged most drill days with
    little pain, answering the morning check-in after each. The engine acts on yesterday
    morning's check-in; yesterday's session then waits for this morning's, as the patient's
    page asks. (Acting after yesterday's session would find every drill it logged still
    waiting for a check-in: on a Tuesday, after the Monday that has every drill, nothing
    would have changed.)"""
    today = program.clinic.today()
    start = today - timedelta(days=DEMO_HISTORY_DAYS)
    Program.objects.filter(pk=program.pk).update(started_on=start)
    program.items.update(dose_since=start)
    for n in range(1, DEMO_HISTORY_DAYS - 1):
        if n % 5:  # a missed day now and then
            _log_session(program, start + timedelta(days=n), number=n, checked_in=True)
    program = evaluation.program_evaluate(program=program).program
    _log_session(program, today - timedelta(days=1), number=DEMO_HISTORY_DAYS - 1)
    return program


def _log_session(program: Program, day: date, *, number: int, checked_in=False) -> None:
    """The day's planned drills done in full with little pain (varied by the day's number in
    the history), and when `checked_in` the next morning's check-in."""
    items = list(program.items.select_related("drill"))
    by_pk = {item.pk: item for item in items}
    planned = [by_pk[pk] for pk in week_plan(items)[day.weekday()]]
    if not planned:
        return
    session = SessionLog.objects.create(patient=program.patient, program=program, date=day)
    SessionItemLog.objects.bulk_create(
        SessionItemLog(
            session=session,
            program_item=item,
            completed_sets=item.sets,
            pain_during=(number + item.order) % 3,
            difficulty=5,
        )
        for item in planned
    )
    if checked_in:
        asked = evaluation.morning_questions(program)  # docs/clinical-rules.md §7
        CheckIn.objects.create(
            patient=program.patient,
            program=program,
            date=day + timedelta(days=1),
            pain_next_morning=1,
            still_sore=False,
            first_step_pain=1 if "first_step_pain" in asked else None,
            morning_stiffness_min=10 if "morning_stiffness_min" in asked else None,
        )


# The demo patient's easy week: (weekday, km, minutes, steps a minute). The same every week, so
# the running-spike rule has nothing to say about it.
DEMO_RUN_WEEK = ((1, 6.0, 36, 164), (3, 6.5, 38, 166), (6, 10.0, 62, 162))


def seed_running(patient) -> None:
    """A few weeks of runs "from the watch" and two rounds of home self-tests, so the runs page
    and the chart have something to show. Idempotent."""
    if Run.objects.filter(patient=patient).exists():
        return
    tz = patient.clinic.tz
    today = patient.clinic.today()
    days = [today - timedelta(days=n) for n in range(1, 28)]
    runs = []
    for day in days:
        for weekday, km, minutes, cadence in DEMO_RUN_WEEK:
            if day.weekday() != weekday:
                continue
            runs.append(
                Run(
                    patient=patient,
                    clinic=patient.clinic,
                    date=day,
                    start_time=datetime.combine(day, time(7, 15), tzinfo=tz),
                    distance_m=round(km * 1000),
                    duration_s=minutes * 60,
                    cadence_spm=cadence,
                    elevation_gain_m=Decimal("24.0"),
                    source_format="fit",
                    sha256=hashlib.sha256(f"demo-run-{patient.pk}-{day}".encode()).hexdigest(),
                )
            )
    Run.objects.bulk_create(runs)
    SelfTest.objects.bulk_create(
        SelfTest(
            patient=patient,
            clinic=patient.clinic,
            date=today - timedelta(days=days_ago),
            test=test,
            left=Decimal(left),
            right=Decimal(right),
        )
        for days_ago, test, left, right in (
            (15, "knee_to_wall_cm", "7.0", "10.5"),
            (15, "balance_eyes_open_s", "22", "35"),
            (1, "knee_to_wall_cm", "8.0", "10.5"),
            (1, "balance_eyes_open_s", "28", "36"),
            (1, "heel_raise_reps", "14", "21"),
        )
    )
