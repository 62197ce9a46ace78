"""Celery tasks of programs: thin wrappers around the progression service and the daily
plans of program reminders and re-screen notes."""

import logging

from celery import shared_task

from . import evaluation, reminders
from .models import Program, ProgramStatus

logger = logging.getLogger(__name__)


@shared_task
def evaluate_programs() -> dict[str, int]:
    """Run the engine on every published program; one program's failure does not stop the
    others (it is logged with the program id only, never patient data)."""
    counts = {"evaluated": 0, "changed": 0, "failed": 0}
    ids = Program.objects.filter(status=ProgramStatus.PUBLISHED).values_list("pk", flat=True)
    for program in Program.objects.filter(pk__in=list(ids)).select_related("clinic"):
        try:
            result = evaluation.program_evaluate(program=program)
        except Exception:
            counts["failed"] += 1
            logger.exception("Progression failed for program %s", program.pk)
            continue
        counts["evaluated"] += 1
        counts["changed"] += bool(result.changes)
    return counts


@shared_task
def program_reminders_roll() -> dict[str, int]:
    """Daily: keep a week of home-program reminders ahead of every published program."""
    return reminders.program_reminders_roll()


@shared_task
def rescreen_due_check() -> dict[str, int]:
    """Daily: ask patients whose last screen is due for a repeat to book one."""
    return reminders.rescreen_due_check()


@shared_task
def questionnaires_due_check() -> dict[str, int]:
    """Daily: ask the questionnaires again every 4 weeks while a program is published."""
    return reminders.questionnaires_due_check()


@shared_task
def self_tests_due_check() -> dict[str, int]:
    """Daily: ask for home self-tests every two weeks while a program is published."""
    return reminders.self_tests_due_check()
