"""The clinician's answers to automatic progression: accept a change, undo it, set a dose by
hand, resume a program paused by a red flag. Each dose change is a new version
(`programs.versions`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from . import progression_rules as progress
from . import reminders, versions
from .evaluation import AUTOMATIC_ACTIONS, DOSE_KEYS, dose_of, load_note, started_on
from .models import ChangeReview, ChangeSource, Program, ProgramChange, ProgramItem, ProgramStatus
from .services import ProgramConflict, validate_dose


def current_program(patient_id: int) -> Program | None:
    return (
        Program.objects.select_related("clinic", "patient__clinic")
        .filter(patient_id=patient_id, status__in=[ProgramStatus.PUBLISHED, ProgramStatus.PAUSED])
        .order_by("-version")
        .first()
    )


@transaction.atomic
def change_accept(*, user, change: ProgramChange) -> ProgramChange:
    """The clinician agrees with an automatic change; it leaves the worklist."""
    change = _pending(change)
    change.review = ChangeReview.ACCEPTED
    change.reviewed_by = user
    change.reviewed_at = timezone.now()
    change.save(update_fields=["review", "reviewed_by", "reviewed_at"])
    return change


@transaction.atomic
def changes_accept_all(*, user, program: Program) -> list[ProgramChange]:
    """The clinician agrees with every automatic change of the patient still waiting for a
    review (docs/clinical-rules.md §7): they all leave the worklist at once; none waiting is
    no error (an empty list). `program` is any version of the patient's program; the caller has
    checked the user may see it."""
    versions.lock_patient(program.patient_id)
    pending = list(
        ProgramChange.objects.select_for_update()
        .filter(
            program__patient_id=program.patient_id,
            source=ChangeSource.PROGRESSION,
            action__in=AUTOMATIC_ACTIONS,
            review="",
        )
        .order_by("created_at", "id")
    )
    now = timezone.now()
    for change in pending:
        change.review = ChangeReview.ACCEPTED
        change.reviewed_by = user
        change.reviewed_at = now
    ProgramChange.objects.bulk_update(pending, ["review", "reviewed_by", "reviewed_at"])
    return pending


@transaction.atomic
def change_undo(*, user, change: ProgramChange, reason: str = "") -> Program:
    """Put the drill back to its dose before the automatic change, in a new version."""
    change = _pending(change)
    before = change.detail.get("before")
    if not before:
        raise ValidationError(
            {"change": [gettext("This change has no earlier dose to go back to.")]}
        )
    program, item = _current_item(change)
    values = {
        "drill_slug": before["drill"],
        "rung": before["rung"],
        "sets": before["sets"],
        "reps": before["reps"],
        "hold_s": before["hold_s"],
        "load_pct": before["load_pct"],
        "load_note": load_note(before["load_pct"]) if before["load_pct"] else item.load_note,
    }
    words = f"{item.drill.name}: back to {_dose_text(before)}, as your clinician decided."
    new = _clinician_version(user, program, item, values, "undone", words, reason, change)
    _review(change, user, ChangeReview.UNDONE)
    return new


@transaction.atomic
def item_override(
    *,
    user,
    program: Program,
    item: ProgramItem,
    dose: Mapping[str, Any],
    reason: str = "",
    change: ProgramChange | None = None,
) -> Program:
    """Set a drill's dose by hand (and resume it if T-STOP paused it), in a new version."""
    errors: dict[str, list[str]] = {}
    dose = {name: dose[name] for name in ("sets", "reps", "hold_s") if name in dose}
    validate_dose(dose, errors, "dose")
    if dose.get("reps", item.reps) is None and dose.get("hold_s", item.hold_s) is None:
        errors.setdefault("dose", []).append(gettext("A drill needs reps or a hold time."))
    if errors:
        raise ValidationError(errors)
    if change is not None:
        change = _pending(change)
    versions.lock_patient(program.patient_id)
    program = Program.objects.select_related("clinic", "patient__clinic").get(pk=program.pk)
    if program.status not in (ProgramStatus.PUBLISHED, ProgramStatus.PAUSED):
        raise ProgramConflict(
            gettext("Only the current program can be changed; this one is %(status)s.")
            % {"status": program.status}
        )
    item = program.items.select_related("drill").get(pk=item.pk)
    after = {**dose_of(item), **dose}
    words = f"{item.drill.name}: {_dose_text(after)} now, as your clinician decided."
    new = _clinician_version(user, program, item, dose, "overridden", words, reason, change)
    if change is not None:
        _review(change, user, ChangeReview.OVERRIDDEN)
    return new


@transaction.atomic
def program_resume(*, user, program: Program, note: str = "") -> Program:
    """The clinician has seen the patient about a red flag: the program runs again. Logs up to
    today are not read again by the red-flag and stop rules."""
    versions.lock_patient(program.patient_id)
    program = Program.objects.select_related("clinic", "patient__clinic").get(pk=program.pk)
    if program.status != ProgramStatus.PAUSED:
        raise ProgramConflict(
            gettext("Only a paused program can be resumed; this one is %(status)s.")
            % {"status": program.status}
        )
    if not note.strip():
        raise ValidationError(
            {"note": [gettext("Say what you found when you reviewed the patient.")]}
        )
    today = program.clinic.today()  # the clinician's day, on the flag
    now = timezone.now()
    program.flags = [
        {**f, "resolved": True, "resolved_by": user.email, "resolved_on": today.isoformat()}
        if f.get("kind") == "red_flag" and not f.get("resolved")
        else f
        for f in program.flags
    ]
    program.status = ProgramStatus.PUBLISHED
    program.save(update_fields=["flags", "status", "updated_at"])
    # Logs are dated on the patient's calendar (docs/clinical-rules.md §1); on the clinic's, a
    # patient still on yesterday would have tomorrow's logs left unread by the stop rules.
    program.items.update(cleared_on=program.patient.today())
    reminders.program_resumed_notify(program=program)
    ProgramChange.objects.create(
        program=program,
        version=program.version,
        source=ChangeSource.CLINICIAN,
        action="resumed",
        detail={"note": note.strip()},
        reason="Your clinician reviewed what you reported; the program continues.",
        created_by=user,
        reviewed_by=user,
        reviewed_at=now,
    )
    return program


def _pending(change: ProgramChange) -> ProgramChange:
    change = ProgramChange.objects.select_for_update().get(pk=change.pk)
    if change.source != ChangeSource.PROGRESSION or change.action not in AUTOMATIC_ACTIONS:
        raise ValidationError(
            {"change": [gettext("Only automatic dose changes are reviewed here.")]}
        )
    if change.review:
        raise ProgramConflict(
            gettext("This change was already %(review)s.")
            % {"review": change.get_review_display().lower()}
        )
    return change


def _current_item(change: ProgramChange) -> tuple[Program, ProgramItem]:
    versions.lock_patient(change.program.patient_id)
    program = current_program(change.program.patient_id)
    lineage = change.detail.get("lineage")
    item = (
        program.items.select_related("drill").filter(lineage=lineage).first()
        if program is not None and lineage
        else None
    )
    if item is None:
        raise ProgramConflict(gettext("That drill is no longer in the patient's current program."))
    return program, item


def _clinician_version(user, program, item, values, action, words, reason, change) -> Program:
    # The new dose counts from the patient's day, the calendar their logs are dated in
    # (docs/clinical-rules.md §1): no log is taken for one made at another dose, nor left unread.
    today = program.patient.today()
    update = {
        **values,
        "paused": False,
        "pause_reason": "",
        "dose_since": today,
        "cleared_on": today,
        "no_progress_until": None,
        "reason": words,
    }
    after = {**dose_of(item), **{k: v for k, v in values.items() if k in DOSE_KEYS}}
    if "drill_slug" in values:
        after["drill"] = values["drill_slug"]
    detail = {"lineage": str(item.lineage), "before": dose_of(item), "after": after, "note": reason}
    if change is not None:
        detail["change"] = change.pk
    return versions.version_copy(
        program,
        updates={item.lineage: update},
        lines=[{"action": action, "drill": item.drill.slug, "reason": words, "detail": detail}],
        source=ChangeSource.CLINICIAN,
        user=user,
        started_on=started_on(program),
    )


def _review(change: ProgramChange, user, review: str) -> None:
    ProgramChange.objects.filter(pk=change.pk).update(
        review=review, reviewed_by=user, reviewed_at=timezone.now()
    )


def _dose_text(dose: Mapping[str, Any]) -> str:
    return progress.format_dose(
        progress.Dose(
            dose.get("drill", ""),
            0,
            dose["sets"],
            dose.get("reps"),
            dose.get("hold_s"),
            dose.get("load_pct") or 0.0,
        )
    )
