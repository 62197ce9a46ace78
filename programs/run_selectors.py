"""Read side of the patient's running data and home self-tests: a fixed number of queries each,
whatever the history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import F, Min, QuerySet, Window
from django.db.models.functions import RowNumber

from clinic.access import CLINICAL_ROLES, PATIENT, scope
from clinic.models import Patient

from . import runs
from .models import Run, SelfTest, SelfTestKind

LOAD_WEEKS = 8  # weeks of running load on the patient's and the clinician's pages
RECENT_CADENCE_DAYS = 28  # the "own cadence" a cadence drill compares against


def runs_visible_to(user) -> QuerySet[Run]:
    """Runs a patient (their own) or a clinician or clinic admin (their clinic's) may read."""
    return scope(Run.objects.all(), user, roles=(PATIENT, *CLINICAL_ROLES))


def self_tests_visible_to(user) -> QuerySet[SelfTest]:
    return scope(SelfTest.objects.all(), user, roles=(PATIENT, *CLINICAL_ROLES))


def _rows(queryset: QuerySet[Run]) -> list[runs.RunRow]:
    return [
        runs.RunRow(day, distance, duration, cadence)
        for day, distance, duration, cadence in queryset.values_list(
            "date", "distance_m", "duration_s", "cadence_spm"
        )
    ]


@dataclass
class RunningLoad:
    """What the running section shows: weekly load, the latest runs and cadence."""

    weeks: list[runs.WeekLoad]  # oldest first, this week last
    latest: list[Run]
    recent_cadence_spm: int | None  # mean over the last RECENT_CADENCE_DAYS, time-weighted
    cadence_target: tuple[int, int] | None  # +5 % to +10 % of the recent cadence

    @property
    def has_runs(self) -> bool:
        return bool(self.latest)

    @property
    def max_km(self) -> float:
        return max((week.km for week in self.weeks), default=0.0)


def running_load(
    *, patient: Patient | int, today: date, weeks: int = LOAD_WEEKS, latest: int = 5
) -> RunningLoad:
    """The patient's weekly km, long run and mean cadence for the last `weeks` weeks, their
    latest runs and their recent cadence with the cadence drill's target. Two queries.
    Callers pass a patient the user may see (scoped before)."""
    patient_id = patient if isinstance(patient, int) else patient.pk
    since = min(
        today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1),
        today - timedelta(days=RECENT_CADENCE_DAYS - 1),
    )
    rows = _rows(Run.objects.filter(patient_id=patient_id, date__gte=since, date__lte=today))
    recent = [r for r in rows if r.day > today - timedelta(days=RECENT_CADENCE_DAYS)]
    cadence = _weighted_cadence((r.cadence_spm, r.duration_s) for r in recent)
    last_runs = list(
        Run.objects.filter(patient_id=patient_id).order_by("-date", "-start_time", "-id")[:latest]
    )
    return RunningLoad(
        weeks=runs.weekly_load(rows, today=today, weeks=weeks),
        latest=last_runs,
        recent_cadence_spm=cadence,
        cadence_target=runs.cadence_target(cadence),
    )


def recent_cadence(*, patient_id: int, today: date) -> int | None:
    """The patient's own cadence for the cadence drill's card (docs/clinical-rules.md §7): the
    time-weighted mean over the last RECENT_CADENCE_DAYS up to `today`, as running_load counts
    it. One query. Callers pass a patient the user may see (scoped before)."""
    rows = Run.objects.filter(
        patient_id=patient_id,
        date__gt=today - timedelta(days=RECENT_CADENCE_DAYS),
        date__lte=today,
        cadence_spm__isnull=False,
    ).values_list("cadence_spm", "duration_s")
    return _weighted_cadence(rows)


def _weighted_cadence(runs_cadence: Iterable[tuple[int | None, int | None]]) -> int | None:
    """The mean of (cadence, seconds) pairs weighted by time, rounded; None without any."""
    pairs = [(cadence, seconds) for cadence, seconds in runs_cadence if cadence and seconds]
    total = sum(w for _, w in pairs)
    return round(sum(c * w for c, w in pairs) / total) if total else None


def run_km_weeks(*, patient_id: int, today: date, since: date) -> dict[date, float]:
    """Km per calendar week (keyed by Monday) from uploaded runs, for the running-spike rule:
    empty when the patient has no run uploaded up to today, and only the weeks from their
    first run on (runs.spike_weeks_km). Two queries."""
    first = Run.objects.filter(patient_id=patient_id, date__lte=today).aggregate(Min("date"))
    tracked_since = first["date__min"]
    if tracked_since is None:
        return {}
    window_start = since - timedelta(days=since.weekday())
    rows = _rows(
        Run.objects.filter(
            patient_id=patient_id, date__gte=window_start - timedelta(days=7), date__lte=today
        )
    )
    return runs.spike_weeks_km(rows, today=today, tracked_since=tracked_since, since=since)


def latest_self_tests(*, patient: Patient | int, limit: int = 12) -> list[SelfTest]:
    """The patient's latest home self-tests, newest first. One query."""
    patient_id = patient if isinstance(patient, int) else patient.pk
    return list(SelfTest.objects.filter(patient_id=patient_id).order_by("-date", "-id")[:limit])


@dataclass(frozen=True)
class SelfTestBeside:
    """The latest home self-test of one kind beside the same measurement at the clinic."""

    test: SelfTest
    clinic_on: date | None  # the screen's date; None without a screen
    clinic_left: float | None
    clinic_right: float | None

    @property
    def error_text(self) -> str:
        """ "± 3 cm": how far this home result may be off (docs/clinical-rules.md §7)."""
        error, unit = HOME_TEST_ERROR[SelfTestKind(self.test.test)]
        return f"± {error} {unit}"


def self_tests_beside_screen(self_tests: list[SelfTest], screen) -> list[SelfTestBeside]:
    """The newest of each kind among `self_tests` (newest first, as `latest_self_tests` reads
    them), each beside the value `screen` (the latest clinic screen, or None) holds for the same
    measure: the self-tests use the screen's measure keys. No query."""
    rows, seen = [], set()
    for test in self_tests:
        if test.test in seen:
            continue
        seen.add(test.test)
        left = right = None
        if screen is not None:
            left, right = (screen.side_value(test.test, side) for side in ("left", "right"))
        rows.append(
            SelfTestBeside(
                test=test,
                clinic_on=screen.performed_on if screen is not None else None,
                clinic_left=None if left is None else float(left),
                clinic_right=None if right is None else float(right),
            )
        )
    order = list(SelfTestKind.values)
    return sorted(rows, key=lambda row: order.index(row.test.test))


# How far a home result may be off, either way (docs/clinical-rules.md §7, "How far a home
# result may be off"): about one and a half times what the clinic allows.
HOME_TEST_ERROR = {
    SelfTestKind.KNEE_TO_WALL: (3, "cm"),
    SelfTestKind.HEEL_RAISES: (9, "reps"),
    SelfTestKind.BALANCE_EYES_OPEN: (10, "s"),
    SelfTestKind.BALANCE_EYES_CLOSED: (5, "s"),
}


@dataclass(frozen=True)
class HomeBesideClinic:
    """The latest home self-test of one kind beside the same test on a clinic screen."""

    test: str
    label: str
    home_on: date
    home_left: float
    home_right: float
    clinic_left: float | None
    clinic_right: float | None
    error: float  # either way, in `unit`
    unit: str

    def _gap(self, home: float, clinic: float | None) -> float | None:
        return None if clinic is None else round(home - clinic, 1)

    @property
    def gap_left(self) -> float | None:
        return self._gap(self.home_left, self.clinic_left)

    @property
    def gap_right(self) -> float | None:
        return self._gap(self.home_right, self.clinic_right)

    @property
    def beyond_error(self) -> bool:
        """A home-clinic gap larger than the home error on either side."""
        return any(g is not None and abs(g) > self.error for g in (self.gap_left, self.gap_right))


def home_tests_beside(screen) -> list[HomeBesideClinic]:
    """Each kind of home self-test the patient has done (the latest), beside the value
    `screen` holds for the same test, with the home error. One query whatever the history:
    the newest self-test per kind, picked by a window over the patient's rows. Callers pass
    a screen the user may see (read through clinic.access.scope)."""
    latest = {
        test.test: test
        for test in SelfTest.objects.filter(patient_id=screen.patient_id)
        .annotate(
            newest=Window(
                RowNumber(), partition_by=[F("test")], order_by=[F("date").desc(), F("id").desc()]
            )
        )
        .filter(newest=1)
    }
    rows = []
    for kind in SelfTestKind:
        home = latest.get(kind.value)
        if home is None:
            continue
        error, unit = HOME_TEST_ERROR[kind]
        clinic = [screen.side_value(kind.value, side) for side in ("left", "right")]
        rows.append(
            HomeBesideClinic(
                test=kind.value,
                label=kind.label,
                home_on=home.date,
                home_left=float(home.left),
                home_right=float(home.right),
                clinic_left=None if clinic[0] is None else float(clinic[0]),
                clinic_right=None if clinic[1] is None else float(clinic[1]),
                error=error,
                unit=unit,
            )
        )
    return rows
