"""Read-side queries of assessments: screens, findings, change since the last screen, charts.

Every query is scoped through clinic.access, and none grows with a patient's number of screens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext, pgettext

from clinic.access import CLINICAL_ROLES, PATIENT, scope
from clinic.models import Clinic, Patient

from . import findings, instruments, schema
from .findings import Change, Finding, InjuryHistory, ScreenInput
from .models import ClinicThresholds, QuestionnaireResponse, Screen, ScreenChange
from .thresholds import Thresholds, build

READ_ROLES = (*CLINICAL_ROLES, PATIENT)


def clinic_thresholds(clinic: Clinic | int) -> Thresholds:
    """The default table with the clinic's overrides applied (one query)."""
    clinic_id = clinic if isinstance(clinic, int) else clinic.pk
    row = ClinicThresholds.objects.filter(clinic_id=clinic_id).values_list("overrides").first()
    return build(row[0] if row else None)


def with_thresholds(screens: QuerySet[Screen]) -> QuerySet[Screen]:
    """`screens` carrying their clinic's threshold overrides, read in the same query (see
    `screen_thresholds`)."""
    overrides = ClinicThresholds.objects.filter(clinic_id=OuterRef("clinic_id"))
    return screens.annotate(clinic_overrides=Subquery(overrides.values("overrides")[:1]))


@dataclass(frozen=True)
class LatestScore:
    """The patient's own latest score of one questionnaire (filled in on the phone)."""

    code: str
    name: str
    unit: str
    score: float
    completed_on: dt.date


def latest_scores(patient: Patient | int) -> list[LatestScore]:
    """The patient's latest phone-completed score of each instrument, in the instruments'
    order. One query whatever the history: the newest scored response per instrument, picked
    by a window over the patient's rows (cheaper to build than a subquery per instrument).
    Callers pass a patient the user may see (the screen page: a screen read through scope)."""
    patient_id = patient if isinstance(patient, int) else patient.pk
    rows = (
        QuestionnaireResponse.objects.filter(patient_id=patient_id, score__isnull=False)
        .annotate(
            newest=Window(
                RowNumber(),
                partition_by=[F("instrument")],
                order_by=[F("completed_at").desc(), F("id").desc()],
            )
        )
        .filter(newest=1)
        .values_list("instrument", "score", "completed_on")
    )
    found = {code: (score, on) for code, score, on in rows}
    return [
        LatestScore(code, instrument.name, instrument.unit, float(found[code][0]), found[code][1])
        for code, instrument in instruments.INSTRUMENTS.items()
        if code in found
    ]


def with_page_extras(screens: QuerySet[Screen]) -> QuerySet[Screen]:
    """`screens` carrying, in the same query, their clinic's threshold overrides and whether
    each was edited after it was entered, so `screen_detail` reads neither separately."""
    edits = ScreenChange.objects.filter(screen_id=OuterRef("pk"))
    return with_thresholds(screens).annotate(was_edited=Exists(edits))


def clinical_screen(*, user, pk) -> Screen | None:
    """Screen `pk` if a clinician or clinic admin `user` may read it, with its patient and
    its clinic's thresholds (the program build's input); None otherwise. The patient's clinic and
    notification preference come along: the build dates the injury history in the patient's
    zone (docs/clinical-rules.md §6)."""
    screens = scope(Screen.objects.all(), user, roles=CLINICAL_ROLES).select_related(
        "patient__clinic", "patient__notification_preference"
    )
    return with_thresholds(screens).filter(pk=pk).first()


def screen_thresholds(screen: Screen) -> Thresholds:
    """The thresholds that apply to `screen`: read with it (`with_thresholds`), else one
    query."""
    if hasattr(screen, "clinic_overrides"):
        return build(screen.clinic_overrides)
    return clinic_thresholds(screen.clinic_id)


def screens_visible_to(user) -> QuerySet[Screen]:
    """Screens the user may read: clinicians/admins their clinic's, a patient their own."""
    return scope(Screen.objects.all(), user, roles=READ_ROLES).select_related(
        "patient", "created_by", "updated_by"
    )


def screen_list(
    *,
    user,
    patient: int | None = None,
    performed_on: dt.date | None = None,
    performed_from: dt.date | None = None,
    performed_to: dt.date | None = None,
) -> QuerySet[Screen]:
    screens = screens_visible_to(user)
    if patient is not None:
        screens = screens.filter(patient_id=patient)
    if performed_on is not None:
        screens = screens.filter(performed_on=performed_on)
    if performed_from is not None:
        screens = screens.filter(performed_on__gte=performed_from)
    if performed_to is not None:
        screens = screens.filter(performed_on__lte=performed_to)
    return screens.order_by("-performed_on", "-id")


def _number(value):
    return None if value is None else float(value)


def _onset(entry: dict) -> dt.date | None:
    value = entry.get(schema.INJURY_ONSET)
    return dt.date.fromisoformat(value) if value else None


def screen_input(screen: Screen) -> ScreenInput:
    """The plain-data view of a screen that the pure rules read."""
    measurements: dict[str, dict[str, object]] = {}
    for measure in schema.MEASURES:
        measurements[measure.key] = {}
        for side in schema.SIDES:
            value = screen.side_value(measure.key, side)
            if measure.kind == "passfail":
                measurements[measure.key][side] = value or None
            else:
                measurements[measure.key][side] = _number(value)
    gait: dict[str, object] = {
        "cadence_spm": screen.cadence_spm,
        "speed_kmh": _number(screen.speed_kmh),
        "foot_strike": {s: screen.side_value("foot_strike", s) or None for s in schema.SIDES},
        "overstride": screen.overstride,
        "heel_lift": screen.heel_lift or None,
    }
    for key in schema.GAIT_SIDE_FLAGS:
        gait[key] = {side: screen.side_value(key, side) for side in schema.SIDES}
    return ScreenInput(
        age=screen.patient.age_on(screen.performed_on),
        sex=screen.patient.sex,
        measurements=measurements,
        gait=gait,
        signs=tuple(screen.signs or ()),
        injury_history=injury_history_of(screen),
        pain_nprs=screen.pain_nprs,
        heel_raise_pain={s: screen.side_value("heel_raise_pain", s) for s in schema.SIDES},
        proms={p.key: _number(getattr(screen, p.key)) for p in schema.PROMS},
        red_flags=tuple(screen.red_flags or ()),
        ottawa={
            side: {item: screen.side_value(f"ottawa_{item}", side) for item in schema.OTTAWA_ITEMS}
            for side in schema.SIDES
        },
        night_pain=screen.night_pain,
        focal_bone_tenderness={
            s: screen.side_value("focal_bone_tenderness", s) for s in schema.SIDES
        },
        hop_pain={s: screen.side_value("hop_pain_nprs", s) for s in schema.SIDES},
        hop_pain_site={s: screen.side_value("hop_pain_site", s) or None for s in schema.SIDES},
    )


@dataclass
class ScreenDetail:
    screen: Screen
    findings: list[Finding]
    previous: Screen | None
    changes: list[Change]  # measured change since `previous`
    history: list[ScreenChange]  # edits of this screen (audit)


def previous_screen(screen: Screen) -> Screen | None:
    """The same patient's screen just before this one (by date, then by entry order)."""
    return (
        Screen.objects.filter(patient_id=screen.patient_id, clinic_id=screen.clinic_id)
        .filter(
            Q(performed_on__lt=screen.performed_on)
            | Q(performed_on=screen.performed_on, pk__lt=screen.pk)
        )
        .select_related("patient")
        .order_by("-performed_on", "-pk")
        .first()
    )


def screen_findings(screen: Screen, t: Thresholds) -> list[Finding]:
    return findings.evaluate(screen_input(screen), t)


_UNKNOWN = object()


def screen_detail(*, screen: Screen, previous: Screen | None | object = _UNKNOWN) -> ScreenDetail:
    """Findings, change since the previous screen and edit log: at most three queries,
    whatever the number of screens or edits; fewer when the caller already has the previous
    screen or read the screen `with_page_extras` (no edit log query for a screen never
    edited)."""
    t = screen_thresholds(screen)
    current = screen_input(screen)
    if previous is _UNKNOWN:
        previous = previous_screen(screen)
    changes = []
    if previous is not None:
        changes = findings.change_since(screen_input(previous), current, t)
    edits = screen_changes(screen=screen) if getattr(screen, "was_edited", True) else []
    return ScreenDetail(screen, findings.evaluate(current, t), previous, changes, edits)


def screen_page(*, user, screen: Screen, chart_limit: int) -> tuple[ScreenDetail, list[Screen]]:
    """What the screen page shows: the detail, and the patient's latest `chart_limit` screens
    oldest first for the chart. The previous screen is usually among those, so it costs no
    query of its own."""
    latest = list(
        scope(Screen.objects.all(), user, roles=READ_ROLES)
        .filter(patient_id=screen.patient_id)
        .order_by("-performed_on", "-id")[:chart_limit]
    )
    for other in latest:
        other.patient = screen.patient  # the same patient: no lazy read per row
    position = next((i for i, other in enumerate(latest) if other.pk == screen.pk), None)
    if position is not None and position + 1 < len(latest):
        previous = latest[position + 1]
    elif position is not None and len(latest) < chart_limit:
        previous = None  # the list holds every screen of the patient: this is the first
    else:
        previous = _UNKNOWN  # older than the chart, or its oldest point: ask the database
    detail = screen_detail(screen=screen, previous=previous)
    latest.reverse()
    return detail, latest


def patient_screens(*, user, patient: Patient, limit: int | None = None) -> list[Screen]:
    """A patient's screens, oldest first, in one query (for lists and charts); with `limit`,
    only the latest that many, so a page does not grow with a long history."""
    screens = screens_visible_to(user).filter(patient=patient)
    if limit is None:
        return list(screens.order_by("performed_on", "id"))
    return list(reversed(screens.order_by("-performed_on", "-id")[:limit]))


@dataclass(frozen=True)
class ChartScreen:
    """One screen on the patient's chart, with the screen before it (None for the first)."""

    screen: Screen
    previous: Screen | None


def chart_screens(*, user, patient: Patient, limit: int = 6) -> tuple[list[ChartScreen], bool]:
    """The patient's latest `limit` screens, newest first, each with the one before it (for
    the comparison link), and whether older ones exist. One query: a clinician or clinic admin
    `user` only."""
    screens = list(
        scope(Screen.objects.all(), user, roles=CLINICAL_ROLES)
        .filter(patient=patient)
        .select_related("created_by")
        .order_by("-performed_on", "-id")[: limit + 1]
    )
    rows = [
        ChartScreen(screen, screens[n + 1] if n + 1 < len(screens) else None)
        for n, screen in enumerate(screens[:limit])
    ]
    return rows, len(screens) > limit


def chart_series(screens: list[Screen]) -> dict:
    """Per-measurement, per-side series over time for Chart.js (numbers only, no pass/fail)."""
    labels = [s.performed_on.isoformat() for s in screens]
    series = []
    for measure in schema.MEASURES:
        if measure.kind == "passfail":
            continue
        sides = {
            side: [_number(s.side_value(measure.key, side)) for s in screens]
            for side in schema.SIDES
        }
        if any(v is not None for values in sides.values() for v in values):
            series.append(
                {"key": measure.key, "label": measure.label, "unit": measure.unit, **sides}
            )
    return {"labels": labels, "series": series}


def screen_changes(*, screen: Screen) -> list[ScreenChange]:
    """Who changed the screen after it was created, newest first (one query)."""
    return list(screen.changes.select_related("changed_by"))


def column_label(column: str) -> str:
    """A model column as clinicians read it, e.g. "Knee-to-wall (weight-bearing lunge), left"."""
    for side in schema.SIDES:
        key = column.removesuffix(f"_{side}")
        if key != column:
            spec = schema.MEASURES_BY_KEY.get(key)
            if key == schema.HEEL_RAISE_PAIN.key:
                spec = schema.HEEL_RAISE_PAIN
            name = (
                spec.label
                if spec
                else schema.GAIT_SIDE_FLAG_LABELS.get(key, key.replace("_", " ").capitalize())
            )
            return gettext("%(name)s, %(side)s") % {
                "name": gettext(name),
                "side": pgettext("body side", side),
            }
    spec = schema.SCALARS_BY_KEY.get(column)
    return gettext(spec.label) if spec else column.replace("_", " ").capitalize()


def injury_history_of(screen: Screen) -> tuple[InjuryHistory, ...]:
    """The screen's injury history as the engines read it (docs/clinical-rules.md §6)."""
    return tuple(
        InjuryHistory(i["condition"], i["side"], i["status"], _onset(i))
        for i in screen.injury_history or ()
    )


def first_and_latest_screens(*, patient: Patient) -> tuple[Screen | None, Screen | None]:
    """The patient's first and latest screens at their clinic, each with the clinic's
    thresholds (for the progress report's comparison). Two queries; the same screen twice
    when there is only one. Callers pass a patient the user may see (scoped before)."""
    screens = with_thresholds(
        Screen.objects.filter(patient_id=patient.pk, clinic_id=patient.clinic_id)
    )
    first = screens.order_by("performed_on", "id").first()
    if first is None:
        return None, None
    latest = screens.order_by("-performed_on", "-id").first()
    for screen in (first, latest):
        screen.patient = patient  # no lazy read of the patient for the age
    return first, latest


@dataclass(frozen=True)
class ComparedValue:
    """One side of one measurement on the first and the latest screen."""

    measure: str
    label: str
    unit: str
    side: str
    first: float | None
    latest: float | None
    change: Change | None  # None when only one screen holds the value


def compare_first_and_latest(
    first: Screen, latest: Screen, measures: tuple[str, ...]
) -> list[ComparedValue]:
    """`measures` of the first and the latest screen per side, with the change the screen page
    would call real or within error (findings.change_since). No query."""
    changes = {}
    if first.pk != latest.pk:
        t = screen_thresholds(latest)
        for change in findings.change_since(screen_input(first), screen_input(latest), t):
            changes[(change.measure, change.side)] = change
    rows = []
    for key in measures:
        measure = schema.MEASURES_BY_KEY[key]
        for side in schema.SIDES:
            before = _number(first.side_value(key, side)) if first.pk != latest.pk else None
            after = _number(latest.side_value(key, side))
            if before is None and after is None:
                continue
            rows.append(
                ComparedValue(
                    key,
                    measure.label,
                    measure.unit,
                    side,
                    before,
                    after,
                    changes.get((key, side)),
                )
            )
    return rows
