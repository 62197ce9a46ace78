"""Write-side operations a patient performs on their own program: log a session, check in.

Every write runs in one transaction, so a refused request stores nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from . import evaluation, reminders, versions
from .models import CheckIn, Program, ProgramStatus, SessionItemLog, SessionLog
from .red_flags import ANSWERS as RED_FLAG_ANSWERS
from .services import ProgramConflict

MAX_SORENESS_HOURS = 168
MAX_RED_FLAG_DETAIL = 1000  # characters of "what happened" with a red-flag report


def _lock(program: Program) -> Program:
    """Lock the patient, then the program: the same order as publishing and the progression
    engine, so two writers for one patient wait for each other instead of deadlocking."""
    versions.lock_patient(program.patient_id)
    # Only the program's row: a FOR UPDATE over the joined rows would also lock the clinic's,
    # and every patient of the clinic logging at once would wait for one another.
    return (
        Program.objects.select_for_update(of=("self",))
        .select_related("clinic", "patient__clinic")
        .get(pk=program.pk)
    )


def _check_date(program: Program, day: date, errors: dict) -> None:
    if day > program.patient.today():
        errors["date"] = [gettext("The date cannot be in the future.")]


@transaction.atomic
def session_log(
    *,
    program: Program,
    day: date,
    items: Iterable[Mapping],
    pain_during: int | None = None,
    client_id: UUID | None = None,
) -> SessionLog:
    """Store (or replace, the same day) the session of `day` for the patient's program.

    `client_id` is the request's idempotency key: when this patient already sent it, the log
    it wrote is returned unchanged with `replayed` set (a log kept offline and sent again
    writes once). A new key on the same day still replaces the day's log, as without a key.

    `pain_during` is the session's one pain score: it fills the drills logged without their
    own. Tendon-loading drills need their own score, never a copied one
    (docs/clinical-rules.md §7).

    Raises ValidationError naming the field for bad input and ProgramConflict when the program
    is paused or a past day's log would be rewritten. The progression engine then runs; what it
    did is on the returned log as `evaluation` (a evaluation.Evaluation).
    """
    program = _lock(program)
    if client_id is not None:
        done = SessionLog.objects.filter(patient_id=program.patient_id, client_id=client_id).first()
        if done is not None:
            done.replayed = True
            return done
    items = list(items)
    errors: dict[str, list[str]] = {}
    _check_date(program, day, errors)
    own = {item.pk: item for item in program.items.select_related("drill")}
    seen: set[int] = set()
    scores: dict[int, int] = {}
    for entry in items:
        pk = entry["program_item"]
        if pk not in own:
            errors.setdefault("items", []).append(
                gettext("Not an item of your program: %(item)s.") % {"item": pk}
            )
        elif pk in seen:
            errors.setdefault("items", []).append(
                gettext("Item %(item)s is logged twice.") % {"item": pk}
            )
        elif entry["completed_sets"] > own[pk].sets:
            errors.setdefault("items", []).append(
                gettext("completed_sets of item %(item)s is more than the %(sets)s prescribed.")
                % {"item": pk, "sets": own[pk].sets}
            )
        elif entry.get("pain_during") is not None:
            scores[pk] = entry["pain_during"]
        elif evaluation.needs_own_pain(own[pk]):
            errors.setdefault("items", []).append(
                gettext(
                    "pain_during of item %(item)s (%(drill)s) is missing: a tendon-loading "
                    "drill needs its own pain score, not the session's."
                )
                % {"item": pk, "drill": own[pk].drill.name}
            )
        elif pain_during is None:
            errors.setdefault("items", []).append(
                gettext(
                    "pain_during of item %(item)s is missing: give it, or the session's "
                    "pain_during."
                )
                % {"item": pk}
            )
        else:
            scores[pk] = pain_during
        seen.add(pk)
    if not items:
        errors.setdefault("items", []).append(gettext("Log at least one drill."))
    if errors:
        raise ValidationError(errors)
    if program.status != ProgramStatus.PUBLISHED:
        raise ProgramConflict(gettext("Your program is paused: please contact the clinic."))

    # The day's log may belong to an earlier version when the engine changed the program
    # after it: today's edit then moves it to the version in force.
    log = (
        SessionLog.objects.filter(patient_id=program.patient_id, date=day)
        .order_by("-program__version")
        .first()
    )
    if log is None:
        log = SessionLog.objects.create(
            patient_id=program.patient_id, program=program, date=day, client_id=client_id
        )
    elif day != program.patient.today():
        raise ProgramConflict(gettext("A session can only be changed on the day it was logged."))
    else:
        log.items.all().delete()
        log.program = program
        log.client_id = client_id or log.client_id
        log.save(update_fields=["program", "client_id", "updated_at"])
    SessionItemLog.objects.bulk_create(
        SessionItemLog(
            session=log,
            program_item_id=entry["program_item"],
            completed_sets=entry["completed_sets"],
            pain_during=scores[entry["program_item"]],
            difficulty=entry["difficulty"],
        )
        for entry in items
    )
    reminders.session_logged_notify(session=log)
    log.evaluation = evaluation.program_evaluate(program=program)
    log.replayed = False
    return log


@transaction.atomic
def checkin_record(
    *,
    program: Program,
    day: date,
    pain_next_morning: int,
    still_sore: bool | None = None,
    soreness_hours: int | None = None,
    first_step_pain: int | None = None,
    morning_stiffness_min: int | None = None,
    red_flags=(),
    run_km_week=None,
) -> CheckIn:
    """Store the next-morning check-in; any red-flag answer pauses the program at once and
    leaves a red flag and a history line for the clinician.

    "Still sore from the last session?" (`still_sore`) is asked at every check-in and counted
    in days; `soreness_hours` is the older question, still accepted from older clients. One
    of them is needed. First-step pain (plantar heel pain) and morning stiffness (Achilles)
    are optional here: a drill whose baseline they are holds until they come
    (docs/clinical-rules.md §7)."""
    program = _lock(program)
    red_flags = list(dict.fromkeys(red_flags))
    errors: dict[str, list[str]] = {}
    _check_date(program, day, errors)
    unknown = [code for code in red_flags if code not in RED_FLAG_ANSWERS]
    if unknown:
        errors["red_flags"] = [_unknown_codes(unknown)]
    if still_sore is None and soreness_hours is None:
        errors["still_sore"] = [
            gettext("Answer yes or no: are you still sore from the last session?")
        ]
    if errors:
        raise ValidationError(errors)
    checkin = CheckIn.objects.create(
        patient_id=program.patient_id,
        program=program,
        date=day,
        pain_next_morning=pain_next_morning,
        still_sore=still_sore,
        soreness_hours=soreness_hours,
        first_step_pain=first_step_pain,
        morning_stiffness_min=morning_stiffness_min,
        red_flags=red_flags,
        run_km_week=run_km_week,
    )
    reminders.checkin_recorded_notify(checkin=checkin)
    if red_flags:
        program = evaluation.program_pause_for_red_flags(
            program=program, codes=red_flags, where="in a check-in"
        )
        checkin.evaluation = evaluation.Evaluation(program, paused_program=True)
    else:
        checkin.evaluation = evaluation.program_evaluate(program=program)
    return checkin


def _unknown_codes(unknown) -> str:
    return gettext("Unknown red-flag codes: %(codes)s.") % {"codes": ", ".join(map(str, unknown))}


@transaction.atomic
def red_flags_report(*, program: Program, red_flags: Iterable[str], detail: str = "") -> Program:
    """The "something is wrong" button: any answer pauses the program at once. While it is
    paused the patient may report again, or only add detail (docs/clinical-rules.md §8); the
    clinician is told each time."""
    program = _lock(program)
    answers = list(dict.fromkeys(red_flags))
    detail = " ".join((detail or "").split())
    unknown = [code for code in answers if code not in RED_FLAG_ANSWERS]
    if unknown:
        raise ValidationError({"red_flags": [_unknown_codes(unknown)]})
    if len(detail) > MAX_RED_FLAG_DETAIL:
        raise ValidationError(
            {"detail": [gettext("At most %(count)s characters.") % {"count": MAX_RED_FLAG_DETAIL}]}
        )
    if not answers:
        if program.status == ProgramStatus.PAUSED and detail:
            return evaluation.program_red_flag_detail_add(program=program, detail=detail)
        paused = program.status == ProgramStatus.PAUSED
        wanted = (
            gettext("Tick an answer or write what happened.")
            if paused
            else gettext("Tick at least one answer.")
        )
        raise ValidationError({"red_flags": [wanted]})
    return evaluation.program_pause_for_red_flags(
        program=program,
        codes=answers,
        where='with the "something is wrong" button',
        detail=detail,
        moment=timezone.now(),
    )
