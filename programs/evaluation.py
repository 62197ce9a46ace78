"""Automatic progression: read a published program's logs into the pure rules
(`programs.progression_rules`), and turn what they decide into a new program version
(`programs.versions`), with one history line per change in plain words; pause a program on a
red flag. The clinician's answers to these changes are in `programs.review`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from assessments.models import Screen
from assessments.selectors import clinic_thresholds, injury_history_of
from assessments.thresholds import Thresholds
from clinic.notifications import services as notify
from clinic.notifications.models import Kind
from clinic.selectors import responsible_clinicians

from . import adherence, reminders, versions
from . import progression_rules as progress
from .drills import DRILLS_BY_SLUG
from .ladders import LADDERS, rung_days
from .models import (
    ChangeSource,
    CheckIn,
    Program,
    ProgramChange,
    ProgramItem,
    ProgramStatus,
    SelfTest,
    SelfTestKind,
    SessionItemLog,
)
from .patient_text import load_sentence, times_per_day_for
from .prescribe import sprains_past_window
from .red_flags import BY_ANSWER, BY_CODE, most_urgent
from .run_selectors import run_km_weeks
from .selectors import week_plan

# Actions of the history lines this module writes.
PROGRESSED = "progressed"
REGRESSED = "regressed"
DRILL_PAUSED = "drill_paused"
AUTOMATIC_ACTIONS = (PROGRESSED, REGRESSED, DRILL_PAUSED)
_ACTION_OF = {
    progress.PROGRESS: PROGRESSED,
    progress.REGRESS: REGRESSED,
    progress.STOP: DRILL_PAUSED,
}

# The item fields that make up its dose and engine state (copied into every new version).
DOSE_KEYS = ("rung", "sets", "reps", "hold_s", "load_pct")
REGRESSION_MEMORY_DAYS = 28  # T-STOP looks 14 days back; keep a little more


@dataclass
class Evaluation:
    """What one run of the engine did."""

    program: Program  # the version in force afterwards
    decisions: list[progress.Decision] = field(default_factory=list)
    changes: list[ProgramChange] = field(default_factory=list)  # automatic dose changes
    paused_program: bool = False


# --- reading rows into the engine's inputs ------------------------------------------------------


def item_histories(
    *, patient_id: int, lineages: Iterable[UUID]
) -> dict[UUID, list[progress.SessionLog]]:
    """Each lineage's session logs, oldest first, with the next-morning check-in that followed
    each session and how many days its soreness lasted (docs/clinical-rules.md §7). Two
    queries whatever the number of items and logs."""
    rows = list(
        SessionItemLog.objects.filter(
            program_item__lineage__in=list(lineages), session__patient_id=patient_id
        )
        .order_by("session__date", "id")
        .values_list(
            "program_item__lineage",
            "session__date",
            "completed_sets",
            "program_item__sets",
            "pain_during",
            "difficulty",
        )
    )
    if not rows:
        return {}
    session_days = sorted({row[1] for row in rows})
    checkins = list(
        CheckIn.objects.filter(patient_id=patient_id, date__gt=session_days[0])
        .order_by("date", "id")
        .values_list(
            "date",
            "pain_next_morning",
            "soreness_hours",
            "red_flags",
            "first_step_pain",
            "morning_stiffness_min",
            "still_sore",
        )
    )
    answer = _checkin_per_session(session_days, checkins)
    sore_days = progress.soreness_days(session_days, [(row[0], row[6]) for row in checkins])
    histories: dict[UUID, list[progress.SessionLog]] = defaultdict(list)
    for lineage, day, done, prescribed, pain, difficulty in rows:
        morning, soreness, flags, first_step, stiffness = answer.get(
            day, (None, None, (), None, None)
        )
        histories[lineage].append(
            progress.SessionLog(
                day=day,
                completion_pct=100.0 * done / prescribed if prescribed else 100.0,
                pain_during=pain,
                difficulty=difficulty,
                next_morning_pain=morning,
                soreness_hours=soreness,
                red_flags=flags,
                first_step_pain=first_step,
                morning_stiffness_min=stiffness,
                sore_days=sore_days.get(day),
            )
        )
    return histories


def _checkin_per_session(session_days: list[date], checkins: list[tuple]) -> dict[date, tuple]:
    """A check-in answers the latest session before it, if it comes no later than the next
    session day and within three days (the morning after, or a little late): (pain, soreness
    hours or None, red flags, first-step pain, stiffness minutes) per session day."""
    found: dict[date, tuple] = {}
    index = 0
    for n, day in enumerate(session_days):
        limit = day + timedelta(days=progress.CHECKIN_WINDOW_DAYS)
        if n + 1 < len(session_days):
            limit = min(limit, session_days[n + 1])
        while index < len(checkins) and checkins[index][0] <= day:
            index += 1
        if index < len(checkins) and checkins[index][0] <= limit:
            _when, pain, soreness, flags, first_step, stiffness, _sore = checkins[index]
            hours = float(soreness) if soreness is not None else None
            found[day] = (pain, hours, tuple(flags or ()), first_step, stiffness)
    return found


def _kind_of(item: ProgramItem) -> str:
    ladder = LADDERS.get(item.ladder) if item.ladder and item.rung else None
    return ladder.kind if ladder is not None else item.drill.category


def needs_own_pain(item: ProgramItem) -> bool:
    """A tendon-loading drill: the log asks its pain on its own (docs/clinical-rules.md §7)."""
    return progress.tendon_loading(item.drill.slug, _kind_of(item))


def morning_questions(program: Program) -> tuple[str, ...]:
    """The check-in's extra morning questions for the program's modifiers (§7)."""
    return progress.morning_questions(frozenset(m["code"] for m in program.modifiers or ()))


def item_state(item: ProgramItem, program: Program, started: date) -> progress.ItemState:
    ladder = LADDERS.get(item.ladder) if item.ladder and item.rung else None
    modifiers = frozenset(
        m["code"]
        for m in program.modifiers or ()
        if item.side == "both" or m.get("side") in (item.side, "both", "")
    )
    return progress.ItemState(
        dose=progress.Dose(
            item.drill.slug,
            item.rung - 1 if ladder is not None else 0,
            item.sets,
            item.reps,
            item.hold_s,
            item.load_pct,
        ),
        kind=_kind_of(item),
        last_change=item.dose_since or started,
        ladder_code=ladder.code if ladder is not None else None,
        impact=item.drill.category == "plyometric",
        modifiers=modifiers,
        name=item.how_to.name,  # the variant's name, as the patient knows the drill
        side=item.side,
        item_id=item.pk,
        no_progress_until=item.no_progress_until,
        last_progress=item.last_progress,
        recent_regressions=tuple(date.fromisoformat(d) for d in item.regressions or ()),
        cleared_on=item.cleared_on,
    )


def started_on(program: Program) -> date:
    if program.started_on:
        return program.started_on
    when = program.published_at or program.created_at
    return timezone.localdate(when, timezone=program.clinic.tz)


def weekly_run_km(*, patient_id: int, today: date, weeks: int = 4) -> tuple[float, ...]:
    """The km the patient ran in each of the last weeks, oldest first, for R-LOAD-1.

    From the check-in's "km in the last 7 days" answer (the latest answer of each calendar
    week) and from the runs uploaded from the watch (`run_selectors.run_km_weeks`: this week
    is the last 7 days, like the answer). A week with uploaded runs takes their distance; a
    week without any keeps the patient's answer if there is one (they may not have uploaded
    that week), else counts 0 km once the patient has started uploading. Three queries."""
    since = today - timedelta(weeks=weeks)
    per_week: dict[date, float] = {}
    for day, km in (
        CheckIn.objects.filter(patient_id=patient_id, date__gte=since, run_km_week__isnull=False)
        .order_by("date", "id")
        .values_list("date", "run_km_week")
    ):
        per_week[day - timedelta(days=day.weekday())] = float(km)
    for week, km in run_km_weeks(patient_id=patient_id, today=today, since=since).items():
        if km > 0 or week not in per_week:
            per_week[week] = km
    return tuple(per_week[week] for week in sorted(per_week))


# How far back the engine reads timed balance tests: longer than any dose stays unchanged
# before the three-week review (docs/clinical-rules.md §7).
BALANCE_TEST_WEEKS = 8
_BALANCE_KINDS = {
    SelfTestKind.BALANCE_EYES_OPEN: "open",
    SelfTestKind.BALANCE_EYES_CLOSED: "closed",
}


def _seconds(value) -> float | None:
    return None if value is None else float(value)


def balance_tests(*, patient_id: int, today: date) -> tuple[progress.BalanceTest, ...]:
    """The patient's timed balance tests of the last weeks, home self-tests and clinic screens
    alike, for the balance ladder's rule on home self-tests (docs/clinical-rules.md §7). Two
    queries."""
    since = today - timedelta(weeks=BALANCE_TEST_WEEKS)
    home = [
        progress.BalanceTest(day, _BALANCE_KINDS[test], float(left), float(right), home=True)
        for day, test, left, right in SelfTest.objects.filter(
            patient_id=patient_id,
            test__in=list(_BALANCE_KINDS),
            date__gt=since,
            date__lte=today,
        ).values_list("date", "test", "left", "right")
    ]
    clinic = []
    for row in Screen.objects.filter(
        patient_id=patient_id, performed_on__gt=since, performed_on__lte=today
    ).values(
        "performed_on",
        "balance_eyes_open_s_left",
        "balance_eyes_open_s_right",
        "balance_eyes_closed_s_left",
        "balance_eyes_closed_s_right",
    ):
        for eyes in ("open", "closed"):
            left = _seconds(row[f"balance_eyes_{eyes}_s_left"])
            right = _seconds(row[f"balance_eyes_{eyes}_s_right"])
            if left is not None or right is not None:
                clinic.append(
                    progress.BalanceTest(row["performed_on"], eyes, left, right, home=False)
                )
    return tuple(home + clinic)


def plyo_open_sides(program: Program) -> frozenset[str]:
    """Sides where the prescription engine did not shut hops behind G-PLYO."""
    closed = {side for side, drills in (program.exclusions or {}).items() if "short_hops" in drills}
    return frozenset({"left", "right"} - closed)


def drill_weekdays(items: Iterable[ProgramItem]) -> set[int]:
    """The weekdays (Monday 0) on which the program has drills."""
    return {day for day, ids in enumerate(week_plan(items)) if ids}


def program_adherence(
    program: Program, items: list[ProgramItem], logged: Iterable[date], today: date, weeks: int
) -> float | None:
    return adherence.adherence_pct(
        drill_weekdays(items), set(logged), started_on=started_on(program), today=today, weeks=weeks
    )


# --- running the engine -------------------------------------------------------------------------


@transaction.atomic
def program_evaluate(*, program: Program, today: date | None = None, user=None) -> Evaluation:
    """Run the progression engine on the patient's published program and keep its decisions.

    Dose changes (progress, regress, a drill paused by T-STOP) make a new published version
    that supersedes this one; holds change nothing; review rules land in the program's flags;
    a red flag pauses the program. Evaluating twice without a new log changes nothing more.
    """
    versions.lock_patient(program.patient_id)
    program = Program.objects.select_related("clinic", "patient__clinic").get(pk=program.pk)
    if program.status != ProgramStatus.PUBLISHED:
        return Evaluation(program)
    # The patient's day: their logs and check-ins are dated in it (docs/clinical-rules.md §1).
    today = today or program.patient.today()
    t = clinic_thresholds(program.clinic_id)
    items = list(program.items.select_related("drill").order_by("order", "id"))
    histories = item_histories(
        patient_id=program.patient_id, lineages=[item.lineage for item in items]
    )
    started = started_on(program)
    every_log = sorted(
        (log for logs in histories.values() for log in logs), key=lambda log: log.day
    )
    adherence_2w = program_adherence(program, items, (log.day for log in every_log), today, 2)
    context = progress.Context(
        weekly_run_km=weekly_run_km(patient_id=program.patient_id, today=today),
        plyo_gate_sides=plyo_open_sides(program),
        adherence_pct=adherence_2w,
        drill_names={item.drill.slug: item.drill.name for item in items},
        balance_tests=balance_tests(patient_id=program.patient_id, today=today),
    )
    active = [item for item in items if not item.paused]
    decisions = progress.evaluate_program(
        [
            progress.ProgramItem(
                item_state(item, program, started),
                histories.get(item.lineage, []),
                LADDERS.get(item.ladder) if item.ladder and item.rung else None,
            )
            for item in active
        ],
        baseline=progress.baseline_from(every_log, t),
        today=today,
        thresholds=t,
        context=context,
    )
    result = Evaluation(program, decisions)
    if any(d.action == progress.STOP_PROGRAM for d in decisions):
        codes = tuple(dict.fromkeys(code for d in decisions for code in d.red_flags))
        program_pause_for_red_flags(
            program=program, codes=codes, where="in the session logs", today=today
        )
        result.paused_program = True
        return result

    review_flags = _review_flags(active, decisions, adherence_2w, started=started, today=today, t=t)
    review_flags += _still_held(program.flags, active, review_flags)
    review_flags += _sprain_window_flags(program, today, t)
    by_pk = {item.pk: item for item in active}
    updates: dict[UUID, dict[str, Any]] = {}
    lines: list[dict[str, Any]] = []
    for decision in decisions:
        if decision.action not in _ACTION_OF:
            continue
        item = by_pk[decision.item_id]
        updates[item.lineage] = _update_for(item, decision, today)
        lines.append(
            {
                "action": _ACTION_OF[decision.action],
                "drill": item.drill.slug,
                "reason": decision.reason,
                "detail": {
                    "rule": decision.rule,
                    "clause": decision.detail,
                    "lineage": str(item.lineage),
                    "side": item.side,
                    "before": dose_of(item),
                    "after": progress_dose(decision.dose, item),
                },
            }
        )
    day, merge = today, False
    if updates:
        # At most one automatic version a patient a day (docs/clinical-rules.md §7): later
        # changes of the patient's day merge into the version the engine wrote that day.
        day = program.patient.today()
        merge = is_automatic_version_of(program, day)
        if not merge and automatic_version_exists(program.patient, day):
            # The clinician has made a version since: a step up waits for tomorrow; a step
            # down or a pause never waits.
            held = {str(k) for k, update in updates.items() if "last_progress" in update}
            updates = {k: v for k, v in updates.items() if str(k) not in held}
            lines = [line for line in lines if line["detail"]["lineage"] not in held]
    if updates:
        before = {c.pk for c in program.changes.all()} if merge else set()
        write = versions.version_amend if merge else versions.version_copy
        extra = {} if merge else {"started_on": started_on(program)}
        program = write(
            program,
            updates=updates,
            lines=lines,
            source=ChangeSource.PROGRESSION,
            user=user,
            flags=_merge_flags(program.flags, review_flags),
            **extra,
        )
        result.program = program
        todays = list(
            program.changes.filter(
                version=program.version,
                source=ChangeSource.PROGRESSION,
                action__in=AUTOMATIC_ACTIONS,
            )
        )
        result.changes = [c for c in todays if c.pk not in before]
        _tell_about_changes(program, result.changes, todays, day)
    elif _merge_flags(program.flags, review_flags) != program.flags:
        program.flags = _merge_flags(program.flags, review_flags)
        program.save(update_fields=["flags", "updated_at"])
    _alert_reviews(program, review_flags, today)
    return result


def _update_for(item: ProgramItem, decision: progress.Decision, today: date) -> dict[str, Any]:
    """New field values for the item's copy in the next version."""
    if decision.action == progress.STOP:
        return {"paused": True, "pause_reason": decision.reason, "dose_since": today}
    values = progress_dose(decision.dose, item)
    update: dict[str, Any] = {
        "sets": values["sets"],
        "reps": values["reps"],
        "hold_s": values["hold_s"],
        "load_pct": values["load_pct"],
        "dose_since": today,
        "reason": decision.reason,
    }
    if decision.new_rung is not None:
        # A rung change takes the new rung's days a week, and so its week pattern
        # (`prescribe.weekdays_for`: strength days never follow each other), whatever the old
        # rung's were (docs/clinical-rules.md §5).
        update.update(
            drill_slug=decision.dose.drill,
            rung=decision.dose.rung_index + 1,
            variant=decision.new_rung.variant,
            # The new variant's times a day (docs/clinical-rules.md §10).
            times_per_day=times_per_day_for(decision.dose.drill, decision.new_rung.variant),
            days_per_week=rung_days(LADDERS[item.ladder], decision.dose.rung_index),
        )
    if values["load_pct"] != item.load_pct:
        update["load_note"] = load_note(values["load_pct"])
    if decision.action == progress.PROGRESS:
        update["last_progress"] = today
        update["no_progress_until"] = None
    else:
        recent = [
            d
            for d in item.regressions or ()
            if (today - date.fromisoformat(d)).days <= REGRESSION_MEMORY_DAYS
        ]
        update["regressions"] = [*recent, today.isoformat()]
        update["no_progress_until"] = decision.no_progress_until
    return update


def load_note(load_pct: float) -> str:
    """Added load in kg or as a share of body weight (docs/clinical-rules.md §1 plain words)."""
    return load_sentence(load_pct)


def dose_of(item: ProgramItem) -> dict[str, Any]:
    return {
        "drill": item.drill.slug,
        "rung": item.rung,
        "sets": item.sets,
        "reps": item.reps,
        "hold_s": item.hold_s,
        "load_pct": item.load_pct,
    }


def progress_dose(dose: progress.Dose, item: ProgramItem) -> dict[str, Any]:
    on_ladder = bool(item.ladder and item.rung)
    return {
        "drill": dose.drill,
        "rung": dose.rung_index + 1 if on_ladder else item.rung,
        "sets": dose.sets,
        "reps": dose.reps,
        "hold_s": dose.hold_s,
        "load_pct": dose.load_pct,
    }


def _review_flags(
    items: list[ProgramItem],
    decisions: list[progress.Decision],
    adherence_2w: float | None,
    *,
    started: date,
    today: date,
    t: Thresholds,
) -> list[dict[str, Any]]:
    """The clinician-review flags of this run (T-REVIEW): low adherence over two weeks, and
    drills that have not moved up for `review.no_progress_weeks` or sit at the top of their
    ladder. The engine raises T-REVIEW for all of these; the worklist tells them apart."""
    flags: list[dict[str, Any]] = []
    if adherence_2w is not None and adherence_2w < t["review.adherence_min_pct"]:
        flags.append(
            {
                "code": "low_adherence",
                "kind": "review",
                "rule": "T-REVIEW",
                "side": "",
                "source": "progression",
                "message": f"Sessions done over the last two weeks: {adherence_2w:.0f}% "
                "of those planned.",
            }
        )
    by_pk = {item.pk: item for item in items}
    spike = next((d for d in decisions if "R-LOAD-1" in d.flags), None)
    if spike is not None:
        flags.append(
            {
                "code": "load_spike",
                "kind": "review",
                "rule": "R-LOAD-1",
                "side": "",
                "source": "progression",
                "message": "Running rose quickly: load steps are on hold this week. "
                + spike.reason,
            }
        )
    for decision in decisions:
        item = by_pk.get(decision.item_id)
        if item is not None and decision.blocked_by:
            flags.append(modifier_hold_flag(item, decision))
    weeks = t["review.no_progress_weeks"]
    for decision in decisions:
        item = by_pk.get(decision.item_id)
        if item is None or decision.action == progress.PROGRESS or not (item.ladder and item.rung):
            continue
        since = item.last_progress or item.dose_since or started
        stuck = (today - since).days >= weeks * 7
        if stuck or decision.detail == "top_of_ladder":
            flags.append(
                {
                    "code": "no_progress",
                    "kind": "review",
                    "rule": "T-REVIEW",
                    "side": item.side,
                    "source": "progression",
                    "drill": item.drill.slug,
                    "message": f"{item.drill.name}: "
                    + (
                        "at the top of its ladder."
                        if decision.detail == "top_of_ladder"
                        else f"no step up for {weeks:g} weeks or more."
                    ),
                }
            )
    flags.extend(_baseline_flags(by_pk, decisions))
    return flags


def _baseline_flags(
    by_pk: dict[int, ProgramItem], decisions: list[progress.Decision]
) -> list[dict[str, Any]]:
    """A missing morning baseline is unknown, never 0 (docs/clinical-rules.md §7): the drills
    that need it hold, and one flag asks the clinician for it."""
    measures: dict[str, None] = {}
    drills: dict[str, None] = {}
    for decision in decisions:
        code, _, names = decision.detail.partition(":")
        item = by_pk.get(decision.item_id)
        if code != progress.BASELINE_UNKNOWN or item is None:
            continue
        measures.update(dict.fromkeys(names.split(",") if names else (progress.NEXT_MORNING,)))
        drills[item.drill.name] = None
    if not measures:
        return []
    words = " and ".join(progress.MORNING_WORDS.get(m, m) for m in measures)
    return [
        {
            "code": "baseline_missing",
            "kind": "review",
            "rule": "T-REVIEW",
            "side": "",
            "source": "progression",
            "measures": list(measures),
            "message": f"No usual {words} known yet: ask the patient for it (the morning "
            f"check-in asks it). Holding until then: {', '.join(drills)}.",
        }
    ]


def modifier_hold_flag(item: ProgramItem, decision: progress.Decision) -> dict[str, Any]:
    """The review flag of a step a modifier forbade (docs/clinical-rules.md §6, §7): it names
    the modifier and the rung that was not allowed, for the clinician only."""
    code = decision.blocked_by
    rung = decision.blocked_rung
    level = ""
    if rung is not None:
        spec = DRILLS_BY_SLUG.get(rung.drill)
        name = spec.name if spec is not None else rung.drill.replace("_", " ")
        level = f" ({name}, {rung.variant})" if rung.variant else f" ({name})"
    if decision.action == progress.REGRESS:
        message = (
            f"{item.drill.name}: the level below{level} is not allowed under {code}; "
            "stepped down past it."
        )
    else:
        message = (
            f"{item.drill.name}: next level{level} not allowed under {code}; holding at "
            f"{progress.format_dose(decision.dose)}. Choose the next step by hand."
        )
    return {
        "code": "modifier_hold",
        "kind": "review",
        "rule": code,
        "modifier": code,
        "side": item.side,
        "source": "progression",
        "drill": item.drill.slug,
        "lineage": str(item.lineage),
        "rung": item.rung,
        "message": message,
    }


def _still_held(
    flags: list[dict], items: list[ProgramItem], fresh: list[dict]
) -> list[dict[str, Any]]:
    """A held step stays flagged while its item stays on that rung, even when a later run
    holds it for another reason (pain, too few sessions): the clinician must choose the next
    step by hand (docs/clinical-rules.md §6)."""
    on_rung = {(str(item.lineage), item.rung) for item in items}
    again = {f.get("lineage") for f in fresh if f.get("code") == "modifier_hold"}
    return [
        f
        for f in flags or ()
        if f.get("code") == "modifier_hold"
        and f.get("source") == "progression"
        and (f.get("lineage"), f.get("rung")) in on_rung
        and f.get("lineage") not in again
    ]


def _sprain_window_flags(program: Program, today: date, t: Thresholds) -> list[dict[str, Any]]:
    """A program built while a sprain was acute keeps the sprain's limits (no hops, unstable
    surfaces or banded mobilisation) until the clinician lifts them; once the sprain's dated
    window is over, each run asks the clinician to (docs/clinical-rules.md §6)."""
    if program.screen_id is None or not any(
        m.get("code") == "M-SPRAIN-ACUTE" for m in program.modifiers or ()
    ):
        return []
    over = sprains_past_window(injury_history_of(program.screen), today, t)
    return [
        {
            "code": "sprain_window_over",
            "kind": "review",
            "rule": "M-SPRAIN-ACUTE",
            "side": entry.side,
            "source": "progression",
            "message": f"The ankle sprain of {entry.onset.isoformat()} is more than "
            f"{t['modifier.sprain_acute_days']:g} days old: its limits (no hops, unstable "
            "surfaces or banded mobilisation) still hold in this program. Re-screen and build "
            "a new version to lift them.",
        }
        for entry in over
    ]


def _merge_flags(flags: list[dict], review: list[dict]) -> list[dict]:
    """The program's own flags plus this run's review flags (earlier runs' are replaced)."""
    kept = [f for f in flags or () if f.get("source") != "progression"]
    return kept + review


# --- red flags ----------------------------------------------------------------------------------


def _patient_words(detail: str) -> str:
    return f' In their words: "{detail}"' if detail else ""


@transaction.atomic
def program_pause_for_red_flags(
    *,
    program: Program,
    codes: Iterable[str],
    where: str,
    today: date | None = None,
    detail: str = "",
    moment: datetime | None = None,
) -> Program:
    """Pause the program at once for red-flag answers (RF-1 ... RF-7 or the answer keys),
    leave a flag per answer for the clinician, a history line, and an alert to the clinician
    that leads with what to do by urgency (docs/clinical-rules.md §8). A program already
    paused takes the new report too. `moment` identifies the alert (default: the day)."""
    answers = list(dict.fromkeys(codes))
    reported = [progress._red_flag(answer) for answer in answers]
    words = "; ".join(dict.fromkeys(text for _, text in reported))
    top = most_urgent(answers)
    program.flags = [
        *program.flags,
        *(
            {
                "code": code,
                "kind": "red_flag",
                "message": f"The patient reported {text} {where}.{_patient_words(detail)}",
                "side": "",
                "rule": "RF",
                "urgency": (BY_CODE.get(code) or top).urgency,
            }
            for code, text in dict.fromkeys(reported)
        ),
    ]
    if program.status == ProgramStatus.PUBLISHED:
        program.status = ProgramStatus.PAUSED
    program.save(update_fields=["flags", "status", "updated_at"])
    reminders.program_paused_notify(program=program)
    ProgramChange.objects.create(
        program=program,
        version=program.version,
        source=ChangeSource.PROGRESSION,
        action="paused",
        detail={"red_flags": answers, "codes": [code for code, _ in reported]},
        reason=f"Paused after a red-flag answer ({words}); the clinic must review it.",
    )
    today = today or program.clinic.today()
    notify.staff_alert_schedule(
        clinic=program.clinic,
        kind=Kind.STAFF_RED_FLAG,
        staff=responsible_staff(program),
        subject=program,
        key_time=moment or _moment(today, program),
        patient=program.patient,
        payload={
            "detail": f"{top.clinician_action} Reported {where}: {words}. The patient was told: "
            f'"{top.patient_message}" The home program is paused.{_patient_words(detail)}',
            "urgency": top.urgency,
        },
    )
    return program


@transaction.atomic
def program_red_flag_detail_add(*, program: Program, detail: str) -> Program:
    """The patient adds detail to a paused program's red flag: a history line and an alert to
    the clinician at the urgency of the flags already reported (docs/clinical-rules.md §8)."""
    codes = [
        f.get("code", "")
        for f in program.flags
        if f.get("kind") == "red_flag" and not f.get("resolved")
    ]
    top = most_urgent(codes) or BY_ANSWER["severe_pain"]
    ProgramChange.objects.create(
        program=program,
        version=program.version,
        source=ChangeSource.PROGRESSION,
        action="red_flag_detail",
        detail={"text": detail},
        reason=f"The patient added detail to the red flag:{_patient_words(detail)}",
    )
    notify.staff_alert_schedule(
        clinic=program.clinic,
        kind=Kind.STAFF_RED_FLAG,
        staff=responsible_staff(program),
        subject=program,
        key_time=timezone.now(),
        patient=program.patient,
        payload={
            "detail": f"{top.clinician_action} The patient added detail to the red flag that "
            f"paused the home program:{_patient_words(detail)}",
            "urgency": top.urgency,
        },
    )
    return program


def responsible_staff(program: Program) -> list:
    """The clinician who published the program, or every clinician of the clinic."""
    return responsible_clinicians(clinic_id=program.clinic_id, preferred=(program.published_by,))


def _moment(day: date, program: Program) -> datetime:
    return datetime.combine(day, time(0), tzinfo=program.clinic.tz)


def is_automatic_version_of(program: Program, day: date) -> bool:
    """Whether `program` is a version the progression engine wrote on the patient's `day`."""
    tz = program.patient.tz
    return timezone.localdate(program.created_at, timezone=tz) == day and (
        program.changes.filter(
            version=program.version, source=ChangeSource.PROGRESSION, action__in=AUTOMATIC_ACTIONS
        ).exists()
    )


def automatic_version_exists(patient, day: date) -> bool:
    """Whether the progression engine wrote a new version for `patient` on `day` (their own
    date): at most one a day (docs/clinical-rules.md §7)."""
    start = datetime.combine(day, time(0), tzinfo=patient.tz)
    return ProgramChange.objects.filter(
        program__patient_id=patient.pk,
        program__created_at__gte=start,
        program__created_at__lt=start + timedelta(days=1),
        version=F("program__version"),
        source=ChangeSource.PROGRESSION,
        action__in=AUTOMATIC_ACTIONS,
    ).exists()


def _tell_about_changes(
    program: Program, changes: list[ProgramChange], todays: list[ProgramChange], day: date
) -> None:
    """At most one "your program changed" message a patient a day (docs/clinical-rules.md §7):
    it names every change of the day, each with its reason, while it has not gone out yet."""
    if any(c.action in (PROGRESSED, REGRESSED) for c in changes):
        moved = [c for c in todays if c.action in (PROGRESSED, REGRESSED)]
        tz = program.patient.tz
        notify.patient_message_schedule(
            patient=program.patient,
            kind=Kind.PROGRESSION_UPDATE,
            subject=program.patient,
            key_time=datetime.combine(day, time(0), tzinfo=tz),
            payload={"change": " ".join(c.reason for c in moved)},
            refresh_payload=True,
        )
    stopped = [c for c in changes if c.action == DRILL_PAUSED]
    if stopped:
        notify.staff_alert_schedule(
            clinic=program.clinic,
            kind=Kind.STAFF_T_STOP,
            staff=responsible_staff(program),
            # Keyed on the pause itself: a drill paused later the same day (merged into the
            # same version) is a new alert, never folded into one already sent.
            subject=stopped[-1],
            key_time=_moment(day, program),
            patient=program.patient,
            payload={"detail": " ".join(c.reason for c in stopped)},
        )


def _alert_reviews(program: Program, flags: list[dict], today: date) -> None:
    """At most one alert per kind and program a week."""
    week = _moment(today - timedelta(days=today.weekday()), program)
    for code, kind in (
        ("no_progress", Kind.STAFF_NO_PROGRESS),
        ("low_adherence", Kind.STAFF_LOW_ADHERENCE),
    ):
        found = [f for f in flags if f["code"] == code]
        if found:
            notify.staff_alert_schedule(
                clinic=program.clinic,
                kind=kind,
                staff=responsible_staff(program),
                subject=program,
                key_time=week,
                patient=program.patient,
                payload={"detail": " ".join(f["message"] for f in found)},
            )
