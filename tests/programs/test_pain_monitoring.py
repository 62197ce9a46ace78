"""Pain monitoring in the pure progression engine (docs/clinical-rules.md §7, after the
Silbernagel model of clinical.md 8.10): morning measures per modifier, weekly rises that hold
and regress, soreness counted in days, and a missing baseline that is unknown, never 0."""

from datetime import date, timedelta

import pytest

from assessments.thresholds import DEFAULT_THRESHOLDS as T
from programs.ladders import Ladder, Rung
from programs.progression_rules import (
    Baseline,
    Dose,
    ItemState,
    SessionLog,
    baseline_from,
    evaluate,
    morning_questions,
    pain_zone,
    soreness_days,
    tendon_loading,
)

TODAY = date(2026, 3, 16)
CALF = Ladder(
    "L-TEST-CALF",
    "Test calf ladder",
    (
        Rung("heel_raise_bilateral", 3, 3, reps=15, max_reps=15),
        Rung("heel_raise_single", 2, 3, reps=10, max_reps=14),
        Rung("heel_raise_single", 3, 3, reps=12, max_reps=12),
    ),
    "strength",
)
KNOWN = Baseline(1.0, 1.0, 3, first_step_pain=3.0, morning_stiffness_min=20.0)


def ago(days):
    return TODAY - timedelta(days=days)


def log(days_ago, morning=1, *, pain=0, first_step=None, stiffness=None, sore_days=None):
    return SessionLog(
        ago(days_ago),
        100.0,
        pain,
        4,
        morning,
        first_step_pain=first_step,
        morning_stiffness_min=stiffness,
        sore_days=sore_days,
    )


def heel_raises(*modifiers, changed=20, drill="heel_raise_single", kind="tendon"):
    return ItemState(
        Dose(drill, 1, 2, 10),
        kind,
        ago(changed),
        ladder_code=CALF.code,
        modifiers=frozenset(modifiers),
        name="Heel raises",
    )


def run(state, logs, baseline=KNOWN):
    return evaluate(state, logs, ladder=CALF, baseline=baseline, today=TODAY, thresholds=T)


def weeks(field, *means):
    """Two sessions per week, oldest week first; `means` are (value, value) pairs per week."""
    out = []
    for week, (first, second) in enumerate(means):
        age = 7 * (len(means) - 1 - week)
        for days, value in ((age + 5, first), (age + 2, second)):
            out.append(log(days, **{field: value}))
    return out


# --- which drills ask their own pain, which check-in questions are asked ----------------------


@pytest.mark.parametrize(
    ("drill", "kind", "own"),
    [
        ("heel_raise_single", "strength", True),
        ("eccentric_step_heel_drop", "strength", True),
        ("isometric_calf_hold", "tendon", True),  # a tendon ladder's rung
        ("toe_yoga", "intrinsic", False),
        ("sl_balance_firm_eo", "balance", False),
    ],
)
def test_tendon_loading_drills_ask_their_own_pain(drill, kind, own):
    assert tendon_loading(drill, kind) is own


@pytest.mark.parametrize(
    ("modifiers", "asked"),
    [
        (set(), ()),
        ({"M-PHP"}, ("first_step_pain",)),
        ({"M-AT-MID"}, ("morning_stiffness_min",)),
        ({"M-AT-INS", "M-SPRAIN-ACUTE"}, ("morning_stiffness_min",)),
        ({"M-PHP", "M-AT-MID"}, ("first_step_pain", "morning_stiffness_min")),
    ],
)
def test_morning_questions_per_modifier(modifiers, asked):
    assert morning_questions(frozenset(modifiers)) == asked


def test_the_tendon_model_watches_the_modifiers_morning_measure_each_week():
    assert pain_zone(heel_raises("M-PHP"), T).weekly == ("next_morning_pain", "first_step_pain")
    assert pain_zone(heel_raises("M-AT-MID"), T).weekly == (
        "next_morning_pain",
        "morning_stiffness_min",
    )
    assert pain_zone(heel_raises(), T).weekly == ()
    toe_yoga = heel_raises("M-AT-MID", drill="toe_yoga", kind="intrinsic")
    assert pain_zone(toe_yoga, T).weekly == ()


# --- weekly: one rise holds, two running regress -----------------------------------------------


@pytest.mark.parametrize(
    ("field", "modifier", "means", "rule", "detail"),
    [
        # next-morning pain, all at or under the baseline of 1, so T-UP without the weekly rule
        ("morning", "M-AT-MID", ((0, 0), (0, 0), (1, 1)), "T-HOLD", "weekly_morning_rising"),
        ("morning", "M-AT-MID", ((0, 0), (0, 1), (1, 1)), "T-DOWN-5", "weekly_morning_rising"),
        ("morning", "M-AT-MID", ((1, 1), (1, 1), (1, 1)), "T-UP", ""),
        ("morning", "M-AT-MID", ((1, 1), (1, 0), (0, 0)), "T-UP", ""),  # falling
        # morning stiffness (baseline 20 min) for the Achilles
        (
            "stiffness",
            "M-AT-INS",
            ((10, 10), (10, 10), (15, 15)),
            "T-HOLD",
            "weekly_morning_rising",
        ),
        (
            "stiffness",
            "M-AT-MID",
            ((5, 5), (10, 10), (15, 15)),
            "T-DOWN-5",
            "weekly_morning_rising",
        ),
        # first-step pain (baseline 3) for plantar heel pain
        ("first_step", "M-PHP", ((1, 1), (1, 1), (2, 2)), "T-HOLD", "weekly_morning_rising"),
        ("first_step", "M-PHP", ((1, 1), (2, 2), (3, 3)), "T-DOWN-5", "weekly_morning_rising"),
    ],
)
def test_weekly_morning_rise_holds_and_two_running_regress(field, modifier, means, rule, detail):
    logs = weeks(field, *means)
    # Fill the other measures the modifier asks for, flat, so only `field` moves.
    filled = [
        SessionLog(
            entry.day,
            entry.completion_pct,
            entry.pain_during,
            entry.difficulty,
            entry.next_morning_pain,
            first_step_pain=entry.first_step_pain if field == "first_step" else 1,
            morning_stiffness_min=entry.morning_stiffness_min if field == "stiffness" else 10,
        )
        for entry in logs
    ]
    decision = run(heel_raises(modifier), filled)
    assert (decision.rule, decision.detail) == (rule, detail)
    if rule == "T-DOWN-5":
        assert decision.action == "regress" and decision.dose != heel_raises(modifier).dose
    if rule == "T-HOLD":
        assert "higher this week than last week" in decision.reason


def test_the_weekly_morning_rule_is_for_tendon_loading_drills_under_a_tendon_modifier():
    rising = weeks("morning", (0, 0), (0, 1), (1, 1))
    assert run(heel_raises(), rising).rule == "T-UP"  # no modifier: the general model
    toe_yoga = heel_raises("M-AT-MID", drill="toe_yoga", kind="intrinsic")
    assert run(toe_yoga, rising).rule != "T-DOWN-5"


def test_a_rise_before_the_clinician_cleared_the_item_is_not_read_again():
    state = heel_raises("M-PHP")
    logs = [
        SessionLog(e.day, 100.0, 0, 4, 1, first_step_pain=e.first_step_pain)
        for e in weeks("first_step", (1, 1), (2, 2), (3, 3))
    ]
    cleared = ItemState(**{**_fields(state), "cleared_on": ago(3)})
    assert run(state, logs).rule == "T-DOWN-5"
    assert run(cleared, logs).detail != "weekly_morning_rising"


def _fields(state):
    return {name: getattr(state, name) for name in state.__slots__}


# --- soreness counted in days ------------------------------------------------------------------


def test_soreness_days_counts_a_run_of_still_sore_answers():
    monday = date(2026, 3, 2)
    day = lambda n: monday + timedelta(days=n)  # noqa: E731
    # Session Monday; still sore Tuesday, Wednesday and Thursday: 3 days, over 48 h.
    assert soreness_days([day(0)], [(day(1), True), (day(2), True), (day(3), True)]) == {day(0): 3}
    # Not sore the morning after: 0. Sore Tuesday only: 1.
    assert soreness_days([day(0)], [(day(1), False)]) == {day(0): 0}
    assert soreness_days([day(0)], [(day(1), True), (day(2), False)]) == {day(0): 1}


def test_daily_sessions_do_not_hide_soreness_that_lasts_days():
    monday = date(2026, 3, 2)
    day = lambda n: monday + timedelta(days=n)  # noqa: E731
    sessions = [day(0), day(1), day(2)]  # daily mobility: each check-in is < 24 h later
    answers = [(day(1), True), (day(2), True), (day(3), True)]
    assert soreness_days(sessions, answers) == {day(0): 3, day(1): 3, day(2): 3}


def test_soreness_runs_break_on_a_no_or_a_long_gap_and_skip_unasked_check_ins():
    monday = date(2026, 3, 2)
    day = lambda n: monday + timedelta(days=n)  # noqa: E731
    assert soreness_days([day(0), day(4)], [(day(1), True), (day(5), True)]) == {
        day(0): 1,
        day(4): 1,
    }
    assert soreness_days([day(0), day(2)], [(day(1), True), (day(2), False), (day(3), True)]) == {
        day(0): 1,
        day(2): 1,
    }
    assert soreness_days([day(0)], [(day(1), None)]) == {}  # older check-ins: not asked
    assert soreness_days([day(0)], [(day(5), True)]) == {}  # too late to answer Monday


@pytest.mark.parametrize(
    ("sore_days", "rule", "detail"),
    [
        (3, "T-DOWN-3", "still_sore_days"),  # > 48 h
        (2, "T-HOLD", "not_settled"),  # > 24 h: no step up, no step down
        (1, "T-UP", ""),  # gone by the second morning
        (0, "T-UP", ""),
    ],
)
def test_soreness_in_days_regresses_over_48_hours_and_blocks_progress_over_24(
    sore_days, rule, detail
):
    logs = [log(5, sore_days=0), log(2, sore_days=sore_days)]
    decision = run(heel_raises(drill="heel_raise_single", kind="strength"), logs)
    assert (decision.rule, decision.detail) == (rule, detail)
    if rule == "T-DOWN-3":
        assert "still sore three days after the session" in decision.reason


# --- a missing baseline is unknown: hold and ask, never 0 --------------------------------------


def test_skipped_first_check_ins_leave_the_baseline_to_the_first_answers():
    logs = [log(20, None), log(18, None), log(16, None), log(14, 2), log(12, 3), log(10, 1)]
    assert baseline_from(logs, T).next_morning_pain == 2.0  # not 0: the first three answers
    assert baseline_from([log(20, None), log(18, None)], T).next_morning_pain is None


def test_baselines_are_kept_per_morning_measure():
    logs = [log(20, 1, first_step=4), log(18, 1), log(16, 3, first_step=2, stiffness=30)]
    baseline = baseline_from(logs, T)
    assert baseline.next_morning_pain == pytest.approx(5 / 3)
    assert baseline.first_step_pain == 3.0
    assert baseline.morning_stiffness_min == 30.0


def test_unknown_next_morning_baseline_holds_and_asks_instead_of_regressing():
    unknown = Baseline(1.0, None, 3)
    # Against a baseline of 0 a usual 2/10 morning was "not settled" and regressed.
    decision = run(
        heel_raises("M-AT-MID"), [log(5, 2, stiffness=10), log(2, 2, stiffness=10)], unknown
    )
    assert decision.action == "review"
    assert decision.rule == "T-REVIEW"
    assert decision.detail.startswith("baseline_unknown:")
    assert "next_morning_pain" in decision.detail
    assert decision.notify_clinician
    assert decision.dose == heel_raises().dose
    assert "we do not know your usual next-morning pain" in decision.reason


@pytest.mark.parametrize(
    ("modifier", "baseline", "measure"),
    [
        ("M-PHP", Baseline(1.0, 1.0, 3, first_step_pain=None), "first_step_pain"),
        ("M-AT-MID", Baseline(1.0, 1.0, 3, morning_stiffness_min=None), "morning_stiffness_min"),
    ],
)
def test_unknown_first_step_or_stiffness_baseline_holds_and_asks(modifier, baseline, measure):
    logs = [log(5, 0, first_step=0, stiffness=0), log(2, 0, first_step=0, stiffness=0)]
    decision = run(heel_raises(modifier), logs, baseline)
    assert (decision.action, decision.detail) == ("review", f"baseline_unknown:{measure}")
    # The same logs with the baseline known step up.
    assert run(heel_raises(modifier), logs, KNOWN).rule == "T-UP"


def test_an_unasked_measure_needs_no_baseline():
    logs = [log(5, 0), log(2, 0)]  # no first-step pain, no stiffness
    assert run(heel_raises(), logs, Baseline(1.0, 1.0, 3)).rule == "T-UP"


def test_no_check_in_yet_waits_without_asking_the_clinician():
    decision = run(heel_raises("M-AT-MID"), [log(5, None), log(2, None)], Baseline(1.0, None, 1))
    assert (decision.rule, decision.detail) == ("T-HOLD", "awaiting_check_in")
    assert not decision.notify_clinician


def test_a_pain_stop_still_applies_with_an_unknown_baseline():
    decision = run(heel_raises("M-AT-MID"), [log(5, 8, stiffness=5)], Baseline(1.0, None, 1))
    assert decision.rule == "T-STOP"


def test_tendon_t_up_needs_first_step_pain_or_stiffness_not_above_usual():
    higher = [log(5, 1, first_step=4), log(2, 1, first_step=4)]  # baseline 3
    decision = run(heel_raises("M-PHP"), higher)
    assert (decision.rule, decision.detail) == ("T-HOLD", "not_settled")
    unanswered = [log(5, 1, first_step=1), log(2, 1)]
    decision = run(heel_raises("M-PHP"), unanswered)
    assert (decision.rule, decision.detail) == ("T-HOLD", "awaiting_check_in")
