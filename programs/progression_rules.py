"""PURE: a drill's session logs -> progress / hold / regress / stop / review
(docs/clinical-rules.md §7)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from assessments.thresholds import DEFAULT_THRESHOLDS, Thresholds
from programs.drills import DRILLS_BY_SLUG
from programs.exclusions import modifier_exclusion
from programs.ladders import Ladder, Rung
from programs.patient_text import plain_variant
from programs.red_flags import BY_ANSWER, BY_CODE, most_urgent

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
PHP_MODIFIERS = frozenset({"M-PHP"})

# The morning measures of the check-in (docs/clinical-rules.md §7): next-morning pain always;
# first-step pain for plantar heel pain, morning stiffness (minutes) for the Achilles.
NEXT_MORNING = "next_morning_pain"
FIRST_STEP = "first_step_pain"
STIFFNESS = "morning_stiffness_min"
MORNING_WORDS = {
    NEXT_MORNING: "next-morning pain",
    FIRST_STEP: "first-step pain in the morning",
    STIFFNESS: "morning stiffness",
}
# "Still sore?" answers more than this many days apart do not make one run of soreness.
SORENESS_GAP_DAYS = 2
# A check-in answers the latest session before it when it comes within this many days.
CHECKIN_WINDOW_DAYS = 3
BONE_OR_ACUTE_MODIFIERS = frozenset({"M-SPRAIN-ACUTE", "M-MTSS", "M-BSI-HX"})
# §6, §8: a suspected bone stress injury keeps every load or impact step on hold until the
# clinician clears it (the draft already left out hops, running and cadence work).
BSI_SUSPECT = "M-BSI-SUSPECT"


BASELINE_UNKNOWN = "baseline_unknown"  # decision detail: hold and ask (§7)

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
    soreness_hours: float | None = None  # older check-ins: how many hours soreness lasted
    red_flags: tuple[str, ...] = ()  # answer codes (or "RF-n" codes) answered "yes"
    first_step_pain: int | None = None  # 0-10, asked under M-PHP
    morning_stiffness_min: int | None = None  # minutes, asked under M-AT-*
    # Days the soreness this session belongs to had lasted at the last "still sore?" answer
    # of its run (see `soreness_days`); 0: not sore at its check-in; None: not asked.
    sore_days: int | None = None

    @property
    def checked_in(self) -> bool:
        return any(
            value is not None
            for value in (
                self.next_morning_pain,
                self.soreness_hours,
                self.sore_days,
                self.first_step_pain,
                self.morning_stiffness_min,
            )
        )

    def morning(self, measure: str) -> int | None:
        return getattr(self, measure)


@dataclass(frozen=True, slots=True)
class Baseline:
    """Mean pain over the programme's first sessions (§7); see `baseline_from`. A morning
    measure nobody has answered yet is None: unknown, never 0 (docs/clinical-rules.md §7)."""

    pain_during: float = 0.0
    next_morning_pain: float | None = None
    sessions: int = 0
    first_step_pain: float | None = None
    morning_stiffness_min: float | None = None

    def morning(self, measure: str) -> float | None:
        return getattr(self, measure)


# Balance rungs a timed single-leg stance test measures: the drill's stance and eyes
# (docs/clinical-rules.md §7, "Home self-tests and the balance ladder").
BALANCE_TEST_EYES = {"sl_balance_firm_eo": "open", "sl_balance_ec": "closed"}


@dataclass(frozen=True, slots=True)
class BalanceTest:
    """One timed single-leg balance test, eyes open or closed, in seconds per side: done by
    the patient at home (`home`) or measured at the clinic on a screen."""

    day: date
    eyes: str  # "open" or "closed"
    left: float | None
    right: float | None
    home: bool = True


@dataclass(frozen=True, slots=True)
class Context:
    """What the engine needs beyond one item's own history."""

    weekly_run_km: tuple[float, ...] = ()  # complete weeks, oldest first (R-LOAD-1)
    plyo_gate_sides: frozenset[str] = frozenset()  # sides where G-PLYO is passed
    red_flags: tuple[str, ...] = ()  # answers from the "something is wrong" button
    adherence_pct: float | None = None  # sessions done / planned over the last 2 weeks
    drill_names: Mapping[str, str] = field(default_factory=dict)  # slug -> patient's name
    # Timed balance tests, home and clinic, any order (docs/clinical-rules.md §7): a home
    # test at the target hold may stand for one trial on the balance ladder's way up.
    balance_tests: tuple[BalanceTest, ...] = ()

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
    # The morning measures watched week on week (§7, Silbernagel); empty outside the tendon
    # pain model.
    weekly: tuple[str, ...] = ()


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
    """Mean pain during over the programme's first `baseline.sessions` session days; each
    morning measure is the mean over the first `baseline.sessions` session days on which it
    was answered, so skipped early check-ins leave it unknown until answered, never 0
    (docs/clinical-rules.md §7). `logs` may hold one row per session or one per drill,
    oldest first."""
    wanted = int(t["baseline.sessions"])
    days: set[date] = set()
    during_sum = 0.0
    during_n = 0
    for log in logs:
        if log.day not in days:
            if len(days) == wanted:
                break
            days.add(log.day)
        during_sum += log.pain_during
        during_n += 1
    mornings: dict[str, dict[date, int]] = {NEXT_MORNING: {}, FIRST_STEP: {}, STIFFNESS: {}}
    for log in logs:
        for measure, per_day in mornings.items():
            value = log.morning(measure)
            if value is not None and len(per_day) < wanted:
                per_day.setdefault(log.day, value)  # one answer per day, whatever the drills

    def mean(measure: str) -> float | None:
        values = list(mornings[measure].values())
        return sum(values) / len(values) if values else None

    return Baseline(
        pain_during=during_sum / during_n if during_n else 0.0,
        next_morning_pain=mean(NEXT_MORNING),
        sessions=len(days),
        first_step_pain=mean(FIRST_STEP),
        morning_stiffness_min=mean(STIFFNESS),
    )


def soreness_days(
    session_days: Sequence[date], answers: Sequence[tuple[date, bool | None]]
) -> dict[date, int]:
    """How many days the soreness of each session had lasted (docs/clinical-rules.md §7).

    `answers` are the "still sore from the last session?" answers (day, yes/no/None),
    oldest first. A session's own answer is the first one after it, within
    `CHECKIN_WINDOW_DAYS` and no later than the next session day. "No" gives 0. "Yes" starts
    or continues a run of "yes" answers (at most `SORENESS_GAP_DAYS` apart, ended by a "no");
    the run counts from the session before its first "yes" to its last "yes", so a patient
    still sore three mornings after a session has 3 days whatever sessions came in between.
    Sessions without an answer are left out.
    """
    days = sorted(set(session_days))
    asked = [(day, sore) for day, sore in answers if sore is not None]
    found: dict[date, int] = {}
    index = 0
    for n, day in enumerate(days):
        limit = day + timedelta(days=CHECKIN_WINDOW_DAYS)
        if n + 1 < len(days):
            limit = min(limit, days[n + 1])
        while index < len(asked) and asked[index][0] <= day:
            index += 1
        if index == len(asked) or asked[index][0] > limit:
            continue
        if not asked[index][1]:
            found[day] = 0
            continue
        first = index  # the run may have begun before this session
        while (
            first > 0
            and asked[first - 1][1]
            and (asked[first][0] - asked[first - 1][0]).days <= SORENESS_GAP_DAYS
        ):
            first -= 1
        last = index
        while (
            last + 1 < len(asked)
            and asked[last + 1][1]
            and (asked[last + 1][0] - asked[last][0]).days <= SORENESS_GAP_DAYS
        ):
            last += 1
        before = [d for d in days if d < asked[first][0]]
        start = min(day, before[-1]) if before else day
        found[day] = (asked[last][0] - start).days
    return found


def tendon_loading(drill: str, kind: str) -> bool:
    """A drill that loads the Achilles or the plantar fascia: its pain is asked on its own
    (docs/clinical-rules.md §7) and the tendon pain model applies to it under M-AT-*/M-PHP."""
    return kind == "tendon" or drill in TENDON_LOADING_DRILLS


def morning_questions(modifiers: frozenset[str] | set[str]) -> tuple[str, ...]:
    """The extra morning questions of the check-in for a patient's modifiers (§7)."""
    asked: list[str] = []
    if not PHP_MODIFIERS.isdisjoint(modifiers):
        asked.append(FIRST_STEP)
    if not T_TEN_MODIFIERS.isdisjoint(modifiers):
        asked.append(STIFFNESS)
    return tuple(asked)


def pain_zone(item: ItemState, t: Thresholds = DEFAULT_THRESHOLDS) -> PainZone:
    """Ceiling per §7. Where two ceilings apply (a heel raise under M-AT-MID and
    M-SPRAIN-ACUTE) the lower one wins, the conservative reading."""
    modifiers = item.modifiers
    loading = tendon_loading(item.dose.drill, item.kind)
    tendon = loading and not modifiers.isdisjoint(TENDON_MODIFIERS)
    settle = loading and not modifiers.isdisjoint(T_TEN_MODIFIERS)
    weekly = (NEXT_MORNING, *morning_questions(modifiers)) if tendon else ()
    if item.impact or not modifiers.isdisjoint(BONE_OR_ACUTE_MODIFIERS):
        ceiling = t["pain.ceiling.bone_or_acute"]
        green = t["pain.green.impact"] if item.impact else t["pain.green.general"]
        return PainZone("bone_or_acute", ceiling, min(green, ceiling), settle, weekly)
    if tendon:
        ceiling = t["pain.ceiling.tendon"]
        return PainZone("tendon", ceiling, min(t["pain.green.tendon"], ceiling), settle, weekly)
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
    """ "3 × 12", "3 × 45 s", "2 × 10 × 5 s", "3 × 12 with about 5% of your body weight added"
    (load in the patient's terms, docs/clinical-rules.md §1 plain words)."""
    parts = [str(dose.sets)]
    if dose.reps is not None:
        parts.append(str(dose.reps))
    if dose.hold_s is not None:
        parts.append(f"{dose.hold_s} s")
    text = " × ".join(parts)
    if dose.load_pct > 0:
        text += f" with about {dose.load_pct:g}% of your body weight added"
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

    hold = _hold_rule(item, logs, cur, cur_checked, zone, baseline, today, t)
    if hold is not None:
        decision = _hold(item, ladder, context, today, t, hold[0], hold[1])
        if hold[0].startswith(BASELINE_UNKNOWN):
            # Unknown, not 0: hold and ask the clinician for it (docs/clinical-rules.md §7).
            decision = _raise(decision, "T-REVIEW")
        return decision

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
    base_morning = baseline.next_morning_pain  # None: unknown, judged by the hold rule
    if (
        base_morning is not None
        and cur_checked is not None
        and cur_checked.next_morning_pain is not None
    ):
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
    if cur_checked is not None and _sore_too_long(cur_checked, t["soreness.max_hours"]):
        days = cur_checked.sore_days
        return (
            "T-DOWN-3",
            "still_sore_days",
            f"you were still sore {_words(days or 0)} days after the session",
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
    rise = _morning_rise(logs, today, zone, item.cleared_on)
    if settled and rise is not None and rise[1] >= 2:
        why = f"your {MORNING_WORDS[rise[0]]} has crept up two weeks in a row"
        return "T-DOWN-5", "weekly_morning_rising", why
    return None


def _hold_rule(
    item: ItemState,
    logs: Sequence[SessionLog],
    cur: SessionLog,
    cur_checked: SessionLog | None,
    zone: PainZone,
    baseline: Baseline,
    today: date,
    t: Thresholds,
) -> tuple[str, str] | None:
    unknown = _unknown_baselines(zone, baseline) if cur_checked is not None else ()
    if unknown:
        words = " and ".join(MORNING_WORDS[m] for m in unknown)
        return f"{BASELINE_UNKNOWN}:{','.join(unknown)}", (
            f"we do not know your usual {words} yet; please answer the morning check-in"
        )
    rise = _morning_rise(logs, today, zone, item.cleared_on)
    if rise is not None:
        return "weekly_morning_rising", (
            f"your {MORNING_WORDS[rise[0]]} was higher this week than last week"
        )
    if zone.green < cur.pain_during <= zone.ceiling:
        return "pain_amber", (
            f"pain during the last session ({cur.pain_during}/10) was acceptable "
            "but not low enough to step up"
        )
    if t["progress.max_difficulty"] < cur.difficulty < t["regress.difficulty_high"]:
        return "difficulty", f"it still felt hard (difficulty {cur.difficulty}/10)"
    if t["regress.completion_min_pct"] <= cur.completion_pct < t["progress.completion_pct"]:
        return "completion", "the last session was not quite finished"
    base_morning = baseline.next_morning_pain
    if (
        base_morning is not None
        and cur_checked is not None
        and cur_checked.next_morning_pain is not None
    ):
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
    # A home balance test at the target hold stands for one trial, never for all of them:
    # the sessions that remain are judged by every pain rule below (§7).
    home_test = home_balance_trial(item, ladder, context, today)
    if home_test is not None:
        needed = max(1, needed - 1)
    if len(current) < needed:
        why = f"{_words(needed)} sessions at this dose come before the next step"
        return _hold(item, ladder, context, today, t, "too_few_sessions", why)
    recent = current[:needed]
    # Next-morning pain, and first-step pain or stiffness where asked: not above usual.
    watched = tuple(dict.fromkeys((NEXT_MORNING, *zone.weekly)))
    usual: dict[str, float] = {}
    for measure in watched:
        value = baseline.morning(measure)
        if value is None:  # the hold rule asks for it once a check-in has come
            why = "the next-morning check-in is still to come"
            return _hold(item, ladder, context, today, t, "awaiting_check_in", why)
        usual[measure] = value
    for log in recent:
        mornings = {measure: log.morning(measure) for measure in watched}
        if any(value is None for value in mornings.values()):
            why = "the next-morning check-in is still to come"
            return _hold(item, ladder, context, today, t, "awaiting_check_in", why)
        soreness = log.soreness_hours or 0.0
        settled_mornings = all(
            value is not None and value <= usual[measure] for measure, value in mornings.items()
        )
        if not (
            log.completion_pct >= t["progress.completion_pct"]
            and log.pain_during <= zone.green
            and settled_mornings
            and soreness <= t["soreness.progress_max_hours"]
            and not _sore_too_long(log, t["soreness.progress_max_hours"])
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
    if BSI_SUSPECT in item.modifiers and (load_bearing or item.impact):
        why = "a possible bone stress injury must be cleared by your clinician first"
        decision = _hold(item, ladder, context, today, t, "M-BSI-SUSPECT", why)
        return _raise(decision, "T-REVIEW")
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
    sessions = "session" if needed == 1 else f"{_words(needed)} sessions"
    if all(log.pain_during == 0 for log in recent):
        why = f"the last {sessions} {'was' if needed == 1 else 'were'} pain-free"
    else:
        why = f"the last {sessions} went well with little pain"
    detail = ""
    if home_test is not None:
        held = format_hold(home_test, item.side)
        why += f", and your balance test at home ({_day(home_test.day)}) held {held}"
        detail = "home_balance_test"
    reason = f"{_dose_words(name, dose, rung, context, 'moving on to')} now, because {why}."
    decision = Decision(item.item_id, PROGRESS, "T-UP", dose, reason, detail, rung)
    return _with_flags(decision, item, ladder, context, today, t)


def home_balance_trial(
    item: ItemState, ladder: Ladder | None, context: Context, today: date
) -> BalanceTest | None:
    """The home balance self-test that counts as one trial toward the next step up the
    balance ladder, or None (docs/clinical-rules.md §7, "Home self-tests and the balance
    ladder"). It counts only on a firm-stance rung of a balance ladder whose eyes match the
    test, when it was done after the dose last changed (so at the dose now asked for), and
    held at least the item's current hold on each side the item trains. The latest timed test
    of that kind decides: a clinic measurement on the same day or later wins, and then no home
    test counts. Only T-UP reads this; no rule steps down or holds from a self-test."""
    eyes = BALANCE_TEST_EYES.get(item.dose.drill)
    target = item.dose.hold_s
    if ladder is None or ladder.kind != "balance" or eyes is None or not target:
        return None
    since = item.last_change
    if item.cleared_on is not None and item.cleared_on > since:
        since = item.cleared_on
    tests = [
        test for test in context.balance_tests if test.eyes == eyes and since < test.day <= today
    ]
    if not tests:
        return None
    # Newest first; on the same day the clinic's measurement comes before the home one.
    latest = max(tests, key=lambda test: (test.day, not test.home))
    if not latest.home:
        return None
    sides = (item.side,) if item.side in ("left", "right") else ("left", "right")
    values = [latest.left if side == "left" else latest.right for side in sides]
    if any(value is None or value < target for value in values):
        return None
    return latest


def format_hold(test: BalanceTest, side: str) -> str:
    """ "45 s on both sides" or "50 s on the left" for the patient's reason."""
    if side in ("left", "right"):
        value = test.left if side == "left" else test.right
        return f"{value:g} s on the {side}"
    low = min(v for v in (test.left, test.right) if v is not None)
    return f"at least {low:g} s on both sides"


# --- building decisions ---------------------------------------------------------------------


def _stop_program(item: ItemState, answers: Sequence[str], name: str) -> Decision:
    flags = [_red_flag(a) for a in answers]
    codes = tuple(dict.fromkeys(code for code, _ in flags))
    reported = "; ".join(dict.fromkeys(words for _, words in flags))
    # What to do follows the most urgent flag's tier (docs/clinical-rules.md §8).
    advice = most_urgent(answers).patient_message
    reason = f"Your programme is paused. {advice} (You reported {reported}.)"
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


def _unknown_baselines(zone: PainZone, baseline: Baseline) -> tuple[str, ...]:
    """The morning measures this item is judged against whose baseline nobody answered."""
    return tuple(
        m for m in dict.fromkeys((NEXT_MORNING, *zone.weekly)) if baseline.morning(m) is None
    )


def _sore_too_long(log: SessionLog, max_hours: float) -> bool:
    """Soreness counted in days (§7): still sore N days on means more than N x 24 hours less
    the night, so N days is over `max_hours` when N > max_hours / 24 (3 days > 48 h)."""
    return log.sore_days is not None and log.sore_days * 24 > max_hours


def _weekly_means(
    logs: Sequence[SessionLog], today: date, measure: str, after: date | None
) -> list[float | None]:
    """Mean of a morning measure per 7-day week ending today: this week, last week, the week
    before (None where not answered). One value per session day."""
    per_day: dict[date, int] = {}
    for log in logs:
        value = log.morning(measure)
        age = (today - log.day).days
        if value is None or age < 0 or age > 20 or (after is not None and log.day <= after):
            continue
        per_day.setdefault(log.day, value)
    weeks: list[list[int]] = [[], [], []]
    for day, value in per_day.items():
        weeks[(today - day).days // 7].append(value)
    return [sum(w) / len(w) if w else None for w in weeks]


def _morning_rise(
    logs: Sequence[SessionLog], today: date, zone: PainZone, after: date | None
) -> tuple[str, int] | None:
    """Silbernagel's weekly check (docs/clinical-rules.md §7): the first watched morning
    measure whose weekly mean rose, with 2 when it rose two weeks running, else 1."""
    found: tuple[str, int] | None = None
    for measure in zone.weekly:
        this_week, last_week, week_before = _weekly_means(logs, today, measure, after)
        if this_week is None or last_week is None or this_week <= last_week:
            continue
        weeks = 2 if week_before is not None and last_week > week_before else 1
        if found is None or weeks > found[1]:
            found = (measure, weeks)
    return found


def _name(item: ItemState, context: Context) -> str:
    return item.name or _drill_name(item.dose.drill, context)


def _drill_name(slug: str, context: Context) -> str:
    """The drill's display name: the program's, else the library's; never the slug
    (docs/clinical-rules.md §1 plain words)."""
    name = context.drill_names.get(slug)
    if name:
        return name
    spec = DRILLS_BY_SLUG.get(slug)
    return spec.name if spec is not None else slug.replace("_", " ").capitalize()


def _rung_words(rung: Rung, context: Context) -> str:
    """A rung as the patient knows it: its variant's name (docs/clinical-rules.md §10), else
    the drill's name with the variant in plain words."""
    spec = DRILLS_BY_SLUG.get(rung.drill)
    chosen = spec.variant(rung.variant) if spec is not None else None
    if chosen is not None and chosen.name:
        return chosen.name
    variant = plain_variant(rung.variant)
    name = _drill_name(rung.drill, context)
    return f"{name} ({variant})" if variant else name


def _dose_words(name: str, dose: Dose, rung: Rung | None, context: Context, move: str) -> str:
    if rung is None:
        return f"{name}: {format_dose(dose)}"
    return f"{name}: {move} {_rung_words(rung, context)}, {format_dose(dose)}"


def _words(n: int) -> str:
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def _day(day: date) -> str:
    return f"{day.day} {day:%B}"
