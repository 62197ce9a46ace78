"""Modifiers hold at every automatic step, and each rung carries its frequency
(docs/clinical-rules.md §5, §6, §7; clinical.md 8.10)."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.findings import InjuryHistory
from assessments.thresholds import DEFAULT_THRESHOLDS
from programs import exclusions, prescribe, progression_rules
from programs.drills import DRILLS_BY_SLUG
from programs.exclusions import modifier_exclusion
from programs.ladders import LADDERS, rung_days
from programs.prescribe import weekdays_for
from programs.progression_rules import (
    PROGRESS,
    REGRESS,
    REVIEW,
    Baseline,
    Context,
    Dose,
    ItemState,
    SessionLog,
    dose_on,
    evaluate,
)

T = DEFAULT_THRESHOLDS
START = date(2026, 3, 2)
MODIFIERS = ("M-AT-INS", "M-AT-MID", "M-SPRAIN-ACUTE", "M-PHP", "M-CAI", "M-MTSS", "M-BSI-HX")
# Every morning measure known and steady, so no hold waits for a baseline (§7).
BASE = Baseline(
    pain_during=0.0,
    next_morning_pain=0.0,
    sessions=3,
    first_step_pain=0.0,
    morning_stiffness_min=0.0,
)
GATE_OPEN = Context(plyo_gate_sides=frozenset({"left", "right"}))


def _state(ladder, index, modifiers, last_change, dose=None):
    return ItemState(
        dose or dose_on(ladder.rungs[index], index),
        ladder.kind,
        last_change,
        ladder_code=ladder.code,
        modifiers=frozenset(modifiers),
        name="Drill",
        side="left",
    )


def _judge(state, ladder, *, up: bool):
    """Three easy sessions (or three over the pain ceiling) well after the last change."""
    today = state.last_change + timedelta(days=40)
    pain = 0 if up else 6  # 6: over every ceiling, under T-STOP
    logs = [
        SessionLog(
            today - timedelta(days=n),
            100.0,
            pain,
            3,
            0,
            0.0,
            first_step_pain=0,
            morning_stiffness_min=0,
        )
        for n in (5, 3, 1)
    ]
    decision = evaluate(
        state, logs, ladder=ladder, baseline=BASE, today=today, thresholds=T, context=GATE_OPEN
    )
    return decision, today


def _climb(ladder, index, modifiers, up=True, limit=80):
    """Judge one item again and again with perfect logs: every dose it reaches, and the last
    decision (a hold or review when it stopped)."""
    state = _state(ladder, index, modifiers, START)
    reached = [state.dose]
    for _ in range(limit):
        decision, today = _judge(state, ladder, up=up)
        if decision.action not in (PROGRESS, REGRESS):
            return reached, decision
        state = _state(ladder, decision.dose.rung_index, modifiers, today, decision.dose)
        reached.append(decision.dose)
    return reached, decision


def _allowed(ladder, dose, modifiers):
    rung = ladder.rungs[dose.rung_index]
    assert rung.drill == dose.drill
    return modifier_exclusion(rung.drill, rung.variant, modifiers) is None


# --- one function for the prescription and every step ---


def test_prescribe_and_progression_use_the_same_exclusion_function():
    assert prescribe.modifier_exclusion is exclusions.modifier_exclusion
    assert progression_rules.modifier_exclusion is exclusions.modifier_exclusion


@pytest.mark.parametrize(
    ("condition", "code"),
    [
        ("achilles_insertional", "M-AT-INS"),
        ("achilles_midportion", "M-AT-MID"),
        ("ankle_sprain_acute", "M-SPRAIN-ACUTE"),
    ],
)
def test_the_drafts_excluded_drills_are_those_of_the_shared_function(condition, code):
    draft = prescribe.prescribe(
        [], history=[InjuryHistory(condition, "left", "current")], age=35, sex="female"
    )
    # Hops are also shut by the hop gate (named after the Achilles modifier): not a modifier
    # exclusion of their own.
    from_draft = {
        slug
        for slug, why in draft.excluded["left"].items()
        if why == code and (slug != "short_hops" or code == "M-SPRAIN-ACUTE")
    }
    shared = {slug for slug in DRILLS_BY_SLUG if modifier_exclusion(slug, "", {code}) == code}
    assert from_draft == shared and shared


@pytest.mark.parametrize(
    ("drill", "variant", "modifiers", "expected"),
    [
        ("kneeling_df", "", {"M-AT-INS"}, "M-AT-INS"),
        ("banded_df_mob", "", {"M-AT-INS"}, "M-AT-INS"),
        ("heel_elev_squat_rock", "", {"M-AT-INS"}, None),
        ("heel_raise_single", "off a step, full range", {"M-AT-INS"}, "M-AT-INS"),
        ("heel_raise_single", "floor", {"M-AT-INS"}, None),
        ("runner_calf_raise", "off a step", {"M-AT-INS"}, "M-AT-INS"),
        ("eccentric_step_heel_drop", "floor level: heel stops at the floor", {"M-AT-INS"}, None),
        ("eccentric_step_heel_drop", "Alfredson", {"M-AT-INS"}, "M-AT-INS"),
        ("banded_df_mob", "", {"M-AT-MID"}, "M-AT-MID"),
        ("kneeling_df", "", {"M-AT-MID"}, None),
        ("short_hops", "", {"M-SPRAIN-ACUTE"}, "M-SPRAIN-ACUTE"),
        ("sl_balance_unstable", "eyes open", {"M-SPRAIN-ACUTE"}, "M-SPRAIN-ACUTE"),
        ("banded_df_mob", "", {"M-SPRAIN-ACUTE", "M-AT-MID"}, "M-AT-MID"),
        ("short_hops", "", {"M-CAI", "M-PHP"}, None),
    ],
)
def test_modifier_exclusion(drill, variant, modifiers, expected):
    assert modifier_exclusion(drill, variant, modifiers) == expected


# --- the examples of clinical.md 8.10 ---


@pytest.mark.parametrize(
    ("code", "ladder", "start", "stops_on", "forbidden"),
    [
        # Insertional: the squat rock never becomes kneeling or banded end-range dorsiflexion.
        ("M-AT-INS", "L-DF", 1, "heel_elev_squat_rock", "kneeling_df"),
        # Insertional: single-leg raises on the floor never go off a step.
        ("M-AT-INS", "L-CALF", 0, "heel_raise_single", "heel_raise_single"),
        # Mid-portion: kneeling dorsiflexion never becomes banded mobilisation.
        ("M-AT-MID", "L-DF", 1, "kneeling_df", "banded_df_mob"),
        # Acute sprain: no unstable surfaces, no hops, no fast shuffles, even with the gate open.
        ("M-SPRAIN-ACUTE", "L-BAL", 0, "sl_balance_ec", "sl_balance_unstable"),
        ("M-SPRAIN-ACUTE", "L-CALF", 0, "heel_raise_single", "short_hops"),
        ("M-SPRAIN-ACUTE", "L-LAT", 0, "diagonal_push", "lateral_shuffle"),
        ("M-SPRAIN-ACUTE", "L-DF", 0, "kneeling_df", "banded_df_mob"),
    ],
)
def test_a_patient_who_logs_well_holds_before_a_forbidden_rung(
    code, ladder, start, stops_on, forbidden
):
    ladder = LADDERS[ladder]
    reached, last = _climb(ladder, start, {code})
    assert all(_allowed(ladder, dose, {code}) for dose in reached)
    assert reached[-1].drill == stops_on
    assert last.action == REVIEW and last.rule == "T-REVIEW"
    assert last.detail == "next_step_not_allowed" and last.notify_clinician
    assert last.blocked_by == code
    assert last.blocked_rung.drill == forbidden
    assert last.dose == reached[-1]  # the item holds
    # The patient reads plain words, not the modifier's code.
    assert code not in last.reason and "not suitable" in last.reason


def test_without_the_modifier_the_same_climb_reaches_the_rung():
    ladder = LADDERS["L-DF"]
    reached, _ = _climb(ladder, 1, set())
    assert "kneeling_df" in {dose.drill for dose in reached}
    assert "banded_df_mob" in {dose.drill for dose in reached}


def test_a_step_down_passes_over_a_forbidden_rung_and_flags_it():
    ladder = LADDERS["L-DF"]
    wall_glide = next(i for i, r in enumerate(ladder.rungs) if r.drill == "pronation_wall_glide")
    state = _state(ladder, wall_glide, {"M-AT-INS"}, START)
    decision, _ = _judge(state, ladder, up=False)
    assert decision.action == REGRESS
    # banded_df_mob and kneeling_df are skipped: back to the heel-elevated squat rock.
    assert decision.dose.drill == "heel_elev_squat_rock"
    assert decision.blocked_by == "M-AT-INS" and decision.blocked_rung.drill == "banded_df_mob"
    assert "T-REVIEW" in decision.flags and decision.notify_clinician


def test_a_step_down_onto_an_allowed_rung_raises_no_modifier_flag():
    ladder = LADDERS["L-DF"]
    kneeling = next(i for i, r in enumerate(ladder.rungs) if r.drill == "kneeling_df")
    state = _state(ladder, kneeling, {"M-SPRAIN-ACUTE"}, START)
    decision, _ = _judge(state, ladder, up=False)
    assert decision.dose.drill == "heel_elev_squat_rock" and not decision.blocked_by


# --- the property: no path to an excluded drill or variant ---


@st.composite
def _walks(draw):
    code = draw(st.sampled_from(sorted(LADDERS)))
    ladder = LADDERS[code]
    modifiers = draw(st.sets(st.sampled_from(MODIFIERS), min_size=1, max_size=3))
    allowed = [
        i
        for i, rung in enumerate(ladder.rungs)
        if modifier_exclusion(rung.drill, rung.variant, modifiers) is None
    ]
    start = draw(st.sampled_from(allowed))
    moves = draw(st.lists(st.booleans(), min_size=1, max_size=40))
    return ladder, frozenset(modifiers), start, moves


@settings(max_examples=300, deadline=None)
@given(_walks())
def test_no_walk_up_or_down_any_ladder_reaches_an_excluded_drill_or_variant(walk):
    ladder, modifiers, start, moves = walk
    state = _state(ladder, start, modifiers, START)
    for up in moves:
        decision, today = _judge(state, ladder, up=up)
        assert _allowed(ladder, decision.dose, modifiers), (decision, modifiers)
        if decision.blocked_by:
            assert decision.blocked_by in modifiers
            rung = decision.blocked_rung
            assert modifier_exclusion(rung.drill, rung.variant, modifiers) == decision.blocked_by
            assert decision.notify_clinician
        if decision.action in (PROGRESS, REGRESS):
            state = _state(ladder, decision.dose.rung_index, modifiers, today, decision.dose)


@pytest.mark.parametrize("code", sorted(LADDERS))
@pytest.mark.parametrize("modifier", MODIFIERS)
def test_every_ladder_climbed_from_every_allowed_rung_stays_allowed(code, modifier):
    ladder = LADDERS[code]
    for index, rung in enumerate(ladder.rungs):
        if modifier_exclusion(rung.drill, rung.variant, {modifier}) is not None:
            continue
        reached, _ = _climb(ladder, index, {modifier})
        assert all(_allowed(ladder, dose, {modifier}) for dose in reached)
        down, _ = _climb(ladder, index, {modifier}, up=False, limit=len(ladder.rungs) + 5)
        assert all(_allowed(ladder, dose, {modifier}) for dose in down)


# --- each rung carries its frequency ---


def _strength(rung) -> bool:
    category = DRILLS_BY_SLUG[rung.drill].category
    return category in ("strength", "plyometric") and not rung.variant.startswith("isometric")


@pytest.mark.parametrize("code", sorted(LADDERS))
def test_strength_rungs_never_fall_on_consecutive_days(code):
    ladder = LADDERS[code]
    for index, rung in enumerate(ladder.rungs):
        days = rung_days(ladder, index)
        assert 1 <= days <= 7
        if not _strength(rung):
            continue
        assert days <= 3, (code, index, rung)
        weekdays = weekdays_for(DRILLS_BY_SLUG[rung.drill].category, days)
        # Sunday to Monday counts as consecutive too.
        assert all((b - a) % 7 > 1 for a, b in zip(weekdays, (*weekdays[1:], weekdays[0]))), (
            code,
            index,
            weekdays,
        )


def test_rung_frequencies_of_clinical_md_8_10():
    tendon = LADDERS["L-TENDON"]
    assert rung_days(tendon, 0) == 7  # the isometric hold may be daily
    assert all(rung_days(tendon, i) == 3 for i in range(1, len(tendon.rungs) - 1))
    plantar = LADDERS["L-PLANTAR"]
    # The stretch is a daily adjunct beside the ladder; the loading rungs every second day.
    assert all(rung_days(plantar, i) <= 3 for i in range(len(plantar.rungs)))
    assert rung_days(plantar, 0) == 3  # heel raises every second day (Mon, Wed, Fri)
    hallux = LADDERS["L-HX"]
    assert [rung_days(hallux, i) for i in range(4)] == [4, 7, 7, 3]


def test_hsr_rungs_follow_the_rm_progression_over_about_twelve_weeks():
    tendon = LADDERS["L-TENDON"]
    hsr = [r for r in tendon.rungs if "HSR" in r.variant]
    assert [r.reps for r in hsr] == [15, 12, 10, 8, 6]
    assert all(r.max_reps == r.reps and f"{r.reps}RM" in r.variant for r in hsr)
    assert 10 * 7 <= sum(r.min_days for r in hsr) <= 14 * 7
    # A 12RM rung is not left after one week, however easy it felt.
    index = tendon.rungs.index(hsr[1])
    state = _state(tendon, index, set(), START)
    week_later = START + timedelta(days=8)
    logs = [SessionLog(week_later - timedelta(days=n), 100.0, 0, 3, 0, 0.0) for n in (5, 3, 1)]
    held = evaluate(state, logs, ladder=tendon, baseline=BASE, today=week_later, thresholds=T)
    assert held.detail == "too_soon"
    moved, _ = _judge(state, tendon, up=True)
    assert (moved.action, moved.dose.reps) == (PROGRESS, 10)


def test_a_rung_change_names_no_dose_it_cannot_carry():
    # Moving off the isometric rung lands at the bottom of the slow heel-raise rung.
    tendon = LADDERS["L-TENDON"]
    top = Dose("heel_raise_bilateral", 0, 5, None, 45)
    decision, _ = _judge(_state(tendon, 0, set(), START, top), tendon, up=True)
    assert decision.new_rung is tendon.rungs[1]
    assert rung_days(tendon, decision.dose.rung_index) == 3


def test_the_suitcase_carry_says_its_time_and_its_distance():
    carry = next(r for r in LADDERS["L-LAT"].adjuncts if r.drill == "suitcase_carry")
    # The dose is a time: the variant says so, with the distance as a guide.
    assert carry.hold_s == 30 and "30 s" in carry.variant and "m" in carry.variant
