"""PURE: how often a patient does the program and how their pain is moving. No Django imports.

Shared by the progression service (T-REVIEW's adherence clause) and the clinician worklist, so
both count sessions the same way.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta


def planned_days(drill_weekdays: Collection[int], start: date, end: date) -> list[date]:
    """The days from `start` to `end` (both included) whose weekday has drills."""
    if end < start or not drill_weekdays:
        return []
    days = (end - start).days + 1
    return [
        start + timedelta(n)
        for n in range(days)
        if (start + timedelta(n)).weekday() in drill_weekdays
    ]


def sessions_done_and_planned(
    drill_weekdays: Collection[int],
    logged: Collection[date],
    *,
    first: date,
    last: date,
    today: date,
) -> tuple[int, int]:
    """(sessions done, sessions planned) from `first` to `last` (both included), as seen on
    `today`: days after today are not planned yet, and today is planned only once it is logged
    (the day is not over). Every logged day counts as done, drill day or not."""
    planned = len(planned_days(drill_weekdays, first, min(last, today - timedelta(days=1))))
    done = {day for day in logged if first <= day <= min(last, today)}
    if first <= today <= last and today in done and today.weekday() in drill_weekdays:
        planned += 1
    return len(done), planned


def adherence_pct(
    drill_weekdays: Collection[int],
    logged: Collection[date],
    *,
    started_on: date,
    today: date,
    weeks: int,
) -> float | None:
    """Sessions done / sessions planned over the last `weeks` weeks, in % (capped at 100).

    Today counts only once it is logged (the day is not over). None while nothing was due yet,
    so a program published this morning is not "low adherence".
    """
    window_start = max(started_on, today - timedelta(days=7 * weeks - 1))
    done, planned = sessions_done_and_planned(
        drill_weekdays, logged, first=window_start, last=today, today=today
    )
    if not planned:
        return None
    return min(100.0, 100.0 * done / planned)


@dataclass(frozen=True)
class WeekSessions:
    monday: date
    done: int
    planned: int  # so far: a week in progress counts the days up to today


def weekly_sessions(
    drill_weekdays: Collection[int],
    logged: Collection[date],
    *,
    started_on: date,
    today: date,
    weeks: int,
) -> list[WeekSessions]:
    """Sessions done and planned in each of the last `weeks` calendar weeks (Monday first),
    newest first, counted as `adherence_pct` counts them; weeks before the program started are
    left out, so a new program shows no weeks of zeros it was never given."""
    monday = today - timedelta(days=today.weekday())
    rows = []
    for n in range(weeks):
        start = monday - timedelta(weeks=n)
        end = start + timedelta(days=6)
        if end < started_on:
            break
        done, planned = sessions_done_and_planned(
            drill_weekdays, logged, first=max(start, started_on), last=end, today=today
        )
        rows.append(WeekSessions(start, done, planned))
    return rows


@dataclass(frozen=True)
class PainTrend:
    recent: float | None  # mean pain during over the last 7 days
    before: float | None  # mean pain during over the 7 days before those
    direction: str  # "up", "down", "steady" or "unknown"


def pain_trend(pains: Iterable[tuple[date, float]], *, today: date, step: float = 1.0) -> PainTrend:
    """Compare the mean pain of the last week with the week before; a move of `step` points
    or more (the smallest change the 0-10 scale shows reliably) is a direction."""
    sums = [0.0, 0.0]
    counts = [0, 0]
    for day, pain in pains:
        age = (today - day).days
        if 0 <= age < 14:
            week = age // 7
            sums[week] += pain
            counts[week] += 1
    recent = sums[0] / counts[0] if counts[0] else None
    before = sums[1] / counts[1] if counts[1] else None
    if recent is None or before is None:
        direction = "unknown"
    elif recent - before >= step:
        direction = "up"
    elif before - recent >= step:
        direction = "down"
    else:
        direction = "steady"
    return PainTrend(recent, before, direction)


def sessions_per_week(logged: Iterable[date], *, today: date, weeks: int) -> list[tuple[date, int]]:
    """(Monday, sessions) for the last `weeks` calendar weeks, oldest first, for the chart."""
    monday = today - timedelta(days=today.weekday())
    starts = [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    counts = dict.fromkeys(starts, 0)
    for day in set(logged):
        week = day - timedelta(days=day.weekday())
        if week in counts:
            counts[week] += 1
    return list(counts.items())
