"""The one-page progress report a patient shares with a referring doctor (issue 21): screens
compared, questionnaire trends, adherence, running load and the current program.

It only gathers what the other read sides already work out (screen comparison, questionnaire
trends with their MCID, the worklist's adherence, the weekly running load), so the report and the
pages never disagree. A fixed number of queries whatever the patient's history. Rendering reuses
the program printout's PDF machinery (programs.printout).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch

from assessments import questionnaires
from assessments.models import Screen
from assessments.selectors import (
    ComparedValue,
    compare_first_and_latest,
    first_and_latest_screens,
)
from clinic.models import Patient

from . import run_selectors, selectors
from .evaluation import program_adherence
from .models import Program, ProgramItem, ProgramStatus, SelfTest, SessionLog

# What the report compares of the screens: the measures a runner's rehab moves most.
REPORT_MEASURES = (
    "knee_to_wall_cm",
    "heel_raise_reps",
    "balance_eyes_open_s",
    "balance_eyes_closed_s",
)
ADHERENCE_WEEKS = (2, 6)
LOAD_WEEKS = 6


@dataclass
class ProgressReport:
    patient: Patient
    today: date
    first_screen: Screen | None
    latest_screen: Screen | None
    screens: list[ComparedValue]
    questionnaire_trends: list[questionnaires.InstrumentTrend]
    program: Program | None
    items: list[ProgramItem] = field(default_factory=list)
    adherence_2w: float | None = None
    adherence_6w: float | None = None
    sessions_6w: int = 0
    load: run_selectors.RunningLoad | None = None
    self_tests: list[SelfTest] = field(default_factory=list)

    @property
    def clinic(self):
        return self.patient.clinic


def _current_program(patient: Patient) -> Program | None:
    """The version in force (published or paused) with its items and drills: two queries."""
    items = ProgramItem.objects.select_related("drill").order_by("order", "id")
    return (
        Program.objects.filter(
            patient_id=patient.pk,
            clinic_id=patient.clinic_id,
            status__in=[ProgramStatus.PUBLISHED, ProgramStatus.PAUSED],
        )
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("-version")
        .first()
    )


def progress_report(*, patient: Patient, today: date, language: str = "en") -> ProgressReport:
    """Everything the report shows of `patient` on `today`, the drills' words in `language`.
    At most eleven queries; callers pass a patient the user may see (scoped before), with its
    clinic loaded."""
    first, latest = first_and_latest_screens(patient=patient)
    screens = compare_first_and_latest(first, latest, REPORT_MEASURES) if first else []
    program = _current_program(patient)
    if program is not None:
        program.clinic = patient.clinic  # its start date is counted in the clinic's zone
        selectors.read_in(program, language)
    report = ProgressReport(
        patient=patient,
        today=today,
        first_screen=first,
        latest_screen=latest,
        screens=screens,
        questionnaire_trends=questionnaires.patient_trends(patient),
        program=program,
        load=run_selectors.running_load(patient=patient, today=today, weeks=LOAD_WEEKS),
        self_tests=run_selectors.latest_self_tests(patient=patient, limit=4),
    )
    if program is not None:
        report.items = [item for item in program.items.all() if not item.paused]
        since = today - timedelta(weeks=max(ADHERENCE_WEEKS))
        logged = set(
            SessionLog.objects.filter(
                patient_id=patient.pk, date__gt=since, date__lte=today
            ).values_list("date", flat=True)
        )
        all_items = list(program.items.all())
        report.adherence_2w = program_adherence(program, all_items, logged, today, 2)
        report.adherence_6w = program_adherence(program, all_items, logged, today, 6)
        report.sessions_6w = len(logged)
    return report


def pdf_filename(report: ProgressReport) -> str:
    return f"groundwork-progress-{report.today.isoformat()}.pdf"
