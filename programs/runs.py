"""PURE: a watch file (FIT, TCX or GPX) -> one run's summary; runs -> weekly running load.

No Django here. The GPS track is read only to sum distance and climb and is never returned:
a summary holds the start, distance, time, cadence and elevation gain, nothing about where.

Cadence is always given in steps per minute (both feet). Watches store running cadence per leg
(strides per minute, half the steps): FIT's `avg_running_cadence` / `cadence` (units "rpm" or
"strides/min"), TCX's `RunCadence` / `AvgRunCadence` and `Cadence`, and Garmin's GPX `cad` are
all per leg, so each is doubled (`_steps_per_minute`).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from xml.etree.ElementTree import Element  # noqa: S405 - the type only; parsing is defusedxml's

import fitdecode
import gpxpy
import gpxpy.gpx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError as XmlParseError
from defusedxml.ElementTree import fromstring as xml_fromstring

FIT, TCX, GPX = "fit", "tcx", "gpx"
FORMATS = (FIT, TCX, GPX)

# Plausible limits of one run; outside them the file is not a run we can use.
MAX_DISTANCE_M = 400_000  # a long ultra
MAX_DURATION_S = 3 * 24 * 3600
# Steps per minute a runner or walker can have; a value outside is a device quirk, not cadence.
CADENCE_RANGE_SPM = (100, 250)


def gettext_noop(text: str) -> str:
    """Marks a message for the translation catalogue (makemessages knows this name) and returns
    it unchanged: this module stays free of Django; run_services translates it for the reader."""
    return text


class RunFileError(ValueError):
    """The file is not a run we can read; the message says why, in the patient's words: a
    text marked for translation with %(name)s placeholders, `params` their values (the caller
    translates the message, then fills them in)."""

    def __init__(self, message: str, params: dict[str, str] | None = None):
        self.message = message
        self.params = params or {}
        super().__init__(message % self.params if self.params else message)


@dataclass(frozen=True)
class RunSummary:
    """What is kept of one run: never the track."""

    source_format: str
    start: datetime  # aware, UTC
    distance_m: float
    duration_s: int  # moving (timer) time where the file has it, else first to last point
    cadence_spm: int | None  # steps per minute, both feet; None when the file has none
    elevation_gain_m: float | None  # None when the file has no altitude

    @property
    def pace_s_per_km(self) -> float | None:
        return pace_s_per_km(self.distance_m, self.duration_s)

    def local_date(self, tz) -> date:
        """The run's date on the clinic's wall (a run at 23:30 in New York is that day's)."""
        return self.start.astimezone(tz).date()


def pace_s_per_km(distance_m: float, duration_s: int) -> float | None:
    return round(duration_s * 1000.0 / distance_m, 1) if distance_m > 0 else None


def detect_format(data: bytes) -> str | None:
    """FIT, TCX or GPX from the content (never the file name); None when it is none of them."""
    if len(data) >= 12 and data[0] in (12, 14) and data[8:12] == b".FIT":
        return FIT
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return None
    if b"<gpx" in head:
        return GPX
    if b"<TrainingCenterDatabase" in head or b":TrainingCenterDatabase" in head:
        return TCX
    return None


def summarise(data: bytes) -> RunSummary:
    """The summary of one watch file. Raises RunFileError for anything that is not a readable
    run (unknown type, broken file, no time or no distance)."""
    kind = detect_format(data)
    if kind is None:
        raise RunFileError(gettext_noop("is not a FIT, TCX or GPX file."))
    return _checked(_summarise_fit(data) if kind == FIT else _summarise_xml(kind, data))


def _checked(summary: RunSummary) -> RunSummary:
    if summary.duration_s <= 0:
        raise RunFileError(gettext_noop("has no running time."))
    if summary.duration_s > MAX_DURATION_S:
        raise RunFileError(gettext_noop("lasts more than three days: is it one run?"))
    if summary.distance_m < 0 or summary.distance_m > MAX_DISTANCE_M:
        raise RunFileError(gettext_noop("has a distance no run can have."))
    return summary


def _steps_per_minute(per_leg: float | None) -> int | None:
    """Steps per minute from a per-leg (stride) cadence: twice the value. A value that is
    already in steps (some apps write it so) would double past any human cadence; it is kept
    as it is then. Anything still outside CADENCE_RANGE_SPM is dropped (None)."""
    if per_leg is None or per_leg <= 0:
        return None
    low, high = CADENCE_RANGE_SPM
    steps = per_leg * 2
    if steps > high and low <= per_leg <= high:
        steps = per_leg
    return round(steps) if low <= steps <= high else None


def _time_weighted(values: Iterable[tuple[float, float]]) -> float | None:
    """Mean of (value, weight) pairs; None without any."""
    pairs = [(v, w) for v, w in values if v is not None and w and w > 0]
    total = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / total if total else None


def _climb(altitudes: Iterable[float | None]) -> float | None:
    """Elevation gain: the sum of rises between altitude readings, None without altitudes."""
    gain, last, seen = 0.0, None, False
    for altitude in altitudes:
        if altitude is None:
            continue
        seen = True
        if last is not None and altitude > last:
            gain += altitude - last
        last = altitude
    return round(gain, 1) if seen else None


# --- FIT ----------------------------------------------------------------------------------------


def _summarise_fit(data: bytes) -> RunSummary:
    sessions: list[dict] = []
    records: list[dict] = []
    try:
        with fitdecode.FitReader(
            io.BytesIO(data),
            check_crc=fitdecode.CrcCheck.RAISE,
            error_handling=fitdecode.ErrorHandling.RAISE,
        ) as reader:
            for frame in reader:
                if not isinstance(frame, fitdecode.FitDataMessage):
                    continue
                if frame.name == "session":
                    sessions.append(_fit_values(frame))
                elif frame.name == "record":
                    records.append(_fit_values(frame))
    except fitdecode.FitError as exc:
        raise RunFileError(gettext_noop("is a damaged FIT file.")) from exc
    except (ValueError, TypeError, OverflowError, IndexError) as exc:
        # fitdecode trusts sizes and types read from the file; a forged file trips it here.
        raise RunFileError(gettext_noop("is a damaged FIT file.")) from exc
    if sessions:
        return _fit_from_sessions(sessions, records)
    return _fit_from_records(records)


def _fit_values(frame) -> dict:
    values = {}
    for field in frame.fields:
        if field.value is not None:
            values[field.name] = field.value
    return values


def _fit_cadence(values: dict, prefix: str) -> float | None:
    """The per-leg cadence of a session (avg_...) or record: `avg_running_cadence` is the
    running sub-field of `avg_cadence` (strides/min); both are per leg, with the fraction."""
    whole = values.get(f"{prefix}running_cadence", values.get(f"{prefix}cadence"))
    if whole is None:
        return None
    return float(whole) + float(values.get(f"{prefix}fractional_cadence") or 0)


def _fit_from_sessions(sessions: list[dict], records: list[dict]) -> RunSummary:
    starts = [s["start_time"] for s in sessions if isinstance(s.get("start_time"), datetime)]
    if not starts:
        raise RunFileError(gettext_noop("has no start time."))
    distance = sum(float(s.get("total_distance") or 0) for s in sessions)
    duration = sum(
        float(s.get("total_timer_time") or s.get("total_elapsed_time") or 0) for s in sessions
    )
    per_leg = _time_weighted(
        (_fit_cadence(s, "avg_"), float(s.get("total_timer_time") or 0)) for s in sessions
    )
    if per_leg is None and records:
        per_leg = _mean(_fit_cadence(r, "") for r in records)
    ascents = [s.get("total_ascent") for s in sessions if s.get("total_ascent") is not None]
    gain = float(sum(ascents)) if ascents else _climb(_fit_altitude(r) for r in records)
    return RunSummary(FIT, min(starts), distance, round(duration), _steps_per_minute(per_leg), gain)


def _fit_altitude(record: dict) -> float | None:
    value = record.get("enhanced_altitude", record.get("altitude"))
    return float(value) if value is not None else None


def _fit_from_records(records: list[dict]) -> RunSummary:
    timed = [r for r in records if isinstance(r.get("timestamp"), datetime)]
    if not timed:
        raise RunFileError(gettext_noop("has no run in it (no session and no timed points)."))
    distances = [float(r["distance"]) for r in timed if r.get("distance") is not None]
    duration = (timed[-1]["timestamp"] - timed[0]["timestamp"]).total_seconds()
    return RunSummary(
        FIT,
        timed[0]["timestamp"],
        max(distances) if distances else 0.0,
        round(duration),
        _steps_per_minute(_mean(_fit_cadence(r, "") for r in timed)),
        _climb(_fit_altitude(r) for r in timed),
    )


def _mean(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None and v > 0]
    return sum(known) / len(known) if known else None


# --- TCX and GPX (XML) --------------------------------------------------------------------------


def _parse_xml(data: bytes) -> Element:
    """Parse with defusedxml: a DTD, entity or external reference is refused, never resolved."""
    try:
        return xml_fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise RunFileError(
            gettext_noop("contains XML declarations we do not accept (DTD or entities).")
        ) from exc
    except (XmlParseError, ValueError) as exc:
        raise RunFileError(gettext_noop("is not well-formed XML.")) from exc


def _summarise_xml(kind: str, data: bytes) -> RunSummary:
    root = _parse_xml(data)
    name = _local(root.tag)
    if kind == GPX and name == "gpx":
        return _summarise_gpx(data)
    if kind == TCX and name == "TrainingCenterDatabase":
        return _summarise_tcx(root)
    raise RunFileError(gettext_noop("is not a FIT, TCX or GPX file."))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _child(element: Element, name: str) -> Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _descendants(element: Element, name: str) -> list[Element]:
    return [node for node in element.iter() if _local(node.tag) == name]


def _number(element: Element | None) -> float | None:
    if element is None or element.text is None:
        return None
    try:
        return float(element.text.strip())
    except ValueError as exc:
        raise RunFileError(
            gettext_noop("has a number we cannot read (%(value)s)."),
            {"value": repr(element.text.strip()[:20])},
        ) from exc


def _when(text: str | None) -> datetime:
    try:
        moment = datetime.fromisoformat((text or "").strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise RunFileError(gettext_noop("has a start time we cannot read.")) from exc
    if moment.tzinfo is None:  # the formats say UTC when no offset is written
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _summarise_tcx(root: Element) -> RunSummary:
    laps = _descendants(root, "Lap")
    if not laps:
        raise RunFileError(gettext_noop("has no laps: no run in it."))
    start = min(_when(lap.get("StartTime")) for lap in laps)
    points = _descendants(root, "Trackpoint")
    lap_distance = [_number(_child(lap, "DistanceMeters")) for lap in laps]
    lap_time = [_number(_child(lap, "TotalTimeSeconds")) for lap in laps]
    if all(d is not None for d in lap_distance) and all(t is not None for t in lap_time):
        distance = float(sum(lap_distance))
        duration = float(sum(lap_time))
    else:  # the laps do not say: from the points
        distance = max((_number(_child(p, "DistanceMeters")) or 0.0 for p in points), default=0.0)
        times = [_when(_child(p, "Time").text) for p in points if _child(p, "Time") is not None]
        duration = (max(times) - min(times)).total_seconds() if times else 0.0
    # Garmin's extension (AvgRunCadence, RunCadence) and the core Cadence are all per leg.
    per_leg = _time_weighted(
        (_number(_first(lap, ("AvgRunCadence", "Cadence"))), t or 0.0)
        for lap, t in zip(laps, lap_time, strict=True)
    )
    if per_leg is None:
        per_leg = _mean(_number(_first(p, ("RunCadence", "Cadence"))) for p in points)
    gain = _climb(_number(_child(p, "AltitudeMeters")) for p in points)
    return RunSummary(TCX, start, distance, round(duration), _steps_per_minute(per_leg), gain)


def _first(element: Element, names: Sequence[str]) -> Element | None:
    for name in names:
        found = _descendants(element, name)
        if found:
            return found[0]
    return None


def _summarise_gpx(data: bytes) -> RunSummary:
    try:
        gpx = gpxpy.parse(data.decode("utf-8-sig"))
    except (gpxpy.gpx.GPXException, UnicodeDecodeError, ValueError) as exc:
        raise RunFileError(gettext_noop("is a GPX file we cannot read.")) from exc
    bounds = gpx.get_time_bounds()
    if bounds.start_time is None or bounds.end_time is None:
        raise RunFileError(gettext_noop("has no times, so the day of the run is unknown."))
    start = bounds.start_time
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    moving = gpx.get_moving_data()
    duration = moving.moving_time if moving and moving.moving_time else gpx.get_duration()
    cadences = []
    for track in gpx.tracks:
        for segment in track.segments:
            for point in segment.points:
                for extension in point.extensions:
                    cadences += [_number(n) for n in extension.iter() if _local(n.tag) == "cad"]
    has_altitude = gpx.has_elevations()
    climb = gpx.get_uphill_downhill().uphill if has_altitude else None
    return RunSummary(
        GPX,
        start.astimezone(UTC),
        float(gpx.length_2d() or 0.0),
        round(duration or 0),
        _steps_per_minute(_mean(cadences)),  # Garmin's TrackPointExtension cad: per leg
        round(climb, 1) if climb is not None else None,
    )


# --- weekly load --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunRow:
    """One stored run as the load needs it."""

    day: date
    distance_m: float
    duration_s: int
    cadence_spm: int | None


@dataclass(frozen=True)
class WeekLoad:
    monday: date
    km: float
    runs: int
    long_run_km: float | None
    cadence_spm: int | None  # mean of the week's runs with cadence, weighted by time


def weekly_load(runs: Iterable[RunRow], *, today: date, weeks: int) -> list[WeekLoad]:
    """Km, number of runs, longest run and mean cadence for each of the last `weeks` calendar
    weeks (Monday first), this week last; weeks without runs show 0 km."""
    this_monday = today - timedelta(days=today.weekday())
    mondays = [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    by_week: dict[date, list[RunRow]] = {monday: [] for monday in mondays}
    for run in runs:
        monday = run.day - timedelta(days=run.day.weekday())
        if monday in by_week and run.day <= today:
            by_week[monday].append(run)
    result = []
    for monday in mondays:
        week = by_week[monday]
        cadence = _time_weighted((r.cadence_spm, r.duration_s) for r in week)
        result.append(
            WeekLoad(
                monday=monday,
                km=round(sum(r.distance_m for r in week) / 1000.0, 1),
                runs=len(week),
                long_run_km=round(max(r.distance_m for r in week) / 1000.0, 1) if week else None,
                cadence_spm=round(cadence) if cadence is not None else None,
            )
        )
    return result


def spike_weeks_km(
    runs: Iterable[RunRow], *, today: date, tracked_since: date, since: date
) -> dict[date, float]:
    """Running km per calendar week for the running-spike rule (R-LOAD-1), keyed by Monday,
    from the first week the patient uploaded runs for (earlier weeks are unknown, not zero).
    A past week counts its own days; this week counts the last 7 days up to today, like the
    check-in's "km in the last 7 days" answer that the uploads replace."""
    first = max(tracked_since, since)
    first_monday = first - timedelta(days=first.weekday())
    this_monday = today - timedelta(days=today.weekday())
    rows = list(runs)
    weeks: dict[date, float] = {}
    monday = first_monday
    while monday <= this_monday:
        if monday == this_monday:
            start, end = today - timedelta(days=6), today
        else:
            start, end = monday, monday + timedelta(days=6)
        weeks[monday] = round(sum(r.distance_m for r in rows if start <= r.day <= end) / 1000, 1)
        monday += timedelta(weeks=1)
    return weeks


def cadence_target(recent_spm: int | None) -> tuple[int, int] | None:
    """The cadence drill's target band: 5 to 10 % above the patient's own easy-run cadence."""
    if recent_spm is None:
        return None
    return round(recent_spm * 1.05), round(recent_spm * 1.10)
