"""Read side of the patient's own page: today's drills, what was logged today, the week,
progress charts, whether the morning check-in is due. A fixed number of queries whatever the
history. Every day and time here is the patient's own (Patient.tz)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Avg
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from . import adherence, patient_text, run_selectors, runs, selectors
from .evaluation import AUTOMATIC_ACTIONS, morning_questions, needs_own_pain
from .models import (
    CheckIn,
    Program,
    ProgramChange,
    ProgramItem,
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
    # The latest dose changes ("reason" in the reader's language, "created_at"), newest first.
    changes: list[dict]
    session_days: set[date] = field(default_factory=set)
    last_checkin: date | None = None
    last_checkin_sore: bool = False  # the latest check-in said "still sore"


def program_start(program: Program, tz) -> date | None:
    """The day the patient began the program: its start, else the day it was published."""
    if program.started_on is not None:
        return program.started_on
    if program.published_at is not None:
        return program.published_at.astimezone(tz).date()
    return None


def patient_progress(
    *, program: Program, today: date, weeks: int = 8, start: date | None = None
) -> PatientProgress:
    """Sessions per week and pain over time for the patient's own charts, from the week the
    program began (`start`): a new patient sees no weeks of zeros from before it. Three
    queries."""
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
    language = selectors.reader_language()
    changes = [
        {
            # In the reader's language (issue 22): another language than English worded from
            # the change's fields; the engine's English as stored.
            "reason": patient_text.change_words(
                row["action"], row["drill"], row["detail"], row["reason"], language
            ),
            "created_at": row["created_at"],
        }
        for row in ProgramChange.objects.filter(
            program__patient_id=program.patient_id,
            action__in=[*AUTOMATIC_ACTIONS, "undone", "overridden"],
            created_at__date__gte=since,
        )
        .order_by("-created_at", "-id")
        .values("reason", "created_at", "action", "drill", "detail")[:CHANGES_SHOWN]
    ]
    last_checkin, last_sore = (
        CheckIn.objects.filter(patient_id=program.patient_id)
        .order_by("-date", "-id")
        .values_list("date", "still_sore")
        .first()
    ) or (None, None)
    plan = selectors.week_plan(program.items.all())
    per_week = adherence.sessions_per_week(days, today=today, weeks=weeks)
    if start is not None:
        first_monday = start - timedelta(days=start.weekday())
        # The week of the first session counts too, should one predate the start.
        if days:
            first_monday = min(first_monday, min(days) - timedelta(days=min(days).weekday()))
        per_week = [(monday, count) for monday, count in per_week if monday >= first_monday]
    return PatientProgress(
        weeks=per_week,
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


# The morning check-in is asked from this local time on: a session logged late in the evening
# is not followed by "good morning" a few minutes after midnight.
MORNING_STARTS = time(5)


def checkin_day(now: datetime) -> date:
    """The day whose morning it is at the patient's local `now`: before MORNING_STARTS it is
    still the night of the day before."""
    day = now.date()
    return day if now.time() >= MORNING_STARTS else day - timedelta(days=1)


def checkin_due(*, program: Program, progress: PatientProgress, now: datetime) -> date | None:
    """The session day the patient should check in about this morning (`now` is the
    patient's local time): the latest session before this morning's day, if it was at most
    two days ago, no check-in came after it and no session has been logged this day yet; or,
    while the latest check-in said "still sore", every morning up to `SORE_FOLLOW_UP_DAYS`
    after it. Nothing is due before MORNING_STARTS."""
    if program.status != ProgramStatus.PUBLISHED:
        return None
    today = checkin_day(now)
    if today < now.date() or today in progress.session_days:
        # Still the night, or today's session is logged: the next question is tomorrow's.
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
    """The data of the two charts (sessions per week, pain over time) for the page script; the
    day labels in the reader's language ("7 Dec", "7 dic")."""
    day_month = pgettext("date format", "j M")
    return {
        "weeks": [date_format(monday, day_month) for monday, _count in progress.weeks],
        "sessions": [count for _monday, count in progress.weeks],
        "planned": progress.planned_per_week,
        "pain_days": [date_format(day, day_month) for day, _value in progress.pain],
        "pain": [value for _day, value in progress.pain],
    }


# "Mon" ... "Sun", translated by Django's own catalogue into the reader's language.
DAY_NAMES = tuple(WEEKDAYS_ABBR[n] for n in range(7))


def dose_words(item: ProgramItem) -> str:
    """ "3 × 12", "2 × 30 s" or "3 × 10, 5 s hold": the dose in the week's preview."""
    parts = [f"{item.sets} × {item.reps}" if item.reps else f"{item.sets} ×"]
    if item.hold_s:
        parts.append(
            gettext("%(seconds)s s hold") % {"seconds": item.hold_s}
            if item.reps
            else f"{item.hold_s} s"
        )
    return (", " if item.reps else " ").join(parts)


@dataclass
class TodayLog:
    """What the patient already logged today, to show in the log form (one query)."""

    updated_at: datetime
    by_item: dict[int, dict]  # program item id -> completed_sets, pain_during, difficulty
    shared_pain: int | None  # the pain the drills without their own score share, if one
    difficulty: int | None  # the one difficulty of every drill, if they share one
    details_differ: bool = False  # a drill was logged otherwise than the quick answers show


def today_log(*, patient_id: int, today: date, own_pain: set[int]) -> TodayLog | None:
    rows = list(
        SessionItemLog.objects.filter(session__patient_id=patient_id, session__date=today).values(
            "program_item_id", "completed_sets", "pain_during", "difficulty", "session__updated_at"
        )
    )
    if not rows:
        return None
    shared = [row["pain_during"] for row in rows if row["program_item_id"] not in own_pain]
    difficulties = {row["difficulty"] for row in rows}
    return TodayLog(
        updated_at=max(row["session__updated_at"] for row in rows),
        by_item={row["program_item_id"]: row for row in rows},
        # The most common score stands for the session; the others show as typed per drill.
        shared_pain=max(set(shared), key=shared.count) if shared else None,
        difficulty=difficulties.pop() if len(difficulties) == 1 else None,
    )


def patient_home(user, *, now: datetime) -> dict:
    """What the patient home page shows of the program, at the patient's local `now`: today's
    drills with what was logged of them today, the week with each day's drills, progress and
    the morning check-in."""
    today = now.date()
    program = selectors.current_program_for(user)
    if program is None:
        return {"program": None, "today_items": [], "week": []}
    # The cadence drill's card shows the patient's own cadence.
    recent = run_selectors.recent_cadence(patient_id=program.patient_id, today=today)
    cadence = {"spm": recent, "target": runs.cadence_target(recent)}
    items = list(program.items.all())
    plan = selectors.week_plan(items)
    by_pk = {item.pk: item for item in items}
    # A program paused by a red flag hides its drills (docs/clinical-rules.md §8).
    pause = selectors.program_pause(program)
    week = [
        {
            "name": name,
            "count": len(plan[n]),
            "is_today": n == today.weekday(),
            "drills": []
            if pause
            else [f"{by_pk[pk].how_to.name}: {dose_words(by_pk[pk])}" for pk in plan[n]],
        }
        for n, name in enumerate(DAY_NAMES)
    ]
    progress = patient_progress(
        program=program, today=today, start=program_start(program, now.tzinfo)
    )
    # A drill the engine paused (T-STOP) waits for the clinician; it is listed apart.
    today_items = (
        [] if pause else [by_pk[pk] for pk in plan[today.weekday()] if not by_pk[pk].paused]
    )
    own_pain = {item.pk for item in today_items if needs_own_pain(item)}
    logged = (
        today_log(patient_id=program.patient_id, today=today, own_pain=own_pain)
        if today_items
        and program.status == ProgramStatus.PUBLISHED
        and today in progress.session_days
        else None
    )
    for item in today_items:
        done = logged.by_item.get(item.pk) if logged else None
        item.logged = done
        # A drill's pain shows typed apart where it is its own or differs from the session's.
        own = done is not None and (
            item.pk in own_pain or done["pain_during"] != logged.shared_pain
        )
        item.logged_own_pain = done["pain_during"] if own else None
    if logged is not None:
        # Opened when a drill was logged otherwise than the quick answers show.
        logged.details_differ = any(
            item.logged is None
            or item.logged["completed_sets"] != item.sets
            or item.logged["difficulty"] != logged.difficulty
            or (item.pk not in own_pain and item.logged_own_pain is not None)
            for item in today_items
        )
    return {
        "program": program,
        "pause": pause,
        "today_items": today_items,
        "today_log": logged,
        "paused_items": [item for item in items if item.paused],
        "week": week,
        "red_flag_questions": [(flag.answer, gettext(flag.question)) for flag in RED_FLAGS],
        "progress": progress,
        "progress_chart_json": json.dumps(progress_chart(progress)),
        "yesterday": today - timedelta(days=1),
        "checkin_for": checkin_due(program=program, progress=progress, now=now),
        "morning": now.hour < 12,
        # docs/clinical-rules.md §7: first-step pain (M-PHP), stiffness (M-AT-*), and the
        # drills whose pain is asked on their own.
        "checkin_asks": morning_questions(program),
        "own_pain_items": own_pain,
        "shared_pain": len(own_pain) < len(today_items),  # other drills share one score
        "difficulty_choices": DIFFICULTY_CHOICES,
        "cadence": cadence,
    }


# The log form's one-tap difficulty answers and the 0-10 value each stands for.
DIFFICULTY_CHOICES = (
    (_("Easy"), 3),
    (pgettext_lazy("how hard a session felt", "OK"), 5),
    (_("Hard"), 7),
    (_("Too hard"), 9),
)


def page_texts() -> dict[str, str]:
    """What the page's scripts (static/js/patient_*.js) write into the page, in the reader's
    language; %(name)s marks a value the script fills in. Sent once with the page (json_script),
    so the scripts need no catalogue request of their own."""
    return {
        "failed": gettext("Something went wrong. Please try again."),
        "check_fields": gettext("Please check: %(fields)s."),
        "sending": gettext("Sending…"),
        "unreachable": gettext("Could not reach the clinic. Check your connection and try again."),
        "choose_pain": gettext("Please choose the pain during: %(drills)s."),
        "saved": gettext("Saved. You can change it again today."),
        "saving": gettext("Saving…"),
        "logged_at": gettext("Logged at %(time)s"),
        "change_again": gettext("— change and save again."),
        "offline": gettext(
            "You are offline: the log is kept on this phone and sent when the connection returns."
        ),
        "offline_sent": gettext("Your log of %(date)s made offline has been sent."),
        "offline_refused": gettext(
            "Your log of %(date)s made offline was not accepted; please log again."
        ),
        "on_hold": gettext("Your program is on hold. Please contact the clinic."),
        "checkin_sent": gettext("Thank you, your check-in was sent."),
        "tick_first": gettext(
            "Tick what happened first. If it is an emergency, call the emergency number."
        ),
        "sent_to_clinic": gettext("Sent to the clinic."),
        "chart_sessions": gettext("Sessions per week"),
        "chart_done": gettext("Sessions done"),
        "chart_planned": gettext("Planned"),
        "chart_pain": gettext("Pain during sessions (0 to 10)"),
        "chart_pain_line": gettext("Pain during"),
    }
