"""PURE: a drill's session logs -> progress / hold / regress / stop / review
(docs/clinical-rules.md §7)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from assessments.thresholds import DEFAULT_THRESHOLDS, Thresholds
from programs.exclusions import modifier_exclusion
from programs.ladders import Ladder, Rung
from programs.red_flags import BY_ANSWER, BY_CODE

# Actions a decision can carry.
PROGRESS = "progress"
HOLD = "hold"
REGRESS = "regress"
STOP = "stop"  # this drill is paused; the clinician is told
REVIEW = "review"  # dose kept, the clinician is asked to look (the programme continues)
STOP_PROGRAM = "stop_program"  # a red flag: the whole programme is paused
ACTIONS = (PROGRESS, HOLD, REGRESS, STOP, REVIEW, STOP_PROGRAM)

# Drill kinds. Load-bearing kinds need N sessions AND min days between steps before T-UP;
# the rest need `progress.min_sessions_other` sessions. Both the catalogue's category names
# (programs.drills.catalogue) and the ladder kinds (programs.ladders) are accepted.
LOAD_KINDS = frozenset({"strength", "tendon", "plyometric", "lateral"})
OTHER_KINDS = frozenset(
    {"mobility", "intrinsic", "foot-intrinsic", "balance", "balance-neuromotor", "soft-tissue"}
)

# Drills that load the Achilles / plantar fascia: the tendon pain model applies to them
# under M-AT-* / M-PHP (docs/clinical-rules.md §6, §11 example 2: "heel-raise drills").
TENDON_LOADING_DRILLS = frozenset(
    {
        "heel_raise_bilateral",
        "heel_raise_single",
        "heel_raise_bent_knee",
        "eccentric_step_heel_drop",
        "runner_calf_raise",
        "band_pf",
        "short_hops",
    }
)
PLYOMETRIC_DRILLS = frozenset({"short_hops"})  # moving onto these needs G-PLYO (§8)

TENDON_MODIFIERS = frozenset({"M-AT-MID", "M-AT-INS", "M-PHP"})
T_TEN_MODIFIERS = frozenset({"M-AT-MID", "M-AT-INS"})  # next morning must be back to baseline
BONE_OR_ACUTE_MODIFIERS = frozenset({"M-SPRAIN-ACUTE", "M-MTSS", "M-BSI-HX"})
BSI_SUSPECT = "M-BSI-SUSPECT"  # §6: raises RF-6, so it stops the programme


_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


@dataclass(frozen=True, slots=True)
class Dose:
    """Where an item stands: the drill, its rung on the ladder and the amount."""

    drill: str
    rung_index: int
    sets: int
    reps: int | None = None
    hold_s: int | None = None
    load_pct: float = 0.0  # added load, in % points above the rung's unloaded dose


@dataclass(frozen=True, slots=True)
class ItemState:
    """One program item as the engine sees it. The caller keeps these fields up to date from
    the previous decision (dose, last_change, no_progress_until, recent_regressions)."""

    dose: Dose
    kind: str  # one of LOAD_KINDS or OTHER_KINDS
    last_change: date  # the day the dose last changed (or the programme started)
    ladder_code: str | None = None
    impact: bool = False
    modifiers: frozenset[str] = frozenset()
    name: str = ""  # what the patient calls it ("Heel raises"); the slug is used if empty
    side: str = "both"  # "left", "right" or "both"
    item_id: int | str | None = None  # echoed in the decision, for the service layer
    no_progress_until: date | None = None  # set by an earlier T-DOWN decision
    last_progress: date | None = None  # last T-UP; None means "not since last_change"
    recent_regressions: tuple[date, ...] = ()  # days this drill was regressed
    # The day a clinician last cleared a stop or red flag on this item: logs up to that day
    # are not read again by any rule (the "something is wrong" button always is).
    cleared_on: date | None = None

    def __post_init__(self) -> None:
        if self.kind not in LOAD_KINDS and self.kind not in OTHER_KINDS:
            raise ValueError(f"Unknown drill kind {self.kind!r}.")


@dataclass(frozen=True, slots=True)
class SessionLog:
    """One logged session of one drill; the next-morning check-in fills the optional fields."""

    day: date
    completion_pct: float  # % of the prescribed sets x reps (or time) done
    pain_during: int  # 0-10
    difficulty: int  # 0-10
    next_morning_pain: int | None = None  # 0-10; None until the check-in is answered
    soreness_hours: float | None = None  # None with a check-in answered means no soreness
    red_flags: tuple[str, ...] = ()  # answer codes (or "RF-n" codes) answered "yes"

    @property
    def checked_in(self) -> bool:
        return self.next_morning_pain is not None or self.soreness_hours is not None


@dataclass(frozen=True, slots=True)
class Baseline:
    """Mean pain over the programme's first sessions (§7); see `baseline_from`."""

    pain_during: float = 0.0
    next_morning_pain: float | None = None
    sessions: int = 0


@dataclass(frozen=True, slots=True)
class Context:
    """What the engine needs beyond one item's own history."""

    weekly_run_km: tuple[float, ...] = ()  # complete weeks, oldest first (R-LOAD-1)
    plyo_gate_sides: frozenset[str] = frozenset()  # sides where G-PLYO is passed
    red_flags: tuple[str, ...] = ()  # answers from the "something is wrong" button
    adherence_pct: float | None = None  # sessions done / planned over the last 2 weeks
    drill_names: Mapping[str, str] = field(default_factory=dict)  # slug -> patient's name

    def plyo_open_for(self, side: str) -> bool:
        if side in ("left", "right"):
            return side in self.plyo_gate_sides
        return "left" in self.plyo_gate_sides and "right" in self.plyo_gate_sides


NO_CONTEXT = Context()


@dataclass(frozen=True, slots=True)
class PainZone:
    """The pain ceiling and green zone that apply to one item (§7)."""

    model: str  # "tendon", "bone_or_acute" or "general"
    ceiling: float
    green: float
    settle_by_morning: bool  # T-TEN: next-morning pain must be back to baseline


@dataclass(frozen=True, slots=True)
class Decision:
    item_id: int | str | None
    action: str  # one of ACTIONS
    rule: str  # RF, T-STOP, T-DOWN-1..5, T-HOLD, T-UP, T-REVIEW, R-LOAD-1
    dose: Dose  # the dose from now on (the same object when unchanged)
    reason: str  # for the patient, in plain words
    detail: str = ""  # a short code saying which clause decided, for the clinician's view
    new_rung: Rung | None = None  # set when the item moved to another rung
    no_progress_until: date | None = None
    flags: tuple[str, ...] = ()  # review rules raised next to the action (R-LOAD-1, T-REVIEW)
    red_flags: tuple[str, ...] = ()  # RF-n codes
    notify_clinician: bool = False
    # The modifier that forbade the next step (held) or the rung below (skipped on the way
    # down), e.g. "M-AT-INS"; the clinician gets a review flag naming it (§6, §7).
    blocked_by: str = ""
    blocked_rung: Rung | None = None  # the rung that was not allowed

    @property
    def changed(self) -> bool:
        return self.action in (PROGRESS, REGRESS)


@dataclass(frozen=True, slots=True)
class ProgramItem:
    """One item of a programme with what `evaluate_program` needs to judge it."""

    state: ItemState
    logs: Sequence[SessionLog]  # this item's logs, oldest first
    ladder: Ladder | None = None


# --- helpers the service layer may call -----------------------------------------------------


def baseline_from(logs: Sequence[SessionLog], t: Thresholds = DEFAULT_THRESHOLDS) -> Baseline:
    """Mean pain during and next morning over the programme's first `baseline.sessions`
    session days. `logs` may hold one row per session or one per drill, oldest first."""
    wanted = int(t["baseline.sessions"])
    days: set[date] = set()
    during_sum = 0.0
    during_n = 0
    morning_sum = 0.0
    morning_n = 0
    for log in logs:
        if log.day not in days:
            if len(days) == wanted:
                break
            days.add(log.day)
        during_sum += log.pain_during
        during_n += 1
        if log.next_morning_pain is not None:
            morning_sum += log.next_morning_pain
            morning_n += 1
    return Baseline(
        pain_during=during_sum / during_n if during_n else 0.0,
        next_morning_pain=morning_sum / morning_n if morning_n else None,
        sessions=len(days),
    )


def pain_zone(item: ItemState, t: Thresholds = DEFAULT_THRESHOLDS) -> PainZone:
    """Ceiling per §7. Where two ceilings apply (a heel raise under M-AT-MID and
    M-SPRAIN-ACUTE) the lower one wins, the conservative reading."""
    modifiers = item.modifiers
    tendon_loading = item.kind == "tendon" or item.dose.drill in TENDON_LOADING_DRILLS
    tendon = tendon_loading and not modifiers.isdisjoint(TENDON_MODIFIERS)
    settle = tendon_loading and not modifiers.isdisjoint(T_TEN_MODIFIERS)
    if item.impact or not modifiers.isdisjoint(BONE_OR_ACUTE_MODIFIERS):
        ceiling = t["pain.ceiling.bone_or_acute"]
        green = t["pain.green.impact"] if item.impact else t["pain.green.general"]
        return PainZone("bone_or_acute", ceiling, min(green, ceiling), settle)
    if tendon:
        ceiling = t["pain.ceiling.tendon"]
        return PainZone("tendon", ceiling, min(t["pain.green.tendon"], ceiling), settle)
    ceiling = t["pain.ceiling.general"]
    return PainZone("general", ceiling, min(t["pain.green.general"], ceiling), settle)


def load_step_pct(item: ItemState, t: Thresholds = DEFAULT_THRESHOLDS) -> float:
    tendon = item.kind == "tendon" or (
        item.dose.drill in TENDON_LOADING_DRILLS and not item.modifiers.isdisjoint(TENDON_MODIFIERS)
    )
    return t["progress.load_step_tendon_pct"] if tendon else t["progress.load_step_general_pct"]


def dose_on(rung: Rung, rung_index: int) -> Dose:
    """The bottom of a rung's range."""
    return Dose(rung.drill, rung_index, rung.sets, rung.reps, rung.hold_s, 0.0)


def step_up(
    dose: Dose, ladder: Ladder | None, load_step: float, t: Thresholds = DEFAULT_THRESHOLDS
) -> tuple[Dose, Rung | None] | None:
    """The next step of §5: reps -> sets -> load or time -> next rung (at its bottom).

    Returns the new dose and the new Rung when the item moves rung; None at the top.
    """
    if ladder is None:
        return None
    rung = ladder.rungs[dose.rung_index]
    reps, sets, hold_s = dose.reps, dose.sets, dose.hold_s
    if reps is not None and rung.max_reps is not None and reps < rung.max_reps:
        reps = min(reps + int(t["progress.rep_step"]), rung.max_reps)
        return Dose(dose.drill, dose.rung_index, sets, reps, hold_s, dose.load_pct), None
    if sets < rung.max_sets:
        return Dose(dose.drill, dose.rung_index, sets + 1, reps, hold_s, dose.load_pct), None
    if rung.load:
        cap = t["progress.max_load_pct"]
        if dose.load_pct < cap:
            load = min(dose.load_pct + load_step, cap)
            return Dose(dose.drill, dose.rung_index, sets, reps, hold_s, load), None
    elif hold_s is not None and rung.max_hold_s is not None and hold_s < rung.max_hold_s:
        hold_s = min(hold_s + int(t["progress.hold_step_s"]), rung.max_hold_s)
        return Dose(dose.drill, dose.rung_index, sets, reps, hold_s, dose.load_pct), None
    index = dose.rung_index + 1
    if index >= len(ladder.rungs):
        return None
    rung = ladder.rungs[index]
    return dose_on(rung, index), rung


def cut_volume(dose: Dose, t: Thresholds = DEFAULT_THRESHOLDS) -> Dose:
    """T-DOWN-4: at least `regress.volume_cut_pct` less work per session, never below 1."""
    keep = 100.0 - t["regress.volume_cut_pct"]
    reps, hold_s, sets = dose.reps, dose.hold_s, dose.sets
    if reps is not None and reps > 1:
        reps = max(1, int(reps * keep // 100))
    elif hold_s is not None and hold_s > 1:
        hold_s = max(1, int(hold_s * keep // 100))
    elif sets > 1:
        sets = max(1, int(sets * keep // 100))
    return Dose(dose.drill, dose.rung_index, sets, reps, hold_s, dose.load_pct)


def rung_blocked_by(rung: Rung, modifiers: frozenset[str]) -> str | None:
    """The modifier that forbids moving onto `rung`: the prescription's own exclusion check
    (`exclusions.modifier_exclusion`, docs/clinical-rules.md §6)."""
    return modifier_exclusion(rung.drill, rung.variant, modifiers)


def step_down(
    dose: Dose,
    ladder: Ladder | None,
    load_step: float,
    t: Thresholds = DEFAULT_THRESHOLDS,
    modifiers: frozenset[str] = frozenset(),
) -> tuple[Dose, Rung | None]:
    """T-DOWN-1/2/3/5: one load step down; else one rung down (bottom of that rung), passing
    over any rung the modifiers forbid; on the first rung, without a ladder, or with no allowed
    rung below, the volume cut of `regress.volume_cut_pct`."""
    if dose.load_pct > 0:
        load = max(0.0, dose.load_pct - load_step)
        return Dose(dose.drill, dose.rung_index, dose.sets, dose.reps, dose.hold_s, load), None
    if ladder is not None:
        for index in range(dose.rung_index - 1, -1, -1):
            rung = ladder.rungs[index]
            if rung_blocked_by(rung, modifiers) is None:
                return dose_on(rung, index), rung
    return cut_volume(dose, t), None


def _skipped_below(
    dose: Dose, ladder: Ladder | None, modifiers: frozenset[str]
) -> tuple[str, Rung] | None:
    """(modifier, rung) of the rung right below `dose` when a modifier forbids it."""
    if ladder is None or dose.load_pct > 0 or dose.rung_index == 0:
        return None
    below = ladder.rungs[dose.rung_index - 1]
    code = rung_blocked_by(below, modifiers)
    return (code, below) if code else None


def run_spike_pct(weekly_run_km: Sequence[float]) -> float | None:
    """Rise of the latest week over the week two weeks before it (over the first week when
    only two are known), in %; None without a usable comparison."""
    if len(weekly_run_km) < 2:
        return None
    before = weekly_run_km[-3] if len(weekly_run_km) >= 3 else weekly_run_km[0]
    if before <= 0:
        return None
    return (weekly_run_km[-1] - before) * 100.0 / before


def _red_flag(answer: str) -> tuple[str, str]:
    """(RF code, what the patient reported) of an answer code or an RF code."""
    flag = BY_ANSWER.get(answer) or BY_CODE.get(answer)
    # An answer the engine does not know is still a "yes" to a red flag: stop anyway.
    return (flag.code, flag.reported) if flag else ("RF", "a warning sign")


def format_dose(dose: Dose) -> str:
    """ "3 × 12", "3 × 45 s", "2 × 10 × 5 s", "3 × 12 with +5% load"."""
    parts = [str(dose.sets)]
    if dose.reps is not None:
        parts.append(str(dose.reps))
    if dose.hold_s is not None:
        parts.append(f"{dose.hold_s} s")
    text = " × ".join(parts)
    if dose.load_pct > 0:
        text += f" with +{dose.load_pct:g}% load"
    return text


# --- the engine -----------------------------------------------------------------------------


def evaluate(
    item: ItemState,
    logs: Sequence[SessionLog],
    *,
    ladder: Ladder | None,
    baseline: Baseline,
    today: date,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    context: Context = NO_CONTEXT,
) -> Decision:
    """Judge one item after a log or check-in: RF -> T-STOP -> T-DOWN -> T-HOLD -> T-UP.

    `logs` are this item's sessions, oldest first. Only sessions dated after `last_change`
    count for the current dose (a session on the day of a change was done at the old dose),
    so evaluating twice without a new log gives the same answer.
    """
    t = thresholds
    if ladder is not None and not 0 <= item.dose.rung_index < len(ladder.rungs):
        raise ValueError(f"Rung {item.dose.rung_index} is not on ladder {ladder.code}.")

    last, last_checked = _stop_probes(item, logs)
    answers = _red_flag_answers(item, last, last_checked, context)
    if answers:
        return _stop_program(item, answers, _name(item, context))

    zone = pain_zone(item, t)
    window = max(
        t["progress.min_sessions_load"],
        t["progress.min_sessions_other"],
        t["regress.consecutive_sessions"],
    )
    # Sessions at the current dose that no clinician has looked at yet.
    since = item.last_change
    if item.cleared_on is not None and item.cleared_on > since:
        since = item.cleared_on
    current = _since_change(logs, since, int(window))
    cur = current[0] if current else None
    cur_checked = _latest_checked_in(logs, since)
    down = _down_rule(item, logs, current, cur_checked, zone, baseline, today, t)

    stop = _stop_rule(item, last, last_checked, down is not None, today, t)
    if stop is not None:
        return _stop_drill(item, stop[0], stop[1], context)

    if down is not None:
        rule, detail, why = down
        skipped = None
        if rule == "T-DOWN-4":
            dose, rung = cut_volume(item.dose, t), None
        else:
            step = load_step_pct(item, t)
            dose, rung = step_down(item.dose, ladder, step, t, item.modifiers)
            skipped = _skipped_below(item.dose, ladder, item.modifiers)
        until = today + timedelta(days=int(t["regress.no_progress_days"]))
        words = _dose_words(_name(item, context), dose, rung, context, "back to")
        reason = f"{words} now, because {why}."
        decision = Decision(item.item_id, REGRESS, rule, dose, reason, detail, rung, until)
        if skipped is not None:
            # The rung below is not allowed under a modifier: the step went past it (§6).
            decision = replace(decision, blocked_by=skipped[0], blocked_rung=skipped[1])
            decision = _raise(decision, "T-REVIEW")
        return _with_flags(decision, item, ladder, context, today, t)

    if cur is None:
        why = "it has not been logged at this dose yet"
        return _hold(item, ladder, context, today, t, "no_sessions", why)

    hold = _hold_rule(cur, cur_checked, zone, baseline, t)
    if hold is not None:
        return _hold(item, ladder, context, today, t, hold[0], hold[1])

    return _up_rule(item, ladder, current, zone, baseline, today, t, context)


def evaluate_program(
    items: Sequence[ProgramItem],
    *,
    baseline: Baseline,
    today: date,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    context: Context = NO_CONTEXT,
) -> list[Decision]:
    """One decision per item, in order. A red flag on any item stops every item."""
    answers: list[str] = list(context.red_flags)
    for entry in items:
        last, last_checked = _stop_probes(entry.state, entry.logs)
        answers.extend(_red_flag_answers(entry.state, last, last_checked, NO_CONTEXT))
    if answers:
        unique = tuple(dict.fromkeys(answers))
        return [_stop_program(e.state, unique, _name(e.state, context)) for e in items]
    return [
        evaluate(
            entry.state,
            entry.logs,
            ladder=entry.ladder,
            baseline=baseline,
            today=today,
            thresholds=thresholds,
            context=context,
        )
        for entry in items
    ]


# --- the rules ------------------------------------------------------------------------------


def _red_flag_answers(
    item: ItemState,
    last: SessionLog | None,
    last_checked: SessionLog | None,
    context: Context,
) -> tuple[str, ...]:
    answers: tuple[str, ...] = context.red_flags
    if last is not None and last.red_flags:
        answers += last.red_flags
    if last_checked is not None and last_checked is not last and last_checked.red_flags:
        answers += last_checked.red_flags
    if BSI_SUSPECT in item.modifiers:
        answers += ("focal_bone_pain",)
    return tuple(dict.fromkeys(answers)) if answers else ()


def _stop_rule(
    item: ItemState,
    last: SessionLog | None,
    last_checked: SessionLog | None,
    would_regress: bool,
    today: date,
    t: Thresholds,
) -> tuple[str, str] | None:
    # The latest session counts even on the day of a dose change: a stop is never missed.
    if last is not None and last.pain_during >= t["pain.stop_during"]:
        return "pain_during", f"pain during the last session was {last.pain_during}/10"
    if (
        last_checked is not None
        and last_checked.next_morning_pain is not None
        and last_checked.next_morning_pain >= t["pain.stop_next_morning"]
    ):
        return "next_morning_pain", (
            f"pain the next morning was {last_checked.next_morning_pain}/10"
        )
    window_start = today - timedelta(days=int(t["stop.regression_window_days"]))
    recent = sum(1 for day in item.recent_regressions if window_start < day <= today)
    limit = t["stop.regressions"]
    # "Regressed twice within 14 days": two already, or one already and another one due now.
    if recent >= limit or (would_regress and recent + 1 >= limit):
        window = int(t["stop.regression_window_days"])
        return "regressed_twice", f"it has needed stepping down {int(limit)} times in {window} days"
    return None


def _down_rule(
    item: ItemState,
    logs: Sequence[SessionLog],
    current: list[SessionLog],
    cur_checked: SessionLog | None,
    zone: PainZone,
    baseline: Baseline,
    today: date,
    t: Thresholds,
) -> tuple[str, str, str] | None:
    """The first T-DOWN rule that matches: (rule, detail code, why in plain words)."""
    if not current:
        return None
    cur = current[0]
    if cur.pain_during > zone.ceiling:
        return (
            "T-DOWN-1",
            "pain_above_ceiling",
            (f"pain during the last session ({cur.pain_during}/10) was above {zone.ceiling:g}/10"),
        )
    base_morning = baseline.next_morning_pain or 0.0
    if cur_checked is not None and cur_checked.next_morning_pain is not None:
        morning = cur_checked.next_morning_pain
        if morning >= base_morning + t["regress.next_morning_rise"]:
            why = f"pain the next morning ({morning}/10) was higher than usual"
            return "T-DOWN-2", "next_morning_rise", why
        if zone.settle_by_morning and morning > base_morning:
            return (
                "T-DOWN-2",
                "not_settled_by_morning",
                (f"pain the next morning ({morning}/10) had not settled back to your usual level"),
            )
    if (
        cur_checked is not None
        and cur_checked.soreness_hours is not None
        and cur_checked.soreness_hours > t["soreness.max_hours"]
    ):
        return (
            "T-DOWN-3",
            "soreness_hours",
            (
                f"soreness lasted {cur_checked.soreness_hours:g} hours, "
                f"longer than {t['soreness.max_hours']:g}"
            ),
        )
    needed = int(t["regress.consecutive_sessions"])
    if len(current) >= needed:
        recent = current[:needed]
        if all(log.completion_pct < t["regress.completion_min_pct"] for log in recent):
            why = f"the last {_words(needed)} sessions could not be finished"
            return "T-DOWN-4", "completion_low", why
        if all(log.difficulty >= t["regress.difficulty_high"] for log in recent):
            return (
                "T-DOWN-4",
                "difficulty_high",
                f"the last {_words(needed)} sessions felt very hard",
            )
    # A recent regression already answers a rising trend: wait until its pause is over.
    settled = item.no_progress_until is None or today >= item.no_progress_until
    if settled and _weekly_pain_rising(logs, today, t["regress.weekly_pain_rise"]):
        return "T-DOWN-5", "weekly_pain_rising", "pain during it has crept up two weeks in a row"
    return None


def _hold_rule(
    cur: SessionLog,
    cur_checked: SessionLog | None,
    zone: PainZone,
    baseline: Baseline,
    t: Thresholds,
) -> tuple[str, str] | None:
    if zone.green < cur.pain_during <= zone.ceiling:
        return "pain_amber", (
            f"pain during the last session ({cur.pain_during}/10) was acceptable "
            "but not low enough to step up"
        )
    if t["progress.max_difficulty"] < cur.difficulty < t["regress.difficulty_high"]:
        return "difficulty", f"it still felt hard (difficulty {cur.difficulty}/10)"
    if t["regress.completion_min_pct"] <= cur.completion_pct < t["progress.completion_pct"]:
        return "completion", "the last session was not quite finished"
    if cur_checked is not None and cur_checked.next_morning_pain is not None:
        base_morning = baseline.next_morning_pain or 0.0
        morning = cur_checked.next_morning_pain
        if base_morning < morning < base_morning + t["regress.next_morning_rise"]:
            return "next_morning", "the next morning was a little sorer than usual"
    return None


def _up_rule(
    item: ItemState,
    ladder: Ladder | None,
    current: list[SessionLog],
    zone: PainZone,
    baseline: Baseline,
    today: date,
    t: Thresholds,
    context: Context,
) -> Decision:
    if item.no_progress_until is not None and today < item.no_progress_until:
        why = (
            "it was stepped down recently; the next step up can come from "
            f"{_day(item.no_progress_until)}"
        )
        return _hold(item, ladder, context, today, t, "recent_regression", why)

    load_bearing = item.kind in LOAD_KINDS
    needed = int(t["progress.min_sessions_load" if load_bearing else "progress.min_sessions_other"])
    if len(current) < needed:
        why = f"{_words(needed)} sessions at this dose come before the next step"
        return _hold(item, ladder, context, today, t, "too_few_sessions", why)
    recent = current[:needed]
    base_morning = baseline.next_morning_pain or 0.0
    for log in recent:
        if log.next_morning_pain is None:
            why = "the next-morning check-in is still to come"
            return _hold(item, ladder, context, today, t, "awaiting_check_in", why)
        soreness = log.soreness_hours or 0.0
        if not (
            log.completion_pct >= t["progress.completion_pct"]
            and log.pain_during <= zone.green
            and log.next_morning_pain <= base_morning
            and soreness <= t["soreness.progress_max_hours"]
            and log.difficulty <= t["progress.max_difficulty"]
        ):
            why = f"the last {_words(needed)} sessions were not all easy and pain-free enough yet"
            return _hold(item, ladder, context, today, t, "not_settled", why)
    on_rung = ladder.rungs[item.dose.rung_index] if ladder is not None else None
    rung_gap = on_rung.min_days if on_rung is not None and on_rung.min_days else 0
    if load_bearing or rung_gap:
        gap = max(int(t["progress.min_days_load"]) if load_bearing else 0, rung_gap)
        due = item.last_change + timedelta(days=gap)
        if today < due:
            why = f"strength steps need {gap} days between them; the next can come from {_day(due)}"
            return _hold(item, ladder, context, today, t, "too_soon", why)

    step = step_up(item.dose, ladder, load_step_pct(item, t), t)
    if step is None:
        if ladder is None:
            why = "this drill keeps the same dose"
            return _hold(item, ladder, context, today, t, "fixed_dose", why)
        why = "it is at the top of its ladder; your clinician will plan what comes next"
        decision = _hold(item, ladder, context, today, t, "top_of_ladder", why)
        return _raise(decision, "T-REVIEW")
    dose, rung = step
    blocked = rung_blocked_by(rung, item.modifiers) if rung is not None else None
    if blocked is not None:
        # The same exclusions as the prescription hold at every step (§6): no step onto a
        # rung the modifiers forbid; the item stays and the clinician is asked (T-REVIEW).
        why = "the next level is not suitable for you yet"
        decision = _hold(item, ladder, context, today, t, "next_step_not_allowed", why)
        decision = replace(decision, blocked_by=blocked, blocked_rung=rung)
        return _raise(decision, "T-REVIEW")
    entering_plyo = dose.drill in PLYOMETRIC_DRILLS and item.dose.drill not in PLYOMETRIC_DRILLS
    if entering_plyo and not context.plyo_open_for(item.side):
        why = "hops start only after your clinician's hop check"
        return _hold(item, ladder, context, today, t, "G-PLYO", why)

    spike = run_spike_pct(context.weekly_run_km)
    is_load_step = load_bearing or item.impact or entering_plyo
    if is_load_step and spike is not None and spike > t["load.run_spike_pct"]:
        km = context.weekly_run_km
        before = km[-3] if len(km) >= 3 else km[0]
        reason = (
            f"{_name(item, context)}: staying at {format_dose(item.dose)} this week, because "
            f"your running went up quickly ({before:g} → {km[-1]:g} km a week); "
            "your clinician will check in."
        )
        decision = Decision(item.item_id, REVIEW, "R-LOAD-1", item.dose, reason, "load_frozen")
        return _with_flags(decision, item, ladder, context, today, t)

    name = _name(item, context)
    if all(log.pain_during == 0 for log in recent):
        why = f"the last {_words(needed)} sessions were pain-free"
    else:
        why = f"the last {_words(needed)} sessions went well with little pain"
    reason = f"{_dose_words(name, dose, rung, context, 'moving on to')} now, because {why}."
    decision = Decision(item.item_id, PROGRESS, "T-UP", dose, reason, "", rung)
    return _with_flags(decision, item, ladder, context, today, t)


# --- building decisions ---------------------------------------------------------------------


def _stop_program(item: ItemState, answers: Sequence[str], name: str) -> Decision:
    flags = [_red_flag(a) for a in answers]
    codes = tuple(dict.fromkeys(code for code, _ in flags))
    reported = "; ".join(dict.fromkeys(words for _, words in flags))
    reason = (
        f"Your programme is paused. Please stop the exercises and contact the clinic "
        f"(you reported {reported})."
    )
    return Decision(
        item.item_id,
        STOP_PROGRAM,
        "RF",
        item.dose,
        reason,
        ",".join(codes),
        red_flags=codes,
        notify_clinician=True,
    )


def _stop_drill(item: ItemState, detail: str, why: str, context: Context) -> Decision:
    name = _name(item, context)
    reason = f"{name}: paused, because {why}. Your clinician has been told and will be in touch."
    return Decision(item.item_id, STOP, "T-STOP", item.dose, reason, detail, notify_clinician=True)


def _hold(
    item: ItemState,
    ladder: Ladder | None,
    context: Context,
    today: date,
    t: Thresholds,
    detail: str,
    why: str,
) -> Decision:
    name = _name(item, context)
    reason = f"{name}: staying at {format_dose(item.dose)}, because {why}."
    decision = Decision(item.item_id, HOLD, "T-HOLD", item.dose, reason, detail)
    return _with_flags(decision, item, ladder, context, today, t)


def _with_flags(
    decision: Decision,
    item: ItemState,
    ladder: Ladder | None,
    context: Context,
    today: date,
    t: Thresholds,
) -> Decision:
    """Add the review rules (programme continues). A hold that raises one becomes a review."""
    if decision.action != PROGRESS and ladder is not None:
        since = item.last_progress or item.last_change
        if (today - since).days >= int(t["review.no_progress_weeks"] * 7):
            decision = _raise(decision, "T-REVIEW")
    if context.adherence_pct is not None and context.adherence_pct < t["review.adherence_min_pct"]:
        decision = _raise(decision, "T-REVIEW")
    spike = run_spike_pct(context.weekly_run_km)
    if spike is not None and spike > t["load.run_spike_pct"]:
        decision = _raise(decision, "R-LOAD-1")
    return decision


def _raise(decision: Decision, rule: str) -> Decision:
    if rule in decision.flags:
        return decision
    action, main_rule, reason = decision.action, decision.rule, decision.reason
    if action == HOLD:
        action, main_rule = REVIEW, rule
    if rule == "T-REVIEW" and "clinician" not in reason:
        reason += " Your clinician will review your plan."
    return replace(
        decision,
        action=action,
        rule=main_rule,
        reason=reason,
        flags=(*decision.flags, rule),
        notify_clinician=True,
    )


# --- small pieces ---------------------------------------------------------------------------


def _stop_probes(
    item: ItemState, logs: Sequence[SessionLog]
) -> tuple[SessionLog | None, SessionLog | None]:
    """The latest log and the latest checked-in log, read for RF and T-STOP whatever the
    last dose change, so a session on the day of a change is never missed."""
    last = logs[-1] if logs else None
    if last is not None and item.cleared_on is not None and last.day <= item.cleared_on:
        return None, None
    return last, _latest_checked_in(logs, item.cleared_on)


def _since_change(logs: Sequence[SessionLog], last_change: date, limit: int) -> list[SessionLog]:
    """Up to `limit` logs dated after the last change, newest first."""
    found: list[SessionLog] = []
    for log in reversed(logs):
        if log.day <= last_change or len(found) == limit:
            break
        found.append(log)
    return found


def _latest_checked_in(logs: Sequence[SessionLog], after: date | None) -> SessionLog | None:
    # The check-in belongs to the previous session, so look back only a few sessions.
    for index in range(len(logs) - 1, max(-1, len(logs) - 4), -1):
        log = logs[index]
        if after is not None and log.day <= after:
            return None
        if log.checked_in:
            return log
    return None


def _weekly_pain_rising(logs: Sequence[SessionLog], today: date, rise: float) -> bool:
    """T-DOWN-5: mean pain during, per 7-day week ending today, rose by `rise` or more in
    each of the last two weeks."""
    today_n = today.toordinal()
    sums = [0.0, 0.0, 0.0]
    counts = [0, 0, 0]
    for log in reversed(logs):
        age = today_n - log.day.toordinal()
        if age < 0:
            continue
        week = age // 7
        if week > 2:
            break
        if week == 1 and counts[0] and sums[0] / counts[0] < 2 * rise:
            return False  # this week's mean is too low to sit two rises above anything
        sums[week] += log.pain_during
        counts[week] += 1
    if not (counts[0] and counts[1] and counts[2]):
        return False
    this_week, last_week, week_before = (sums[i] / counts[i] for i in range(3))
    return this_week - last_week >= rise and last_week - week_before >= rise


def _name(item: ItemState, context: Context) -> str:
    return item.name or _drill_name(item.dose.drill, context)


def _drill_name(slug: str, context: Context) -> str:
    name = context.drill_names.get(slug)
    return name if name else slug.replace("_", " ").capitalize()


def _dose_words(name: str, dose: Dose, rung: Rung | None, context: Context, move: str) -> str:
    if rung is None:
        return f"{name}: {format_dose(dose)}"
    variant = f" ({rung.variant})" if rung.variant else ""
    return f"{name}: {move} {_drill_name(rung.drill, context)}{variant}, {format_dose(dose)}"


def _words(n: int) -> str:
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def _day(day: date) -> str:
    return f"{day.day} {day:%B}"
