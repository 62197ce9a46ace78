"""Read side of the audit app: one clinic's trail, changes and reads merged by time."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo

from django.db.models import QuerySet

from clinic.link_tokens import redact_text
from clinic.models import Patient
from programs.models import Program, SessionLog

from .models import (
    ANONYMISED_FIELDS,
    EVENT_MODELS,
    AccessAction,
    AccessEvent,
    ProgramEvent,
    SessionLogEvent,
)

ACCESS = "access"
KINDS = (*EVENT_MODELS, ACCESS)
LABELS = {"insert": "created", "update": "changed", "delete": "deleted"}
# Columns that change on every save and say nothing by themselves.
_NOISE = {"updated_at"}
# Shown instead of what an anonymised patient's history rows still hold.
REMOVED = "(removed: patient anonymised)"


@dataclass(frozen=True)
class TrailFilter:
    patient: int | None = None
    actor: int | None = None
    kind: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    tz: tzinfo = UTC  # where the days begin and end: the clinic's zone


@dataclass
class TrailRow:
    when: datetime
    kind: str  # a key of EVENT_MODELS, or "access"
    action: str  # created / changed / deleted, or an AccessAction label
    object_id: int | None
    patient_id: int | None
    actor_id: int | None
    context: dict
    changes: list[tuple[str, object, object]] = field(default_factory=list)
    detail: str = ""
    event: object = None
    object_type: str = ""

    @property
    def label(self) -> str:
        """What happened, in words: "Screen 12 changed", "Program 4 viewed"."""
        what = self.object_type if self.kind == ACCESS else self.kind
        number = "" if self.object_id is None else f" {self.object_id}"
        return f"{(what or 'Record').capitalize()}{number} {self.action.lower()}"


def _ids(*querysets) -> set[int]:
    found: set[int] = set()
    for qs in querysets:
        found.update(v for v in qs if v is not None)
    return found


def _program_ids(clinic_id: int, patient_id: int | None) -> set[int]:
    """Programs of the clinic (or of one patient), including ones deleted since."""
    live = Program.objects.filter(clinic_id=clinic_id)
    past = ProgramEvent.objects.filter(clinic_id=clinic_id)
    if patient_id is not None:
        live, past = live.filter(patient_id=patient_id), past.filter(patient_id=patient_id)
    return _ids(live.values_list("pk", flat=True), past.values_list("pgh_obj_id", flat=True))


def _session_ids(patient_ids) -> set[int]:

    return _ids(
        SessionLog.objects.filter(patient_id__in=patient_ids).values_list("pk", flat=True),
        SessionLogEvent.objects.filter(patient_id__in=patient_ids).values_list(
            "pgh_obj_id", flat=True
        ),
    )


def _scoped(kind: str, clinic_id: int, patient_id: int | None) -> QuerySet:
    """The event rows of one kind that belong to the clinic (and patient)."""
    model = EVENT_MODELS[kind]
    qs = model.objects.all()
    if (
        patient_id is not None
        and not Patient.objects.filter(pk=patient_id, clinic_id=clinic_id).exists()
    ):
        return qs.none()
    clinic_patients = Patient.objects.filter(clinic_id=clinic_id).values("pk")
    patients = [patient_id] if patient_id is not None else clinic_patients
    if kind == "patient":
        qs = qs.filter(clinic_id=clinic_id)
        return qs.filter(pgh_obj_id=patient_id) if patient_id is not None else qs
    if kind in ("screen", "program", "appointment"):
        qs = qs.filter(clinic_id=clinic_id)
        return qs.filter(patient_id=patient_id) if patient_id is not None else qs
    if kind in ("session", "check-in"):
        return qs.filter(patient_id__in=patients)
    if kind == "program item":
        return qs.filter(program_id__in=_program_ids(clinic_id, patient_id))
    if kind == "session item":
        return qs.filter(session_id__in=_session_ids(patients))
    raise ValueError(kind)


def _day_range(qs: QuerySet, column: str, flt: TrailFilter) -> QuerySet:
    if flt.date_from:
        qs = qs.filter(**{f"{column}__gte": datetime.combine(flt.date_from, time.min, flt.tz)})
    if flt.date_to:
        qs = qs.filter(**{f"{column}__lte": datetime.combine(flt.date_to, time.max, flt.tz)})
    return qs


def _event_querysets(clinic_id: int, flt: TrailFilter) -> dict[str, QuerySet]:
    kinds = [flt.kind] if flt.kind else list(KINDS)
    out = {}
    for kind in kinds:
        if kind == ACCESS:
            qs = AccessEvent.objects.filter(clinic_id=clinic_id)
            if flt.patient is not None:
                qs = qs.filter(patient_id=flt.patient)
            if flt.actor is not None:
                qs = qs.filter(actor_id=flt.actor)
            out[kind] = _day_range(qs, "created_at", flt).order_by("-created_at", "-id")
            continue
        qs = _scoped(kind, clinic_id, flt.patient)
        if flt.actor is not None:
            qs = qs.filter(pgh_context__user=flt.actor)
        out[kind] = _day_range(qs, "pgh_created_at", flt).order_by("-pgh_created_at", "-pgh_id")
    return out


def _patient_of(kind: str, event, programs: dict, sessions: dict) -> int | None:
    if kind == "patient":
        return event.pgh_obj_id
    if kind == "program item":
        return programs.get(event.program_id)
    if kind == "session item":
        return sessions.get(event.session_id)
    return event.patient_id


def _tracked_fields(model) -> list[str]:
    tracked = {f.name for f in model.pgh_tracked_model._meta.concrete_fields}
    return [
        f.attname for f in model._meta.concrete_fields if f.name in tracked and f.name not in _NOISE
    ]


def _with_changes(kind: str, events: list) -> dict[int, list]:
    """Before and after of each event: its row against the previous row of the same object."""
    if not events:
        return {}
    model = EVENT_MODELS[kind]
    columns = _tracked_fields(model)
    objects = {e.pgh_obj_id for e in events}
    history: dict[int, list] = {}
    for row in model.objects.filter(pgh_obj_id__in=objects).order_by("pgh_id"):
        history.setdefault(row.pgh_obj_id, []).append(row)
    result = {}
    for event in events:
        rows = history.get(event.pgh_obj_id, [])
        earlier = [r for r in rows if r.pgh_id < event.pgh_id]
        before = earlier[-1] if earlier else None
        changes = []
        for column in columns:
            after = getattr(event, column)
            if event.pgh_label == "insert":
                changes.append((column, None, after))
            elif event.pgh_label == "delete":
                changes.append((column, after, None))
            elif before is None:
                changes.append((column, "(not recorded)", after))
            elif getattr(before, column) != after:
                changes.append((column, getattr(before, column), after))
        if event.pgh_label == "update" and before is None:
            # No earlier snapshot (made before the trail started): show what it became.
            changes = [(c, b, a) for c, b, a in changes if a not in (None, "", [], {})]
        result[event.pgh_id] = changes
    return result


def _maps(clinic_id: int) -> tuple[dict, dict]:

    programs = dict(Program.objects.filter(clinic_id=clinic_id).values_list("pk", "patient_id"))
    programs.update(
        ProgramEvent.objects.filter(clinic_id=clinic_id).values_list("pgh_obj_id", "patient_id")
    )
    patients = Patient.objects.filter(clinic_id=clinic_id).values("pk")
    sessions = dict(
        SessionLog.objects.filter(patient_id__in=patients).values_list("pk", "patient_id")
    )
    sessions.update(
        SessionLogEvent.objects.filter(patient_id__in=patients).values_list(
            "pgh_obj_id", "patient_id"
        )
    )
    return programs, sessions


def _detail(context: dict) -> str:
    """What a change came through: a task, a service's action, or a request's route. Rows
    written before routes were recorded hold the path, shown without any link token."""
    found = context.get("task") or context.get("action") or context.get("route")
    return found or redact_text(context.get("url") or "")


def _rows(clinic_id: int, per_kind: dict[str, list]) -> list[TrailRow]:
    programs, sessions = _maps(clinic_id) if per_kind else ({}, {})
    rows = []
    for kind, events in per_kind.items():
        if kind == ACCESS:
            rows += [
                TrailRow(
                    when=e.created_at,
                    kind=ACCESS,
                    action=e.get_action_display(),
                    object_id=e.object_id,
                    patient_id=e.patient_id,
                    actor_id=e.actor_id,
                    context={},
                    detail=e.detail,
                    event=e,
                    object_type=e.object_type,
                )
                for e in events
            ]
            continue
        changes = _with_changes(kind, events)
        for e in events:
            context = e.pgh_context or {}
            rows.append(
                TrailRow(
                    when=e.pgh_created_at,
                    kind=kind,
                    action=LABELS.get(e.pgh_label, e.pgh_label),
                    object_id=e.pgh_obj_id,
                    patient_id=_patient_of(kind, e, programs, sessions),
                    actor_id=context.get("user"),
                    context=context,
                    changes=changes.get(e.pgh_id, []),
                    detail=_detail(context),
                    event=e,
                )
            )
    _redact_anonymised(clinic_id, rows)
    rows.sort(key=lambda r: r.when, reverse=True)
    return rows


def anonymised_patients(clinic_id: int, patient_ids) -> set[int]:
    """Those of `patient_ids` that the clinic has anonymised."""
    return set(
        AccessEvent.objects.filter(
            clinic_id=clinic_id, action=AccessAction.ANONYMISE, patient_id__in=patient_ids
        ).values_list("patient_id", flat=True)
    )


def _redact_anonymised(clinic_id: int, rows: list[TrailRow]) -> None:
    """An anonymised patient's identity and free text leave the trail too: the history rows
    keep them (append-only), so their before/after values are shown as removed."""
    candidates = {r.patient_id for r in rows if r.kind in ANONYMISED_FIELDS and r.patient_id}
    if not candidates:
        return
    anonymised = anonymised_patients(clinic_id, candidates)
    for row in rows:
        if row.patient_id not in anonymised or row.kind not in ANONYMISED_FIELDS:
            continue
        hidden = ANONYMISED_FIELDS[row.kind]
        changes = []
        for column, before, after in row.changes:
            if column in hidden:
                before, after = _removed(before), _removed(after)
            changes.append((column, before, after))
        row.changes = changes


def _removed(value):
    # Empty stays empty (there was nothing to hide); "(not recorded)" is no patient data.
    return value if value in (None, "", "(not recorded)") else REMOVED


def trail_count(*, clinic_id: int, flt: TrailFilter) -> int:
    return sum(qs.count() for qs in _event_querysets(clinic_id, flt).values())


def trail_page(*, clinic_id: int, flt: TrailFilter, offset: int, limit: int) -> list[TrailRow]:
    """Rows offset..offset+limit of the trail, newest first, with before/after of changes."""
    querysets = _event_querysets(clinic_id, flt)
    heads = {kind: list(qs[: offset + limit]) for kind, qs in querysets.items()}

    def key(item):
        return item[1].pgh_created_at if item[0] != ACCESS else item[1].created_at

    streams = [[(kind, e) for e in events] for kind, events in heads.items()]
    merged = list(heapq.merge(*streams, key=key, reverse=True))[offset : offset + limit]
    per_kind: dict[str, list] = {}
    for kind, event in merged:
        per_kind.setdefault(kind, []).append(event)
    return _rows(clinic_id, per_kind)


def trail_all(*, clinic_id: int, flt: TrailFilter) -> list[TrailRow]:
    """The whole filtered trail (for the CSV export)."""
    querysets = _event_querysets(clinic_id, flt)
    return _rows(clinic_id, {kind: list(qs) for kind, qs in querysets.items()})
