"""The one place that writes program versions: lock the patient, number the next version,
create it with its items and history. The build, publish, automatic progression and the
clinician's review actions all go through here, so two writers for one patient queue on the
patient's row and never make the same version twice."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any
from uuid import UUID

from django.utils import timezone

from clinic.models import Patient

from . import reminders
from .models import Drill, Program, ProgramChange, ProgramItem, ProgramStatus

# What a program item takes from the engine's draft item (prescribe.DraftItem), besides its drill.
DRAFT_ITEM_FIELDS = (
    "side",
    "sets",
    "reps",
    "hold_s",
    "load_note",
    "days_per_week",
    "order",
    "reason",
    "finding",
    "rule",
    "ladder",
    "rung",
    "variant",
    "times_per_day",
    "patient_reason",
)
# What a new version copies of each item: the prescription and the progression state.
ITEM_STATE_FIELDS = (
    "drill_id",
    *DRAFT_ITEM_FIELDS,
    "lineage",
    "load_pct",
    "dose_since",
    "no_progress_until",
    "last_progress",
    "regressions",
    "cleared_on",
    "paused",
    "pause_reason",
    "translations",
)


def item_translations(drill: Drill, *, reasons: Mapping[str, str] | None = None) -> dict:
    """What an item keeps of its drill's text in the other languages (ProgramItem.translations),
    with the patient's reason in each language that has one."""
    snapshot = {language: dict(text) for language, text in (drill.translations or {}).items()}
    for language, reason in (reasons or {}).items():
        if reason:
            snapshot.setdefault(language, {})["patient_reason"] = reason
    return snapshot


def _reasons(translations: Mapping[str, Mapping]) -> dict[str, str]:
    """The patient reasons an item's snapshot holds, by language."""
    return {lang: text.get("patient_reason", "") for lang, text in (translations or {}).items()}


def lock_patient(patient_id: int) -> None:
    """Hold the patient's row until the transaction ends (call inside `transaction.atomic`)."""
    Patient.objects.select_for_update().filter(pk=patient_id).values("pk").first()


def next_version(patient_id: int) -> int:
    """The number the patient's next program version takes (call under the patient lock)."""
    last = (
        Program.objects.filter(patient_id=patient_id)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    return (last or 0) + 1


def version_create(
    *,
    patient_id: int,
    fields: Mapping[str, Any],
    items: Iterable[Mapping[str, Any]],
    changes: Iterable[Mapping[str, Any]],
    user,
) -> Program:
    """A new version of the patient's program with its items and history lines (call under
    the patient lock). `fields` are the Program's own values; each change mapping holds
    ProgramChange fields other than program and version."""
    program = Program.objects.create(
        patient_id=patient_id,
        version=next_version(patient_id),
        created_by=user,
        **fields,
    )
    ProgramItem.objects.bulk_create(ProgramItem(program=program, **item) for item in items)
    ProgramChange.objects.bulk_create(
        ProgramChange(program=program, version=program.version, **change) for change in changes
    )
    return program


def version_copy(
    program: Program,
    *,
    updates: Mapping[UUID, Mapping[str, Any]],
    lines: list[dict[str, Any]],
    source: str,
    user,
    started_on: date,
    flags: list[dict] | None = None,
) -> Program:
    """Copy `program` (published or paused) into version N + 1 with the item updates applied,
    supersede it, and write the history lines on the new version. Call under the patient lock.
    """
    now = timezone.now()
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.SUPERSEDED, updated_at=now)
    slugs = {u["drill_slug"] for u in updates.values() if "drill_slug" in u}
    drills = {d.slug: d for d in Drill.objects.filter(clinic__isnull=True, slug__in=slugs)}
    items = []
    for item in program.items.all():
        values = {name: getattr(item, name) for name in ITEM_STATE_FIELDS}
        for name, value in updates.get(item.lineage, {}).items():
            if name == "drill_slug":
                values["drill_id"] = drills[value].pk
                # Another drill: its text, with the reason the item already gave.
                values["translations"] = item_translations(
                    drills[value], reasons=_reasons(item.translations)
                )
            else:
                values[name] = value
        items.append(values)
    new = version_create(
        patient_id=program.patient_id,
        user=user,
        fields={
            "clinic_id": program.clinic_id,
            "screen_id": program.screen_id,
            "status": program.status,
            "notes": program.notes,
            "flags": program.flags if flags is None else flags,
            "modifiers": program.modifiers,
            "exclusions": program.exclusions,
            "published_by": program.published_by,
            "published_at": now,
            "started_on": started_on,
        },
        items=items,
        changes=[
            {
                "source": source,
                "action": line["action"],
                "drill": line["drill"],
                "detail": line["detail"],
                "reason": line["reason"],
                "created_by": user,
            }
            for line in lines
        ],
    )
    ProgramChange.objects.create(
        program=program,
        version=program.version,
        source=source,
        action="superseded",
        detail={"by_version": new.version},
        reason=f"Replaced by version {new.version}.",
        created_by=user,
    )
    new = Program.objects.select_related("clinic", "patient").get(pk=new.pk)
    if new.status == ProgramStatus.PUBLISHED:
        # Reminders follow the version in force.
        reminders.program_published_notify(program=new, replaced=[program])
    return new


def version_amend(
    program: Program,
    *,
    updates: Mapping[UUID, Mapping[str, Any]],
    lines: list[dict[str, Any]],
    source: str,
    user,
    flags: list[dict] | None = None,
) -> Program:
    """Merge more changes into `program` itself: the version the progression engine wrote
    earlier the same day (docs/clinical-rules.md §7: at most one automatic version a patient a
    day). Each change keeps its own history line and reason. Call under the patient lock."""
    slugs = {u["drill_slug"] for u in updates.values() if "drill_slug" in u}
    drills = {d.slug: d for d in Drill.objects.filter(clinic__isnull=True, slug__in=slugs)}
    for item in program.items.filter(lineage__in=list(updates)):
        fields = []
        for name, value in updates[item.lineage].items():
            if name == "drill_slug":
                item.drill = drills[value]
                item.translations = item_translations(
                    drills[value], reasons=_reasons(item.translations)
                )
                fields += ["drill", "translations"]
            else:
                setattr(item, name, value)
                fields.append(name)
        item.save(update_fields=fields)
    if flags is not None:
        program.flags = flags
        program.save(update_fields=["flags", "updated_at"])
    ProgramChange.objects.bulk_create(
        ProgramChange(
            program=program,
            version=program.version,
            source=source,
            action=line["action"],
            drill=line["drill"],
            detail=line["detail"],
            reason=line["reason"],
            created_by=user,
        )
        for line in lines
    )
    program = Program.objects.select_related("clinic", "patient").get(pk=program.pk)
    if program.status == ProgramStatus.PUBLISHED:
        # A new rung may have new drill days: the reminders follow.
        reminders.program_published_notify(program=program)
    return program
