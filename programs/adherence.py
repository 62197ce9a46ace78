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
    planned = planned_days(drill_weekdays, window_start, today - timedelta(days=1))
    done = {day for day in logged if window_start <= day <= today}
    if today in done and today.weekday() in drill_weekdays:
        planned.append(today)
    if not planned:
        return None
    return min(100.0, 100.0 * len(done) / len(planned))


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
