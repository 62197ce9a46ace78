"""Read side of the patient's own page: today's drills, the week, progress charts, whether the
morning check-in is due. A fixed number of queries whatever the history."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Avg

from . import adherence, selectors
from .evaluation import AUTOMATIC_ACTIONS, morning_questions, needs_own_pain
from .models import (
    CheckIn,
    Program,
    ProgramChange,
    ProgramStatus,
    SessionItemLog,
)
from .progression_rules import SORENESS_GAP_DAYS
from .red_flags import RED_FLAGS

# How many of the latest program changes the patient's page lists.
CHANGES_SHOWN = 3


@dataclass
class PatientProgress:
    """What the patient's progress charts show."""

    weeks: list[tuple[date, int]]  # (Monday, sessions done)
    planned_per_week: int
    pain: list[tuple[date, float]]  # (day, mean pain during)
    changes: list[dict]  # the latest dose changes ("reason", "created_at"), newest first
    session_days: set[date] = field(default_factory=set)
    last_checkin: date | None = None
    last_checkin_sore: bool = False  # the latest check-in said "still sore"


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
        )
        .order_by("-created_at", "-id")
        .values("reason", "created_at")[:CHANGES_SHOWN]
    )
    last_checkin, last_sore = (
        CheckIn.objects.filter(patient_id=program.patient_id)
        .order_by("-date", "-id")
        .values_list("date", "still_sore")
        .first()
    ) or (None, None)
    plan = selectors.week_plan(program.items.all())
    return PatientProgress(
        weeks=adherence.sessions_per_week(days, today=today, weeks=weeks),
        planned_per_week=sum(1 for ids in plan if ids),
        pain=pain,
        changes=changes,
        session_days=days,
        last_checkin=last_checkin,
        last_checkin_sore=bool(last_sore),
    )


# While the patient answers "still sore", the check-in comes back each morning for this long
# after the session, so soreness is counted in days (docs/clinical-rules.md §7).
SORE_FOLLOW_UP_DAYS = 7


def checkin_due(*, program: Program, progress: PatientProgress, today: date) -> date | None:
    """The session day the patient should check in about this morning: the latest session
    before today, if it was at most two days ago and no check-in came after it; or, while the
    latest check-in said "still sore", every morning up to `SORE_FOLLOW_UP_DAYS` after it."""
    if program.status != ProgramStatus.PUBLISHED:
        return None
    earlier = [day for day in progress.session_days if day < today]
    if not earlier:
        return None
    last = max(earlier)
    answered = progress.last_checkin
    if answered is not None and answered > last:
        sore_again = (
            progress.last_checkin_sore
            and answered < today
            and (today - answered).days <= SORENESS_GAP_DAYS
            and (today - last).days <= SORE_FOLLOW_UP_DAYS
        )
        return last if sore_again else None
    if (today - last).days > 2:
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


def patient_home(user, today: date) -> dict:
    """What the patient home page shows of the program: the program, today's drills, the week."""
    program = selectors.current_program_for(user)
    if program is None:
        return {"program": None, "today_items": [], "week": []}
    items = list(program.items.all())
    plan = selectors.week_plan(items)
    by_pk = {item.pk: item for item in items}
    names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    week = [
        {"name": name, "count": len(plan[n]), "is_today": n == today.weekday()}
        for n, name in enumerate(names)
    ]
    progress = patient_progress(program=program, today=today)
    # A program paused by a red flag hides its drills (docs/clinical-rules.md §8).
    pause = selectors.program_pause(program)
    # A drill the engine paused (T-STOP) waits for the clinician; it is listed apart.
    today_items = (
        [] if pause else [by_pk[pk] for pk in plan[today.weekday()] if not by_pk[pk].paused]
    )
    own_pain = {item.pk for item in today_items if needs_own_pain(item)}
    return {
        "program": program,
        "pause": pause,
        "today_items": today_items,
        "paused_items": [item for item in items if item.paused],
        "week": week,
        "red_flag_questions": [(flag.answer, flag.question) for flag in RED_FLAGS],
        "progress": progress,
        "progress_chart_json": json.dumps(progress_chart(progress)),
        "yesterday": today - timedelta(days=1),
        "checkin_for": checkin_due(program=program, progress=progress, today=today),
        # docs/clinical-rules.md §7: first-step pain (M-PHP), stiffness (M-AT-*), and the
        # drills whose pain is asked on their own.
        "checkin_asks": morning_questions(program),
        "own_pain_items": own_pain,
        "shared_pain": len(own_pain) < len(today_items),  # other drills share one score
        "difficulty_choices": DIFFICULTY_CHOICES,
    }


# The log form's one-tap difficulty answers and the 0-10 value each stands for.
DIFFICULTY_CHOICES = (("Easy", 3), ("OK", 5), ("Hard", 7), ("Too hard", 9))
