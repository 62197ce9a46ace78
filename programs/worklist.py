"""Read side of progression for clinicians and patients: the worklist and the progress charts.

A fixed number of queries whatever the number of patients, items and logs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Avg, Prefetch

from clinic.access import CLINICAL_ROLES, scope

from . import adherence
from .evaluation import AUTOMATIC_ACTIONS, program_adherence
from .models import (
    ChangeSource,
    CheckIn,
    Program,
    ProgramChange,
    ProgramItem,
    ProgramStatus,
    SessionItemLog,
    SessionLog,
)
from .selectors import week_plan

WINDOW_WEEKS = 6
FLAG_LABELS = {
    "red_flag": "Red flag",
    "t_stop": "T-STOP",
    "no_progress": "No progress",
    "low_adherence": "Low adherence",
    "load_spike": "Running spike",
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


def worklist(*, user, today: date, only_flagged: bool = False) -> list[WorklistRow]:
    """Every patient of the clinic with a current program: adherence over 2 and 6 weeks, pain
    trend, flags (red flag, T-STOP, no progress, low adherence) and automatic changes waiting
    for review. Patients who need the clinician come first. Five queries."""
    programs = list(
        scope(Program.objects.all(), user, roles=CLINICAL_ROLES)
        .filter(status__in=[ProgramStatus.PUBLISHED, ProgramStatus.PAUSED])
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
        flags.append(("t_stop", item.pause_reason or f"{item.drill.name} is paused."))
    for flag in program.flags or ():
        if flag.get("source") == "progression" and flag.get("code") in (
            "no_progress",
            "low_adherence",
        ):
            flags.append((flag["code"], flag.get("message", "")))
    return flags


@dataclass
class PatientProgress:
    """What the patient's progress charts show."""

    weeks: list[tuple[date, int]]  # (Monday, sessions done)
    planned_per_week: int
    pain: list[tuple[date, float]]  # (day, mean pain during)
    changes: list[ProgramChange]  # the latest dose changes, newest first
    session_days: set[date] = field(default_factory=set)
    last_checkin: date | None = None


def patient_progress(*, program: Program, today: date, weeks: int = 8) -> PatientProgress:
    """Sessions per week and pain over time for the patient's own charts. Three queries."""
    since = today - timedelta(weeks=weeks)
    # Every logged session has items, so the days with pain are the session days.
    pain = [
        (row["session__date"], round(row["pain"], 1))
        for row in SessionItemLog.objects.filter(
            session__patient_id=program.patient_id, session__date__gte=since
        )
        .values("session__date")
        .annotate(pain=Avg("pain_during"))
        .order_by("session__date")
    ]
    days = {day for day, _ in pain}
    changes = list(
        ProgramChange.objects.filter(
            program__patient_id=program.patient_id,
            action__in=[*AUTOMATIC_ACTIONS, "undone", "overridden"],
            created_at__date__gte=since,
        ).order_by("-created_at", "-id")[:5]
    )
    last_checkin = (
        CheckIn.objects.filter(patient_id=program.patient_id)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    plan = week_plan(program.items.all())
    return PatientProgress(
        weeks=adherence.sessions_per_week(days, today=today, weeks=weeks),
        planned_per_week=sum(1 for ids in plan if ids),
        pain=pain,
        changes=changes,
        session_days=days,
        last_checkin=last_checkin,
    )


def checkin_due(*, program: Program, progress: PatientProgress, today: date) -> date | None:
    """The session day the patient should check in about this morning: the latest session
    before today, if it was at most two days ago and no check-in came after it."""
    if program.status != ProgramStatus.PUBLISHED:
        return None
    earlier = [day for day in progress.session_days if day < today]
    if not earlier:
        return None
    last = max(earlier)
    if (today - last).days > 2:
        return None
    if progress.last_checkin is not None and progress.last_checkin > last:
        return None
    return last


def progress_chart(progress: PatientProgress) -> dict:
    """The data of the two charts (sessions per week, pain over time) for the page script."""
    return {
        "weeks": [f"{monday.day} {monday:%b}" for monday, _ in progress.weeks],
        "sessions": [count for _, count in progress.weeks],
        "planned": progress.planned_per_week,
        "pain_days": [f"{day.day} {day:%b}" for day, _ in progress.pain],
        "pain": [value for _, value in progress.pain],
    }
