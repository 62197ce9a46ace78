"""Age, capacity and pathways (clinical.md 8.10; docs/clinical-rules.md §3-§6), engine level.

Pure: the findings rules and the prescription engine, no database.
"""

from datetime import date, timedelta

import pytest

from assessments.findings import FINDING_CODES, Finding, InjuryHistory, ScreenInput, evaluate
from assessments.thresholds import (
    DEFAULT_THRESHOLDS,
    balance_eyes_open_marked,
    balance_eyes_open_min,
)
from programs import prescribe as engine
from programs.ladders import LADDERS
from programs.prescribe import ExtraInputs, prescribe
from programs.progression_rules import Dose, step_up

T = DEFAULT_THRESHOLDS
TODAY = date(2026, 12, 7)


def finding(code, side="left", severity="mild", evidence="", **kw) -> Finding:
    return Finding(code, side, severity, evidence or code, FINDING_CODES[code], **kw)


def screen_program(age, sex="female", history=(), today=TODAY, **measurements):
    """Findings and program of one screen, as the service runs them."""
    screen = ScreenInput(age=age, sex=sex, measurements=measurements, injury_history=tuple(history))
    found = evaluate(screen, T)
    program = prescribe(
        found,
        history=screen.injury_history,
        age=age,
        sex=sex,
        extras=ExtraInputs(measurements=measurements),
        today=today,
    )
    return found, program


def items_of(program, drill):
    return [i for i in program.items if i.drill == drill]


def flag_codes(program, kind=None):
    return {f.code for f in program.flags if kind is None or f.kind == kind}


# --- §3: eyes-open balance from 70 y ------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "minimum", "marked"),
    [(65, 20.0, 10.0), (72, 15.0, 5.0), (79, 15.0, 5.0), (85, 10.0, 5.0)],
)
def test_eyes_open_thresholds_cover_every_age(age, minimum, marked):
    assert balance_eyes_open_min(age, T) == minimum
    assert balance_eyes_open_marked(age, T) == marked


@pytest.mark.parametrize(
    ("age", "seconds", "severity"),
    [
        (72, 15, None),
        (72, 14.9, "mild"),
        (72, 5, "mild"),
        (72, 4.9, "marked"),
        (80, 10, None),
        (80, 9.9, "mild"),
        (88, 4.5, "marked"),
    ],
)
def test_older_runners_get_a_balance_finding(age, seconds, severity):
    found, _ = screen_program(age, balance_eyes_open_s={"left": seconds, "right": 45})
    balance = [f for f in found if f.code == "static_balance_deficit"]
    assert [f.severity for f in balance] == ([severity] if severity else [])


def test_a_marked_deficit_from_70_asks_for_a_falls_risk_review():
    found, program = screen_program(72, balance_eyes_open_s={"left": 4, "right": 4.5})
    assert all("review falls risk" in f.evidence for f in found if f.severity == "marked")
    falls = [f for f in program.flags if f.code == "falls_risk"]
    assert {f.side for f in falls} == {"left", "right"}
    assert all(f.kind == "review" and f.rule == "R-BAL-1" for f in falls)
    # Not for a mild deficit at 72, nor for a marked one under 70.
    _, mild = screen_program(72, balance_eyes_open_s={"left": 5, "right": 5})
    _, younger = screen_program(65, balance_eyes_open_s={"left": 4, "right": 4})
    assert "falls_risk" not in flag_codes(mild) | flag_codes(younger)


def test_the_hop_gate_keeps_30_s_of_balance_from_70():
    extras = ExtraInputs(
        measurements={
            "heel_raise_reps": {"left": 20, "right": 20},
            "balance_eyes_open_s": {"left": 20, "right": 20},  # normal at 72, not hop-ready
            "knee_to_wall_cm": {"left": 12.0, "right": 12.0},
        },
        hop_pain={"left": 0, "right": 0},
        weeks_on_strength_rung=3,
    )
    gate = engine.plyo_gate("left", age=72, sex="female", extras=extras)
    assert not gate.open and any("30 s" in r for r in gate.reasons)


# --- §4: doses never above the tested capacity ----------------------------------------------------


def test_a_72_year_old_with_12_raises_and_5_s_balance_gets_doses_she_can_do():
    found, program = screen_program(
        72,
        heel_raise_reps={"left": 12, "right": 12},
        balance_eyes_open_s={"left": 5, "right": 5},
        knee_to_wall_cm={"left": 12.0, "right": 12.0},
    )
    assert {f.code for f in found} == {"static_balance_deficit"}
    (balance,) = items_of(program, "sl_balance_firm_eo")
    assert balance.hold_s == 15  # tested 5 s + 10 s, not the adult 30 s
    assert "near support" in balance.variant
    for item in program.items:
        if item.drill == "heel_raise_single":
            assert item.reps <= 8  # 70 % of 12


def test_maintenance_for_a_72_year_old_stays_under_her_tested_maximum():
    found, program = screen_program(
        72,
        heel_raise_reps={"left": 12, "right": 13},
        balance_eyes_open_s={"left": 16, "right": 18},
        knee_to_wall_cm={"left": 12.0, "right": 12.0},
    )
    assert not [f for f in found if f.severity != "none"]
    (raises,) = items_of(program, "heel_raise_single")
    assert raises.rule == "R-MAINT" and (raises.sets, raises.reps) == (3, 8)  # 70 % of 12
    (balance,) = items_of(program, "sl_balance_firm_eo")
    assert balance.hold_s == 26 and "near support" in balance.variant  # 16 s + 10 s
    # A runner whose tests show room keeps the adult maintenance dose.
    _, adult = screen_program(
        35,
        heel_raise_reps={"left": 30, "right": 30},
        balance_eyes_open_s={"left": 45, "right": 45},
        knee_to_wall_cm={"left": 12.0, "right": 12.0},
    )
    (raises,) = items_of(adult, "heel_raise_single")
    (balance,) = items_of(adult, "sl_balance_firm_eo")
    assert (raises.reps, balance.hold_s, balance.variant) == (15, 30, "")


def test_r_pf_2_the_strong_side_keeps_2_x_15_within_its_capacity():
    _, program = screen_program(35, heel_raise_reps={"left": 24, "right": 30})  # LSI 80 %
    raises = {i.side: i for i in items_of(program, "heel_raise_single")}
    assert (raises["left"].sets, raises["left"].reps, raises["left"].rung) == (3, 10, 3)
    strong = raises["right"]
    assert (strong.sets, strong.reps, strong.rule, strong.rung) == (2, 15, "R-PF-2", None)
    _, weaker = screen_program(70, heel_raise_reps={"left": 14, "right": 20})
    strong = next(i for i in items_of(weaker, "heel_raise_single") if i.side == "right")
    assert strong.reps == 14  # 70 % of the strong side's 20


def test_r_pf_2_gives_no_strong_side_maintenance_to_a_tendon_side():
    def strong_side_maintenance(history):
        _, program = screen_program(35, history=history, heel_raise_reps={"left": 24, "right": 30})
        return [i for i in program.items if i.rule == "R-PF-2" and i.side == "right"]

    assert strong_side_maintenance([])
    tendon = [InjuryHistory("achilles_midportion", "right", "current")]
    assert not strong_side_maintenance(tendon)  # L-TENDON has that side


def test_r_bal_2_starts_on_the_eyes_closed_rung_whatever_the_priority_constants(monkeypatch):
    # The rung was once the priority constant _FINDING (E20); it must not follow it.
    monkeypatch.setattr(engine, "_FINDING", 3)
    program = prescribe([finding("eyes_closed_balance_deficit")], history=(), age=35, sex="female")
    (item,) = items_of(program, "sl_balance_ec")
    assert (item.ladder, item.rung, item.hold_s) == ("L-BAL", 2, 15)


# --- §5 / §6: the plantar heel pain pathway -------------------------------------------------------


def php_program(**extras):
    return prescribe(
        [],
        history=[InjuryHistory("plantar_heel_pain", "left", "current")],
        age=40,
        sex="female",
        extras=ExtraInputs(**extras),
    )


def test_m_php_runs_stretches_and_rolling_in_parallel_with_loading():
    program = php_program()
    drills = {i.drill: i for i in program.items if i.rule == "M-PHP"}
    assert set(drills) == {
        "pf_stretch",
        "calf_stretch_static",
        "plantar_roll",
        "heel_raise_bilateral",
    }
    stretch = drills["pf_stretch"]
    assert (stretch.sets, stretch.hold_s, stretch.rung, stretch.times_per_day) == (10, 10, None, 3)
    assert "3 times a day" in stretch.variant and "first steps" in stretch.variant
    assert stretch.days_per_week == 7
    calf = drills["calf_stretch_static"]
    assert (calf.sets, calf.hold_s, calf.rung, calf.days_per_week) == (3, 30, None, 7)
    assert drills["plantar_roll"].rung is None and drills["plantar_roll"].days_per_week == 7
    load = drills["heel_raise_bilateral"]
    assert (load.ladder, load.rung, load.sets, load.reps) == ("L-PLANTAR", 1, 3, 15)
    assert load.days_per_week == 3 and load.times_per_day == 1  # every second day


def test_m_php_tendon_pain_allowance_is_for_loading_only():
    drills = {i.drill: i for i in php_program().items}
    assert "5/10" in drills["heel_raise_bilateral"].load_note
    for gentle in ("pf_stretch", "calf_stretch_static", "plantar_roll"):
        note = drills[gentle].load_note
        assert "5/10" not in note, gentle
        assert "no sharp pain" in note and "3/10" in note, gentle


def test_the_plantar_loading_ladder_never_replaces_the_stretches():
    ladder = LADDERS["L-PLANTAR"]
    adjuncts = {"pf_stretch", "calf_stretch_static", "plantar_roll"}
    assert {r.drill for r in ladder.adjuncts} == adjuncts
    assert not adjuncts & {r.drill for r in ladder.rungs}
    # Climbing from the first rung reaches Rathleff heel raises, never a stretch.
    dose = Dose("heel_raise_bilateral", 0, 3, 15)
    seen = []
    while (step := step_up(dose, ladder, 5.0)) is not None:
        dose = step[0]
        seen.append(dose.drill)
    assert "heel_raise_single" in seen and not adjuncts & set(seen)
    assert "towel under toes" in ladder.rungs[1].variant


def test_the_stretch_from_l_hx_and_m_php_merge_into_one_three_times_a_day():
    program = prescribe(
        [finding("hallux_limitation")],
        history=[InjuryHistory("plantar_heel_pain", "left", "current")],
        age=40,
        sex="female",
    )
    (stretch,) = items_of(program, "pf_stretch")
    assert stretch.times_per_day == 3 and stretch.rule == "M-PHP"


# --- §6: dated injury history -------------------------------------------------------------------


def sprain_program(onset, today=TODAY):
    return prescribe(
        [finding("lateral_instability")],
        history=[InjuryHistory("ankle_sprain_acute", "left", "current", onset)],
        age=30,
        sex="male",
        today=today,
    )


@pytest.mark.parametrize(("days_ago", "active"), [(0, True), (13, True), (14, False), (40, False)])
def test_an_acute_sprain_expires_14_days_after_its_onset(days_ago, active):
    program = sprain_program(TODAY - timedelta(days=days_ago))
    assert (("M-SPRAIN-ACUTE", "left") in program.modifiers) is active
    unstable = any(i.drill == "sl_balance_unstable" for i in program.items)
    assert unstable is not active  # R-LAT-1's soft-surface balance returns once it expired
    assert ("M-SPRAIN-ACUTE-EXPIRED" in flag_codes(program, "info")) is not active


def test_an_acute_sprain_without_an_onset_date_keeps_its_limits_and_asks_for_the_date():
    program = sprain_program(None)
    assert ("M-SPRAIN-ACUTE", "left") in program.modifiers
    (ask,) = [f for f in program.flags if f.code == "M-SPRAIN-ACUTE-ONSET"]
    assert ask.kind == "review" and "onset date" in ask.message and ask.side == "left"
    assert "M-SPRAIN-ACUTE-ONSET" not in flag_codes(sprain_program(TODAY))


@pytest.mark.parametrize(
    ("condition", "onset", "expected"),
    [
        ("achilles_midportion", date(2026, 10, 1), "M-AT-MID"),
        ("achilles_midportion", date(2026, 9, 8), "M-AT-MID"),
        ("achilles_midportion", date(2026, 9, 7), None),  # exactly 3 months ago
        ("achilles_midportion", date(2025, 12, 1), None),
        ("achilles_midportion", None, None),
        ("achilles_insertional", date(2026, 11, 1), "M-AT-INS"),
    ],
)
def test_past_achilles_symptoms_within_3_months_still_count(condition, onset, expected):
    program = prescribe(
        [],
        history=[InjuryHistory(condition, "right", "past", onset)],
        age=40,
        sex="male",
        today=TODAY,
    )
    assert program.modifiers == (((expected, "right"),) if expected else ())


def test_three_months_back_from_the_end_of_a_month():
    assert engine._months_before(date(2026, 5, 31), 3) == date(2026, 2, 28)
    assert engine._months_before(date(2026, 1, 15), 3) == date(2025, 10, 15)
