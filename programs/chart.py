"""Read side of programs for the staff patient chart: the current program, sessions done
against the plan week by week, recent check-ins and what waits for the clinician.

It reuses the worklist's row for the patient (adherence, pain trend, flags, automatic changes to
review), so the chart and the worklist never disagree. A fixed number of queries whatever the
patient's history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from clinic.access import CLINICAL_ROLES, scope
from clinic.models import Patient

from . import adherence
from .evaluation import drill_weekdays, started_on
from .models import CheckIn, Program, ProgramStatus
from .worklist import FLAG_LABELS, WINDOW_WEEKS, WorklistRow, worklist

RECENT_CHECKINS = 5


@dataclass
class ProgramChart:
    """What the chart shows of the patient's home program."""

    current: Program | None  # the version in force (published or paused)
    latest: Program | None  # the newest version of any status (a draft waiting, say)
    row: WorklistRow | None  # the worklist's row of the current program
    weeks: list[adherence.WeekSessions] = field(default_factory=list)  # newest first
    checkins: list[CheckIn] = field(default_factory=list)  # newest first

    @property
    def draft(self) -> Program | None:
        """A draft newer than the version in force, still to be published."""
        latest = self.latest
        if latest is None or latest.status != ProgramStatus.DRAFT:
            return None
        if self.current is not None and latest.version < self.current.version:
            return None
        return latest

    @property
    def flags(self) -> list[tuple[str, str, str]]:
        """(code, label, what to look at) of each open flag."""
        if self.row is None:
            return []
        return [(code, FLAG_LABELS.get(code, code), text) for code, text in self.row.flags]


def patient_program_chart(
    *, user, patient: Patient, today: date, weeks: int = WINDOW_WEEKS
) -> ProgramChart:
    """The patient's program as a clinician or clinic admin `user` may read it; nothing for
    other roles. Seven queries at most."""
    rows = worklist(user=user, today=today, patient=patient)
    row = rows[0] if rows else None
    programs = scope(Program.objects.all(), user, roles=CLINICAL_ROLES).filter(patient=patient)
    latest = programs.order_by("-version").first()
    checkins = list(
        scope(CheckIn.objects.all(), user, roles=CLINICAL_ROLES)
        .filter(patient=patient)
        .order_by("-date", "-id")[:RECENT_CHECKINS]
    )
    chart = ProgramChart(
        current=row.program if row else None, latest=latest, row=row, checkins=checkins
    )
    if row is not None:
        items = list(row.program.items.all())  # prefetched by the worklist
        chart.weeks = adherence.weekly_sessions(
            drill_weekdays(items),
            row.session_days,
            started_on=started_on(row.program),
            today=today,
            weeks=min(weeks, WINDOW_WEEKS),  # the worklist reads that many weeks of logs
        )
    return chart
