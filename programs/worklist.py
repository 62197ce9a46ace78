"""Read side of progression for clinicians and patients: the worklist and the progress charts.

A fixed number of queries whatever the number of patients, items and logs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Avg, Prefetch
from django.utils.translation import gettext_lazy as _

from clinic.access import CLINICAL_ROLES, scope
from clinic.models import Patient

from . import adherence
from .evaluation import AUTOMATIC_ACTIONS, program_adherence
from .models import (
    ChangeSource,
    Program,
    ProgramChange,
    ProgramItem,
    ProgramStatus,
    SessionItemLog,
    SessionLog,
)

WINDOW_WEEKS = 6
FLAG_LABELS = {
    "red_flag": _("Red flag"),
    "t_stop": "T-STOP",
    "no_progress": _("No progress"),
    "low_adherence": _("Low adherence"),
    "load_spike": _("Running spike"),
    "modifier_hold": _("Step not allowed"),
}


@dataclass
class PendingChange:
    change: ProgramChange
    item: ProgramItem | None  # the drill in the current version (None if it was removed)


@dataclass
class WorklistRow:
    program: Program
    adherence_2w: float | None
    adherence_6w: float | None
    pain: adherence.PainTrend
    last_session: date | None
    session_days: set[date] = field(default_factory=set)  # logged days of the window
    flags: list[tuple[str, str]] = field(default_factory=list)  # (code, what to look at)
    pending: list[PendingChange] = field(default_factory=list)  # automatic changes to review
    paused_items: list[ProgramItem] = field(default_factory=list)

    @property
    def patient(self):
        return self.program.patient

    @property
    def urgency(self) -> tuple:
        codes = {code for code, _ in self.flags}
        return (
            "red_flag" not in codes,
            "t_stop" not in codes,
            not self.pending,
            not codes,
            self.patient.last_name,
            self.patient.first_name,
        )


def worklist(
    *, user, today: date, only_flagged: bool = False, patient: Patient | None = None
) -> list[WorklistRow]:
    """Every patient of the clinic with a current program (or only `patient`, for their
    chart): adherence over 2 and 6 weeks, pain trend, flags (red flag, T-STOP, no progress,
    low adherence) and automatic changes waiting for review. Patients who need the clinician
    come first. Five queries."""
    programs = scope(Program.objects.all(), user, roles=CLINICAL_ROLES)
    if patient is not None:
        programs = programs.filter(patient=patient)
    programs = list(
        programs.filter(status__in=[ProgramStatus.PUBLISHED, ProgramStatus.PAUSED])
        .select_related("patient", "clinic")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=ProgramItem.objects.select_related("drill").order_by("order", "id"),
            )
        )
    )
    patient_ids = [p.patient_id for p in programs]
    since = today - timedelta(weeks=WINDOW_WEEKS)
    logged: dict[int, set[date]] = defaultdict(set)
    for patient_id, day in SessionLog.objects.filter(
        patient_id__in=patient_ids, date__gte=since
    ).values_list("patient_id", "date"):
        logged[patient_id].add(day)
    pains: dict[int, list[tuple[date, float]]] = defaultdict(list)
    for row in (
        SessionItemLog.objects.filter(
            session__patient_id__in=patient_ids, session__date__gte=today - timedelta(days=14)
        )
        .values("session__patient_id", "session__date")
        .annotate(pain=Avg("pain_during"))
    ):
        pains[row["session__patient_id"]].append((row["session__date"], row["pain"]))
    pending: dict[int, list[ProgramChange]] = defaultdict(list)
    for change in ProgramChange.objects.filter(
        program__patient_id__in=patient_ids,
        source=ChangeSource.PROGRESSION,
        action__in=AUTOMATIC_ACTIONS,
        review="",
    ).select_related("program"):
        pending[change.program.patient_id].append(change)

    rows = []
    for program in programs:
        items = list(program.items.all())
        by_lineage = {str(item.lineage): item for item in items}
        days = logged.get(program.patient_id, set())
        row = WorklistRow(
            program=program,
            adherence_2w=program_adherence(program, items, days, today, 2),
            adherence_6w=program_adherence(program, items, days, today, 6),
            pain=adherence.pain_trend(pains.get(program.patient_id, ()), today=today),
            last_session=max(days) if days else None,
            session_days=days,
            pending=[
                PendingChange(change, by_lineage.get(change.detail.get("lineage")))
                for change in pending.get(program.patient_id, [])
            ],
            paused_items=[item for item in items if item.paused],
        )
        row.flags = _flags(program, row)
        if not only_flagged or row.flags or row.pending:
            rows.append(row)
    rows.sort(key=lambda r: r.urgency)
    return rows


def _flags(program: Program, row: WorklistRow) -> list[tuple[str, str]]:
    flags: list[tuple[str, str]] = []
    for flag in program.flags or ():
        if flag.get("kind") == "red_flag" and not flag.get("resolved"):
            flags.append(("red_flag", f"{flag.get('code', 'RF')}: {flag.get('message', '')}"))
    for item in row.paused_items:
        flags.append(
            ("t_stop", item.pause_reason or _("%(drill)s is paused.") % {"drill": item.drill.name})
        )
    for flag in program.flags or ():
        if flag.get("source") == "progression" and flag.get("code") in (
            "modifier_hold",
            "no_progress",
            "low_adherence",
            "baseline_missing",  # docs/clinical-rules.md §7: hold and ask
        ):
            flags.append((flag["code"], flag.get("message", "")))
    return flags
