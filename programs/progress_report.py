"""The one-page progress report a patient shares with a referring doctor (issue 21): screens
compared, questionnaire trends, adherence, running load and the current program.

It only gathers what the other read sides already work out (screen comparison, questionnaire
trends with their MCID, the worklist's adherence, the weekly running load), so the report and the
pages never disagree. A fixed number of queries whatever the patient's history. Rendering reuses
the program printout's PDF machinery (programs.printout).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessments import questionnaires
from assessments.models import Screen
from assessments.selectors import (
    ComparedValue,
    compare_first_and_latest,
    first_and_latest_screens,
)
from clinic import units as conversions
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
# Their names in the reader's language (assessments.schema keeps the clinician's English).
REPORT_LABELS = {
    "knee_to_wall_cm": _("Knee-to-wall (weight-bearing lunge)"),
    "heel_raise_reps": _("Single-leg heel raise"),
    "balance_eyes_open_s": _("Single-leg balance, eyes open"),
    "balance_eyes_closed_s": _("Single-leg balance, eyes closed"),
}
INCHES = pgettext_lazy("unit symbol", "in")
# The measures' unit words in the reader's language (symbols such as "s" and "cm" stay).
UNIT_WORDS = {"reps": pgettext_lazy("unit", "reps")}
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


def _for_reader(row: ComparedValue, units: str) -> ComparedValue:
    """A compared screen value named in the reader's language, a length in their units."""
    row = replace(
        row,
        label=REPORT_LABELS.get(row.measure, row.label),
        unit=UNIT_WORDS.get(row.unit, row.unit),
    )
    if row.unit != "cm" or conversions.length_label(units) == "cm":
        return row

    def inches(cm):
        return None if cm is None else conversions.cm_for_display(float(cm), units)

    change = row.change
    if change is not None:
        change = replace(change, delta=inches(change.delta))
    return replace(
        row, unit=INCHES, first=inches(row.first), latest=inches(row.latest), change=change
    )


def progress_report(
    *, patient: Patient, today: date, language: str = "en", units: str = ""
) -> ProgressReport:
    """Everything the report shows of `patient` on `today`, the drills' and measures' words in
    `language`, lengths in `units` (clinic.units; "" is metric). At most eleven queries;
    callers pass a patient the user may see (scoped before), with its clinic loaded."""
    first, latest = first_and_latest_screens(patient=patient)
    screens = [
        _for_reader(row, units)
        for row in (compare_first_and_latest(first, latest, REPORT_MEASURES) if first else [])
    ]
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
