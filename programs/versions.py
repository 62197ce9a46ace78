"""The one place that writes program versions: lock the patient, number the next version,
create it with its items and history. The build, publish, automatic progression and the
clinician's review actions all go through here, so two writers for one patient queue on the
patient's row and never make the same version twice."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from clinic.models import Patient

from .models import Program, ProgramChange, ProgramItem

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
)


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
