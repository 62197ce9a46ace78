"""The pure findings rules: each at, just above and just below its threshold, on each side."""

import pytest

from assessments import thresholds
from assessments.findings import FINDING_CODES, InjuryHistory, ScreenInput, evaluate

T = thresholds.DEFAULT_THRESHOLDS
OTHER = {"left": "right", "right": "left"}


def screen(age=35, sex="female", gait=None, signs=(), history=(), pain=None, **measures):
    """A screen with only the given measurements, e.g. knee_to_wall_cm={"left": 9}."""
    return ScreenInput(
        age=age,
        sex=sex,
        measurements=measures,
        gait=gait or {},
        signs=tuple(signs),
        injury_history=tuple(history),
        heel_raise_pain=pain or {},
    )


def found(s, code, thresholds_=T):
    return [f for f in evaluate(s, thresholds_) if f.code == code]


def one(s, code):
    items = found(s, code)
    assert len(items) == 1, items
    return items[0]


def test_every_finding_code_names_its_rule():
    assert all(rule.startswith("R-") for rule in FINDING_CODES.values())


# ---- R-DF-1 / R-DF-2 / R-DF-3 dorsiflexion ------------------------------------------------


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize(
    ("cm", "expected"),
    [(10.1, None), (10.0, None), (9.9, "mild"), (8.1, "mild"), (8.0, "mild"), (7.9, "marked")],
)
def test_restricted_dorsiflexion_at_its_thresholds(side, cm, expected):
    s = screen(knee_to_wall_cm={side: cm})  # other side not tested: no asymmetry rule
    items = found(s, "restricted_dorsiflexion")
    if expected is None:
        assert items == []
    else:
        assert [(f.side, f.severity, f.provisional) for f in items] == [(side, expected, False)]


@pytest.mark.parametrize("short", ["left", "right"])
@pytest.mark.parametrize(("gap", "fires"), [(1.9, False), (2.0, True), (2.1, True)])
def test_dorsiflexion_asymmetry_at_2_cm_names_the_short_side(short, gap, fires):
    values = {short: round(12.1 - gap, 1), OTHER[short]: 12.1}
    items = found(screen(knee_to_wall_cm=values), "dorsiflexion_asymmetry")
    assert [f.side for f in items] == ([short] if fires else [])


def test_example_1_unilateral_restriction_left_marked_and_asymmetry():
    """docs/clinical-rules.md §11 example 1: WBLT L 7.5, R 11.0, no history."""
    result = evaluate(screen(knee_to_wall_cm={"left": 7.5, "right": 11.0}))
    df = [f for f in result if f.code == "restricted_dorsiflexion"]
    assert [(f.side, f.severity) for f in df] == [("left", "marked")]
    assert df[0].evidence == "knee-to-wall 7.5 cm < 10 cm"
    asym = [f for f in result if f.code == "dorsiflexion_asymmetry"]
    assert [(f.side, f.value) for f in asym] == [("left", 3.5)]
    assert not [f for f in result if f.side == "right"]


def test_heel_lift_sign_without_the_test_gives_a_provisional_restriction():
    f = one(screen(signs=["heel_lift_in_squat"]), "restricted_dorsiflexion")
    assert (f.side, f.provisional, f.rule) == ("both", True, "R-DF-1")
    assert "run the test" in f.evidence


def test_heel_lift_sign_with_the_test_recorded_gives_no_provisional_finding():
    s = screen(signs=["heel_lift_in_squat"], knee_to_wall_cm={"left": 12, "right": 12})
    assert found(s, "restricted_dorsiflexion") == []


@pytest.mark.parametrize("tested", ["left", "right"])
def test_provisional_restriction_is_only_for_the_untested_side(tested):
    s = screen(gait={"heel_lift": "early"}, knee_to_wall_cm={tested: 12})
    f = one(s, "restricted_dorsiflexion")
    assert (f.side, f.provisional) == (OTHER[tested], True)


def test_a_clinic_override_moves_the_threshold():
    t = thresholds.build({"wblt.restricted_cm": 12.0})
    assert found(screen(knee_to_wall_cm={"left": 11.5}), "restricted_dorsiflexion", t)
    assert not found(screen(knee_to_wall_cm={"left": 11.5}), "restricted_dorsiflexion")


# ---- R-PF-1 / R-PF-2 / R-PF-3 calf ----------------------------------------------------------


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize(("reps", "fires"), [(19, True), (20, False), (21, False)])
def test_heel_raise_floor_of_20_under_60(side, reps, fires):
    # Man of 55: norm 23 - 6 = 17, so only the floor of 20 matters here.
    s = screen(age=55, sex="male", heel_raise_reps={side: reps})
    assert [f.side for f in found(s, "calf_strength_deficit")] == ([side] if fires else [])


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize(("reps", "fires"), [(12, True), (13, False), (14, False)])
def test_heel_raise_norm_minus_6_over_60(side, reps, fires):
    # Woman of 65: norm 19 - 6 = 13; no floor at 60 and over.
    s = screen(age=65, sex="female", heel_raise_reps={side: reps})
    assert [f.side for f in found(s, "calf_strength_deficit")] == ([side] if fires else [])


@pytest.mark.parametrize(
    ("reps", "severity"), [(31, None), (30, "mild"), (25, "mild"), (24, "marked")]
)
def test_heel_raise_norm_for_a_young_man_and_marked_beyond_twice_the_noise(reps, severity):
    # Man of 25: norm 37; deficit below 31, marked below 37 - 12 = 25.
    items = found(
        screen(age=25, sex="male", heel_raise_reps={"left": reps}), "calf_strength_deficit"
    )
    assert [f.severity for f in items] == ([severity] if severity else [])


def test_example_10_woman_45_with_18_reps_passes_the_norm_but_fails_the_floor():
    """docs/clinical-rules.md §11 example 10: norm 24 - 6 = 18 is not a deficit, < 20 is."""
    f = one(screen(age=45, sex="female", heel_raise_reps={"left": 18}), "calf_strength_deficit")
    assert f.side == "left"
    assert "< 20" in f.evidence
    assert "< 18" not in f.evidence


@pytest.mark.parametrize("weak", ["left", "right"])
@pytest.mark.parametrize(("weak_reps", "fires"), [(26, True), (27, False), (28, False)])
def test_calf_limb_symmetry_index_below_90_percent(weak, weak_reps, fires):
    # 27/30 = 90.0% exactly: not below the threshold.
    values = {weak: weak_reps, OTHER[weak]: 30}
    items = found(screen(heel_raise_reps=values), "calf_asymmetry")
    assert [f.side for f in items] == ([weak] if fires else [])


@pytest.mark.parametrize("weak", ["left", "right"])
@pytest.mark.parametrize(("weak_reps", "severity"), [(29, "marked"), (30, "mild"), (31, "mild")])
def test_calf_asymmetry_is_marked_below_75_percent(weak, weak_reps, severity):
    # Against 40 reps: 29 = 72.5%, 30 = 75% exactly, 31 = 77.5%.
    f = one(screen(heel_raise_reps={weak: weak_reps, OTHER[weak]: 40}), "calf_asymmetry")
    assert (f.side, f.severity) == (weak, severity)


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize(("pain", "fires"), [(2, False), (3, True), (4, True)])
def test_heel_raise_pain_from_3_is_tendon_irritability(side, pain, fires):
    items = found(screen(pain={side: pain}), "tendon_irritability")
    assert [f.side for f in items] == ([side] if fires else [])


def test_current_achilles_history_is_tendon_irritability_on_that_side():
    history = [InjuryHistory("achilles_insertional", "right", "current")]
    assert [f.side for f in found(screen(history=history), "tendon_irritability")] == ["right"]
    past = [InjuryHistory("achilles_insertional", "right", "past")]
    assert found(screen(history=past), "tendon_irritability") == []


def test_weak_push_off_without_heel_raise_is_provisional():
    f = one(screen(signs=["weak_push_off"]), "calf_strength_deficit")
    assert f.provisional


# ---- R-BAL balance --------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize(
    ("age", "seconds", "fires"),
    [
        (35, 29.9, True),
        (35, 30, False),
        (35, 30.1, False),
        (65, 19.9, True),
        (65, 20, False),
        (65, 20.1, False),
    ],
)
def test_eyes_open_balance_minimum_by_age(side, age, seconds, fires):
    items = found(screen(age=age, balance_eyes_open_s={side: seconds}), "static_balance_deficit")
    assert [f.side for f in items] == ([side] if fires else [])


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize(
    ("age", "seconds", "fires"),
    [
        (30, 6.9, True),
        (30, 7, False),
        (30, 7.1, False),
        (45, 5.9, True),
        (45, 6, False),
        (55, 3.9, True),
        (55, 4, False),
        (65, 1.9, True),
        (65, 2, False),
        (65, 2.1, False),
    ],
)
def test_eyes_closed_balance_minimum_by_age_with_eyes_open_normal(side, age, seconds, fires):
    s = screen(age=age, balance_eyes_open_s={side: 45}, balance_eyes_closed_s={side: seconds})
    items = found(s, "eyes_closed_balance_deficit")
    assert [f.side for f in items] == ([side] if fires else [])


def test_eyes_closed_rule_is_silent_when_eyes_open_is_already_low():
    s = screen(balance_eyes_open_s={"left": 10}, balance_eyes_closed_s={"left": 2})
    assert found(s, "eyes_closed_balance_deficit") == []


@pytest.mark.parametrize("weak", ["left", "right"])
@pytest.mark.parametrize(("gap", "fires"), [(9.9, False), (10, True), (10.1, True)])
def test_eyes_open_balance_asymmetry_from_10_s(weak, gap, fires):
    values = {weak: round(45 - gap, 1), OTHER[weak]: 45}
    items = found(screen(balance_eyes_open_s=values), "balance_asymmetry")
    assert [f.side for f in items] == ([weak] if fires else [])


@pytest.mark.parametrize("weak", ["left", "right"])
@pytest.mark.parametrize(("weak_s", "fires"), [(4.9, True), (5, False), (5.1, False)])
def test_eyes_closed_balance_asymmetry_below_half_of_the_better_side(weak, weak_s, fires):
    values = {weak: weak_s, OTHER[weak]: 10}
    items = found(screen(age=70, balance_eyes_closed_s=values), "balance_asymmetry")
    assert [f.side for f in items] == ([weak] if fires else [])


def test_balance_sign_without_the_test_is_provisional():
    f = one(screen(signs=["poor_single_leg_balance"]), "static_balance_deficit")
    assert (f.side, f.provisional) == ("both", True)


# ---- R-YBT-1 --------------------------------------------------------------------------------


@pytest.mark.parametrize("short", ["left", "right"])
@pytest.mark.parametrize(("gap", "fires"), [(3.9, False), (4.0, False), (4.1, True)])
def test_y_balance_anterior_asymmetry_above_4_cm(short, gap, fires):
    values = {short: round(64 - gap, 1), OTHER[short]: 64}
    items = found(screen(y_balance_anterior_cm=values), "y_balance_asymmetry")
    assert [f.side for f in items] == ([short] if fires else [])


# ---- R-FP foot posture ----------------------------------------------------------------------


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize(
    ("fpi", "codes"),
    [
        (-6, {"supinated_foot_posture", "foot_posture_review"}),
        (-5, {"supinated_foot_posture", "foot_posture_review"}),
        (-4, {"supinated_foot_posture"}),
        (-1, {"supinated_foot_posture"}),
        (0, set()),
        (5, set()),
        (6, {"pronated_foot_posture"}),
        (9, {"pronated_foot_posture"}),
        (10, {"pronated_foot_posture", "foot_posture_review"}),
        (11, {"pronated_foot_posture", "foot_posture_review"}),
    ],
)
def test_foot_posture_index_categories(side, fpi, codes):
    result = evaluate(screen(foot_posture_index={side: fpi}))
    assert {f.code for f in result} == codes
    assert all(f.side == side for f in result)


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize(
    ("mm", "code"),
    [(4.9, "supinated_foot_posture"), (5, None), (10, None), (10.1, "pronated_foot_posture")],
)
def test_navicular_drop_bounds(side, mm, code):
    result = evaluate(screen(navicular_drop_mm={side: mm}))
    assert [(f.code, f.side) for f in result] == ([(code, side)] if code else [])


@pytest.mark.parametrize("side", ["left", "right"])
def test_arch_collapse_in_gait_is_pronation_on_that_side(side):
    s = screen(gait={"arch_collapse": {side: True, OTHER[side]: False}})
    assert [f.side for f in found(s, "pronated_foot_posture")] == [side]


# ---- R-HX hallux ----------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize(
    ("deg", "limitation", "review"),
    [
        (66, None, False),
        (65, None, False),
        (64, "mild", False),
        (41, "mild", False),
        (40, "mild", False),
        (39, "marked", True),
    ],
)
def test_hallux_extension_thresholds(side, deg, limitation, review):
    s = screen(hallux_extension_deg={side: deg})
    assert [(f.side, f.severity) for f in found(s, "hallux_limitation")] == (
        [(side, limitation)] if limitation else []
    )
    assert bool(found(s, "hallux_review")) is review


def test_early_heel_lift_with_normal_lunge_suggests_the_big_toe():
    s = screen(gait={"heel_lift": "early"}, knee_to_wall_cm={"left": 12, "right": 12})
    f = one(s, "hallux_limitation")
    assert f.provisional and f.side == "both"


# ---- R-INT-1, R-LAT-1 -----------------------------------------------------------------------


@pytest.mark.parametrize("side", ["left", "right"])
def test_intrinsic_failures_per_side(side):
    s = screen(short_foot={side: "fail", OTHER[side]: "pass"}, toe_yoga={side: "pass"})
    f = one(s, "intrinsic_control_deficit")
    assert (f.side, f.severity) == (side, "mild")
    s = screen(short_foot={side: "fail"}, toe_yoga={side: "fail"})
    assert one(s, "intrinsic_control_deficit").severity == "marked"


def test_toe_clawing_without_tests_is_provisional():
    f = one(screen(signs=["toe_clawing"]), "intrinsic_control_deficit")
    assert f.provisional


def test_recurrent_sprain_is_lateral_instability_on_its_side():
    history = [InjuryHistory("ankle_sprain_recurrent", "right", "past")]
    assert [f.side for f in found(screen(history=history), "lateral_instability")] == ["right"]
    assert found(screen(signs=["frequent_ankle_rolls"]), "lateral_instability")


# ---- R-GAIT ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cadence", "overstride", "fires"),
    [(159, True, True), (160, True, False), (161, True, False), (150, False, False)],
)
def test_low_cadence_with_overstride(cadence, overstride, fires):
    s = screen(gait={"cadence_spm": cadence, "overstride": overstride})
    assert bool(found(s, "low_cadence_overstride")) is fires


@pytest.mark.parametrize(
    ("heel_lift", "fires"), [("early", True), ("normal", False), ("late", False)]
)
def test_early_heel_lift(heel_lift, fires):
    assert bool(found(screen(gait={"heel_lift": heel_lift}), "early_heel_lift")) is fires


@pytest.mark.parametrize("side", ["left", "right"])
def test_pelvic_drop_or_knee_valgus_is_proximal_control_on_that_side(side):
    s = screen(gait={"pelvic_drop": {side: True}, "knee_valgus": {OTHER[side]: False}})
    assert [f.side for f in found(s, "proximal_control")] == [side]


def test_nothing_recorded_means_no_findings():
    assert evaluate(screen()) == []


def test_marked_findings_come_first():
    result = evaluate(
        screen(knee_to_wall_cm={"left": 7.5, "right": 11}, hallux_extension_deg={"right": 60})
    )
    severities = [f.severity for f in result]
    assert severities == sorted(severities, key=["marked", "mild"].index)


def test_example_2_dorsiflexion_still_fires_under_the_achilles_modifier():
    """docs/clinical-rules.md §11 example 2: WBLT L 9.0 with mid-portion Achilles (L)."""
    history = [InjuryHistory("achilles_midportion", "left", "current")]
    result = evaluate(screen(knee_to_wall_cm={"left": 9.0}, history=history))
    assert ("restricted_dorsiflexion", "left", "mild") in {
        (f.code, f.side, f.severity) for f in result
    }
    assert ("tendon_irritability", "left") in {(f.code, f.side) for f in result}


def test_example_3_insertional_history_marks_the_right_tendon():
    """docs/clinical-rules.md §11 example 3: insertional Achilles (R) reaches the programs as a
    finding."""
    history = [InjuryHistory("achilles_insertional", "right", "current")]
    f = one(screen(history=history), "tendon_irritability")
    assert (f.side, f.evidence) == ("right", "current insertional Achilles pain")


def test_an_unknown_age_applies_no_age_norm_but_keeps_the_other_rules():
    """No date of birth (e.g. an anonymised patient): no heel-raise norm or floor and no
    balance minimum can be named, so none fires; side-to-side rules still do."""
    s = screen(
        age=None,
        heel_raise_reps={"left": 5, "right": 30},
        balance_eyes_open_s={"left": 3, "right": 3},
        balance_eyes_closed_s={"left": 1, "right": 1},
        knee_to_wall_cm={"left": 4, "right": 12},
    )
    codes = {f.code for f in evaluate(s, T)}
    assert "static_balance_deficit" not in codes
    assert not any(
        "norm" in f.reason or "floor" in f.reason for f in found(s, "calf_strength_deficit")
    )
    assert "restricted_dorsiflexion" in codes
