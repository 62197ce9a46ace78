"""Demo data for programs: the demo patient gets a published program from their latest screen,
with a fortnight of logged sessions and check-ins, so the progress charts, the engine's changes
and the clinician's worklist have something to show."""

from datetime import timedelta

from django.db import transaction

from . import progression, services
from .models import CheckIn, Program, ProgramStatus, SessionItemLog, SessionLog
from .selectors import week_plan

DEMO_HISTORY_DAYS = 15


@transaction.atomic
def seed_program(clinics: dict) -> Program | None:
    """Idempotent: does nothing when the demo patient already has a published program."""
    demo = clinics["demo"]
    patient = demo.demo_patient
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
    seed_history(program)
    return progression.program_evaluate(program=program).program


def seed_history(program: Program) -> None:
    """Pretend the program started two weeks ago and the patient logged most drill days with
    little pain, answering the morning check-in after each."""
    today = program.clinic.today()
    start = today - timedelta(days=DEMO_HISTORY_DAYS)
    Program.objects.filter(pk=program.pk).update(started_on=start)
    program.items.update(dose_since=start)
    items = list(program.items.select_related("drill"))
    plan = week_plan(items)
    by_pk = {item.pk: item for item in items}
    for n in range(1, DEMO_HISTORY_DAYS):
        day = start + timedelta(days=n)
        planned = [by_pk[pk] for pk in plan[day.weekday()]]
        if not planned or n % 5 == 0:  # a missed day now and then
            continue
        session = SessionLog.objects.create(patient=program.patient, program=program, date=day)
        SessionItemLog.objects.bulk_create(
            SessionItemLog(
                session=session,
                program_item=item,
                completed_sets=item.sets,
                pain_during=(n + item.order) % 3,
                difficulty=5,
            )
            for item in planned
        )
        if day + timedelta(days=1) < today:
            CheckIn.objects.create(
                patient=program.patient,
                program=program,
                date=day + timedelta(days=1),
                pain_next_morning=1,
                soreness_hours=6,
            )
