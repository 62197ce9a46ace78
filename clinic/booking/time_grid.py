"""Where things sit on the calendar's time grid: plain row and column numbers, no Django.

The grid counts wall-clock time in the clinic's zone, a row per quarter hour, so 10:00 sits on
the same row on the day the clocks change as on any other day. The calendar selector hands in
what it already read (appointments, time off, closures, working hours); the templates turn the
numbers into CSS grid classes (`tg-r<row>`, `tg-s<span>`, `tg-c<column>`, `tg-w<width>`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from typing import Any

ROW_MINUTES = 15
DAY_MINUTES = 24 * 60
# An item's lane is drawn as a share of twelve sub-columns: 1, 2, 3, 4 or 6 lanes side by side.
SUBCOLUMNS = 12
_LANE_COUNTS = (1, 2, 3, 4, 6, 6)  # lanes needed -> lanes drawn (5 become 6; more share)
DEFAULT_OPEN = (8 * 60, 18 * 60)  # 08:00-18:00 when no one has working hours yet


@dataclass(frozen=True, slots=True)
class Hours:
    """A block of regular working hours: weekday (Monday 0) and wall-clock minutes."""

    weekday: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Span:
    """Something with a start and an end in time, as minutes of one column's local day."""

    start: int
    end: int

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


@dataclass(slots=True)
class GridItem:
    """An appointment or a block of time off, placed: first row, rows spanned, and its lane as
    a first sub-column and a width (of SUBCOLUMNS)."""

    kind: str  # "appointment" or "time_off"
    entry: Any  # the calendar's CalendarAppointment or CalendarTimeOff, printed as is
    row: int
    span: int
    column: int = 1
    width: int = SUBCOLUMNS
    minutes: int = 0  # wall-clock length, for moving it

    @property
    def place(self) -> str:
        """The CSS classes that put it on the grid (booking/time_grid.css)."""
        return f"tg-r{self.row} tg-s{self.span} tg-c{self.column} tg-w{self.width}"


@dataclass(frozen=True, slots=True)
class GridRun:
    """Quarter hours one after another in the same state, drawn as one block: its first row,
    the rows it spans and the first quarter's time. A week has a few runs a day where it has
    dozens of quarter hours; the page script finds the quarter under a click or a drop."""

    row: int
    span: int
    state: str
    time: str  # HH:MM of the first quarter hour

    @property
    def open(self) -> bool:
        return self.state == "open"


def runs_of(states: Sequence[str], *, first_minute: int) -> list[GridRun]:
    """The quarter hours' states (row 1 first, starting at `first_minute` of the day) merged
    into runs of one state: a quarter hour is open to book, else why not (`shut`: nobody
    works then, `away`: time off, `closed`: the clinic is closed that day)."""
    runs: list[GridRun] = []
    start = 0
    for n in range(1, len(states) + 1):
        if n == len(states) or states[n] != states[start]:
            minute = first_minute + start * ROW_MINUTES
            runs.append(
                GridRun(
                    start + 1, n - start, states[start], f"{minute // 60:02d}:{minute % 60:02d}"
                )
            )
            start = n
    return runs


@dataclass(slots=True)
class GridColumn:
    day: date
    clinician_id: int | None  # whose column; None for the whole clinic
    closed: bool
    runs: list[GridRun] = field(default_factory=list)  # its quarter hours, as drawn
    items: list[GridItem] = field(default_factory=list)
    now_row: int | None = None  # the "now" line: its row and minutes past that row's start
    now_minutes: int = 0
    # Filled in by the caller: the heading, its longer label, and the query strings of the
    # heading's link and of a slot's booking link (without the slot's time).
    heading: str = ""
    label: str = ""
    link_query: str = ""
    book_query: str = ""


@dataclass(frozen=True, slots=True)
class HourLabel:
    row: int
    text: str


@dataclass
class TimeGrid:
    first_minute: int  # of the local day, at row 1
    rows: int
    hour_labels: list[HourLabel]
    columns: list[GridColumn]


def minutes_of(moment: datetime, day: date, tz: tzinfo) -> int:
    """Wall-clock minutes of `moment` counted from the local midnight that starts `day`:
    before that day 0, after it a whole day."""
    local = moment.astimezone(tz)
    if local.date() < day:
        return 0
    if local.date() > day:
        return DAY_MINUTES
    return local.hour * 60 + local.minute


def clock_minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def row_of(minute: int, first_minute: int) -> int:
    """The row a minute of the day falls in; row 1 starts at `first_minute`."""
    return (minute - first_minute) // ROW_MINUTES + 1


def placed(start: int, end: int, *, first_minute: int, rows: int) -> tuple[int, int]:
    """First row and number of rows covered by [start, end), within the grid's rows."""
    first = min(max(row_of(start, first_minute), 1), rows)
    # The row after the last one touched: an end on a row boundary does not touch that row.
    after = -(-(end - first_minute) // ROW_MINUTES) + 1
    after = min(max(after, first + 1), rows + 1)
    return first, after - first


def span_of_day(hours: Iterable[Hours], entries: Iterable[tuple[int, int]]) -> tuple[int, int]:
    """The minutes the grid shows: the earliest start to the latest end of anyone's hours on
    any weekday shown (08:00-18:00 when nobody has hours), widened to whatever is booked or
    blocked outside them, on whole hours."""
    starts = [h.start for h in hours] or [DEFAULT_OPEN[0]]
    ends = [h.end for h in hours] or [DEFAULT_OPEN[1]]
    for start, end in entries:
        if end > start:
            starts.append(start)
            ends.append(end)
    first = min(starts) // 60 * 60
    last = min(-(-max(ends) // 60) * 60, DAY_MINUTES)
    return first, max(last, first + 60)


def lay_out_lanes(items: list[GridItem], spans: list[Span]) -> None:
    """Side by side where they overlap: each cluster of overlapping items shares its width."""
    order = sorted(range(len(items)), key=lambda i: (spans[i].start, -spans[i].end))
    cluster: list[int] = []
    lane_ends: list[int] = []
    lane_of: dict[int, int] = {}
    cluster_end = -1

    def close() -> None:
        drawn = _LANE_COUNTS[min(len(lane_ends), len(_LANE_COUNTS)) - 1]
        width = SUBCOLUMNS // drawn
        for i in cluster:
            items[i].width = width
            items[i].column = (lane_of[i] % drawn) * width + 1

    for i in order:
        span = spans[i]
        if cluster and span.start >= cluster_end:
            close()
            cluster, lane_ends, cluster_end = [], [], -1
        lane = next((n for n, end in enumerate(lane_ends) if end <= span.start), None)
        if lane is None:
            lane = len(lane_ends)
            lane_ends.append(span.end)
        else:
            lane_ends[lane] = span.end
        lane_of[i] = lane
        cluster.append(i)
        cluster_end = max(cluster_end, span.end)
    if cluster:
        close()


@dataclass(frozen=True, slots=True)
class ColumnInput:
    """What one column shows: a day, whose time (clinician ids; `clinician_id` None for the
    whole clinic), and the appointments and time off of that day."""

    day: date
    clinician_id: int | None
    clinician_ids: Sequence[int]
    closed: bool
    appointments: Sequence[Any]  # .clinician_id, .start, .end (aware)
    time_off: Sequence[Any]


def build(
    columns: Sequence[ColumnInput],
    *,
    hours: dict[int, list[Hours]],
    tz: tzinfo,
    now: datetime,
) -> TimeGrid:
    """Row numbers, lanes and slot states of every column, on one common range of rows."""
    shown_ids = {i for c in columns for i in c.clinician_ids}
    weekdays = {c.day.weekday() for c in columns}
    shown_hours = [h for i in shown_ids for h in hours.get(i, []) if h.weekday in weekdays]
    per_column = []
    for column in columns:
        appointments = [
            (a, Span(minutes_of(a.start, column.day, tz), minutes_of(a.end, column.day, tz)))
            for a in column.appointments
        ]
        time_off = [
            (t, Span(minutes_of(t.start, column.day, tz), minutes_of(t.end, column.day, tz)))
            for t in column.time_off
            if t.clinician_id in column.clinician_ids
        ]
        per_column.append((column, appointments, time_off))
    first_minute, last_minute = span_of_day(
        shown_hours,
        ((s.start, s.end) for _c, a, t in per_column for _e, s in (*a, *t)),
    )
    rows = (last_minute - first_minute) // ROW_MINUTES
    local_now = now.astimezone(tz)
    grid_columns = []
    for column, appointments, time_off in per_column:
        grid_column = GridColumn(column.day, column.clinician_id, column.closed)
        weekday_hours = {
            i: [h for h in hours.get(i, []) if h.weekday == column.day.weekday()]
            for i in column.clinician_ids
        }
        states = [
            _slot_state(column, weekday_hours, time_off, start, start + ROW_MINUTES)
            for start in range(first_minute, first_minute + rows * ROW_MINUTES, ROW_MINUTES)
        ]
        grid_column.runs = runs_of(states, first_minute=first_minute)
        spans = []
        for kind, entries in (("time_off", time_off), ("appointment", appointments)):
            for entry, span in entries:
                row, span_rows = placed(span.start, span.end, first_minute=first_minute, rows=rows)
                grid_column.items.append(
                    GridItem(kind, entry, row, span_rows, minutes=span.end - span.start)
                )
                spans.append(span)
        lay_out_lanes(grid_column.items, spans)
        if local_now.date() == column.day:
            minute = local_now.hour * 60 + local_now.minute
            if first_minute <= minute < last_minute:
                grid_column.now_row = row_of(minute, first_minute)
                grid_column.now_minutes = (minute - first_minute) % ROW_MINUTES
        grid_columns.append(grid_column)
    labels = [
        HourLabel(row_of(m, first_minute), f"{m // 60:02d}:00")
        for m in range(first_minute, last_minute, 60)
    ]
    return TimeGrid(first_minute, rows, labels, grid_columns)


def _slot_state(
    column: ColumnInput,
    weekday_hours: dict[int, list[Hours]],
    time_off: list[tuple[Any, Span]],
    start: int,
    end: int,
) -> str:
    if column.closed:
        return "closed"
    working = [
        i
        for i in column.clinician_ids
        if any(h.start <= start and end <= h.end for h in weekday_hours[i])
    ]
    if not working:
        return "shut"
    for i in working:
        if not any(t.clinician_id == i and s.overlaps(start, end) for t, s in time_off):
            return "open"
    return "away"
