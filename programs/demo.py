"""Demo data for programs: the demo patient gets a published program from their latest screen."""

from django.db import transaction

from . import services
from .models import Program, ProgramStatus


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
    return services.program_publish(user=clinician, program=draft)
