"""Free appointment slots from hours, busy time, closures and booking rules (pure, no Django)."""

from __future__ import annotations

import enum
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Interval:
    """A half-open span of real time [start, end); both ends time-zone aware."""

    start: datetime
    end: datetime

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end


class BusyTimes:
    """Busy intervals ordered by start, with the latest end reached so far: whether a span
    overlaps any of them is a binary search rather than a scan of the day's appointments."""

    def __init__(self, intervals: Iterable[Interval]):
        ordered = sorted(intervals, key=lambda interval: interval.start)
        self._starts = [interval.start for interval in ordered]
        self._latest_end = list(accumulate((interval.end for interval in ordered), max))

    def overlaps(self, span: Interval) -> bool:
        # The intervals that start before the span ends are the first `before`; one of them
        # overlaps if and only if the latest of their ends is after the span's start.
        before = bisect_left(self._starts, span.end)
        return before > 0 and self._latest_end[before - 1] > span.start


@dataclass(frozen=True)
class WorkingBlock:
    """Regular hours on one weekday (0 = Monday), in the clinic's wall-clock time."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True)
class ClinicianDay:
    """What the scheduler knows about one clinician: hours and time they are already busy.

    `busy` holds existing appointments (each up to the end of its own buffer) and time off.
    """

    clinician_id: int
    hours: tuple[WorkingBlock, ...]
    busy: tuple[Interval, ...] = ()


@dataclass(frozen=True)
class Rules:
    time_zone: str
    slot_step_minutes: int = 15
    min_notice: timedelta = timedelta(hours=2)
    horizon_days: int = 60

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


@dataclass(frozen=True)
class AppointmentShape:
    duration_minutes: int
    buffer_minutes: int = 0

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def occupied(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes + self.buffer_minutes)


@dataclass(frozen=True, order=True)
class Slot:
    start: datetime
    end: datetime
    clinician_id: int = field(compare=True)


class Refusal(enum.Enum):
    """Why a start time cannot be booked. BUSY is a conflict; the others are bad input."""

    PAST = "That time is in the past."
    TOO_SOON = "That time is too soon; book further ahead."
    BEYOND_HORIZON = "That time is too far ahead to book yet."
    CLOSED = "The clinic is closed on that day."
    NOT_A_SLOT = "That time is not one of the offered start times (outside hours or off the grid)."
    BUSY = "That time is no longer free."


def _to_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _block_bounds(day: date, block: WorkingBlock, tz: ZoneInfo) -> Interval | None:
    """The real-time span of a working block on `day`; None if it is empty that day."""
    start = _to_utc(datetime.combine(day, block.start, tzinfo=tz))
    end_day = day if block.end != time(0) else day + timedelta(days=1)
    end = _to_utc(datetime.combine(end_day, block.end, tzinfo=tz))
    return Interval(start, end) if end > start else None


def grid_starts(
    *, day: date, hours: Iterable[WorkingBlock], shape: AppointmentShape, rules: Rules
) -> list[datetime]:
    """Start times (UTC) on the slot grid inside working hours where the appointment fits.

    The grid steps through real elapsed time from the start of each block, so on a day when
    the clocks change the slots stay evenly spaced and the appointment keeps its true length.
    """
    tz = rules.tz
    step = timedelta(minutes=rules.slot_step_minutes)
    starts: set[datetime] = set()
    for block in hours:
        if block.weekday != day.weekday():
            continue
        bounds = _block_bounds(day, block, tz)
        if bounds is None:
            continue
        moment = bounds.start
        while moment + shape.duration <= bounds.end:
            starts.add(moment)
            moment += step
    return sorted(starts)


def _closed(day: date, closures: Iterable[tuple[date, date]]) -> bool:
    return any(first <= day <= last for first, last in closures)


def _outside_window(start: datetime, *, rules: Rules, now: datetime) -> Refusal | None:
    if start < now:
        return Refusal.PAST
    if start < now + rules.min_notice:
        return Refusal.TOO_SOON
    last_day = now.astimezone(rules.tz).date() + timedelta(days=rules.horizon_days)
    if start.astimezone(rules.tz).date() > last_day:
        return Refusal.BEYOND_HORIZON
    return None


def free_slots(
    *,
    day: date,
    shape: AppointmentShape,
    clinicians: Sequence[ClinicianDay],
    rules: Rules,
    now: datetime | None,
    closures: Iterable[tuple[date, date]] = (),
) -> list[Slot]:
    """Every free (start, clinician) on `day`, sorted by start then clinician; with `now`,
    only those bookable at that moment (see `within_window`)."""
    if _closed(day, list(closures)):
        return []
    slots: list[Slot] = []
    for clinician in clinicians:
        busy = BusyTimes(clinician.busy)
        for start in grid_starts(day=day, hours=clinician.hours, shape=shape, rules=rules):
            if now is not None and _outside_window(start, rules=rules, now=now) is not None:
                continue
            if busy.overlaps(Interval(start, start + shape.occupied)):
                continue
            slots.append(Slot(start, start + shape.duration, clinician.clinician_id))
    return sorted(slots)


def within_window(slots: Iterable[Slot], *, rules: Rules, now: datetime) -> list[Slot]:
    """The slots bookable at `now`: not past, not inside the minimum notice, not beyond the
    horizon."""
    return [slot for slot in slots if _outside_window(slot.start, rules=rules, now=now) is None]


def one_per_start(slots: Iterable[Slot], clinicians: Sequence[ClinicianDay]) -> list[Slot]:
    """For "any clinician": keep one slot per start, giving it to the least busy clinician."""
    load = {c.clinician_id: len(c.busy) for c in clinicians}
    best: dict[datetime, Slot] = {}
    for slot in slots:
        current = best.get(slot.start)
        key = (load.get(slot.clinician_id, 0), slot.clinician_id)
        if current is None or key < (load.get(current.clinician_id, 0), current.clinician_id):
            best[slot.start] = slot
    return [best[start] for start in sorted(best)]


def check_start(
    *,
    start: datetime,
    shape: AppointmentShape,
    clinician: ClinicianDay,
    rules: Rules,
    now: datetime,
    closures: Iterable[tuple[date, date]] = (),
) -> Refusal | None:
    """None when `clinician` can take an appointment at `start`, else the reason why not."""
    start = _to_utc(start)
    refusal = _outside_window(start, rules=rules, now=now)
    if refusal is not None:
        return refusal
    day = start.astimezone(rules.tz).date()
    if _closed(day, list(closures)):
        return Refusal.CLOSED
    if start not in grid_starts(day=day, hours=clinician.hours, shape=shape, rules=rules):
        return Refusal.NOT_A_SLOT
    wanted = Interval(start, start + shape.occupied)
    if any(wanted.overlaps(busy) for busy in clinician.busy):
        return Refusal.BUSY
    return None


def nearest(slots: Iterable[Slot], target: datetime, count: int = 3) -> list[Slot]:
    """The `count` slots closest in time to `target`, in time order."""
    closest = sorted(slots, key=lambda s: (abs(s.start - target), s.start, s.clinician_id))
    return sorted(closest[:count])
