"""The pure prescription engine: each rule of docs/clinical-rules.md §4, each modifier of §6,
G-PLYO,
the conventions of §1 and the examples of §11 (1, 2, 3, 10)."""

import pytest

from assessments.findings import FINDING_CODES, Finding, InjuryHistory
from assessments.thresholds import build
from programs.drills import CATEGORY_ORDER
from programs.prescribe import MAX_DRILLS, ExtraInputs, plyo_gate, prescribe

HEALTHY = {
    "heel_raise_reps": {"left": 30, "right": 30},
    "balance_eyes_open_s": {"left": 45, "right": 45},
    "knee_to_wall_cm": {"left": 12.0, "right": 12.0},
}
GATE_OPEN = {"hop_pain": {"left": 0, "right": 0}, "weeks_on_strength_rung": 3}


def finding(code, side="left", severity="mild", evidence="", **kw) -> Finding:
    return Finding(code, side, severity, evidence or code, FINDING_CODES[code], **kw)


def history(condition, side="left", status="current") -> InjuryHistory:
    return InjuryHistory(condition, side, status)


def build_program(findings=(), hx=(), age=35, sex="female", **extras):
    return prescribe(findings, history=hx, age=age, sex=sex, extras=ExtraInputs(**extras))


def covers(item, side):
    return item.side in (side, "both")


def by_drill(program):
    return {item.drill: item for item in program.items}


def flag_codes(program, kind=None):
    return {f.code for f in program.flags if kind is None or f.kind == kind}


# --- docs/clinical-rules.md §11 examples ----------------------------------------------------------


def test_example_1_unilateral_dorsiflexion_restriction():
    program = build_program(
        [
            finding("restricted_dorsiflexion", severity="marked", evidence="knee-to-wall 7.5 cm"),
            finding("dorsiflexion_asymmetry", evidence="asymmetry 3.5 cm"),
        ]
    )
    df_items = [i for i in program.items if i.rule in ("R-DF-1", "R-DF-2")]
    drills = {i.drill: i for i in df_items}
    cc_df = drills["cc_df"]
    assert (cc_df.side, cc_df.sets, cc_df.reps, cc_df.hold_s) == ("left", 2, 10, 2)
    assert (cc_df.ladder, cc_df.rung, cc_df.finding) == ("L-DF", 1, "restricted_dorsiflexion")
    assert drills["calf_stretch_static"].side == "left"
    assert all(i.side == "left" for i in df_items)  # the right side gets nothing from these rules
    assert "heel_elev_squat_rock" not in drills  # rung 2 of R-DF-2 gives way to rung 1


def test_example_2_the_achilles_modifier_wins():
    program = build_program(
        [finding("restricted_dorsiflexion", evidence="knee-to-wall 9.0 cm")],
        [history("achilles_midportion")],
    )
    assert any(i.rule == "R-DF-1" for i in program.items)
    assert not any(
        i.drill in ("banded_df_mob", "calf_stretch_static") and covers(i, "left")
        for i in program.items
    )
    tendon = [i for i in program.items if i.ladder == "L-TENDON"]
    assert tendon and tendon[0].rule == "M-AT-MID"
    assert not any(i.ladder == "L-CALF" and i.rule != "R-MAINT" for i in program.items)
    assert "5/10" in tendon[0].load_note and "next morning" in tendon[0].load_note
    assert "M-AT-MID" in flag_codes(program, "modifier")


def test_example_2_tendon_ladder_replaces_the_calf_ladder_on_that_side():
    program = build_program(
        [finding("calf_strength_deficit", side="left")], [history("achilles_midportion")]
    )
    assert not any(i.rule == "R-PF-1" for i in program.items)
    assert any(i.ladder == "L-TENDON" for i in program.items)


def test_example_3_insertional():
    program = build_program(
        [finding("restricted_dorsiflexion", side="right")],
        [history("achilles_insertional", side="right")],
    )
    drop = by_drill(program)["eccentric_step_heel_drop"]
    assert drop.side == "right" and drop.variant.startswith("floor level")
    assert program.excluded["right"]["kneeling_df"] == "M-AT-INS"
    assert "kneeling_df" not in program.excluded["left"]
    assert not any(
        i.drill in ("kneeling_df", "calf_stretch_static") and covers(i, "right")
        for i in program.items
    )


def test_example_10_hop_gate_fails_on_the_under_60_floor():
    measurements = {**HEALTHY, "heel_raise_reps": {"left": 18, "right": 19}}
    gate = plyo_gate(
        "left", age=45, sex="female", extras=ExtraInputs(measurements=measurements, **GATE_OPEN)
    )
    assert not gate.open
    assert any("below 20" in r for r in gate.reasons)
    assert not any("below norm" in r for r in gate.reasons)  # 18 passes norm 24 - 6
    program = build_program(age=45, measurements=measurements, **GATE_OPEN)
    assert "short_hops" not in by_drill(program)


def test_hops_are_offered_once_the_gate_is_open_on_both_sides():
    program = build_program(measurements=HEALTHY, **GATE_OPEN)
    assert program.plyo_gate["left"].open and program.plyo_gate["right"].open
    assert by_drill(program)["short_hops"].days_per_week == 2


def test_the_gate_reads_the_clinic_thresholds():
    measurements = {**HEALTHY, "heel_raise_reps": {"left": 18, "right": 19}}
    extras = ExtraInputs(measurements=measurements, **GATE_OPEN)
    relaxed = build({"slhr.floor_under60": 15, "slhr.lsi_min": 80})
    assert plyo_gate("left", age=45, sex="female", extras=extras, thresholds=relaxed).open


# --- red flags ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "code"),
    [("sudden_pop", "RF-2"), ("calf_swelling", "RF-3"), ("focal_bone_pain", "RF-6")],
)
def test_a_red_flag_gives_no_items_only_the_flag(answer, code):
    program = build_program(
        [finding("restricted_dorsiflexion", severity="marked")], red_flags=(answer,)
    )
    assert program.items == () and program.has_red_flag
    assert flag_codes(program, "red_flag") == {code}


def test_a_suspected_bone_stress_injury_is_a_red_flag():
    program = build_program(hx=[history("bone_stress_injury", status="current")])
    assert program.items == () and flag_codes(program, "red_flag") == {"RF-6"}


def test_severe_pain_on_the_day_is_a_red_flag():
    assert build_program(pain_nprs=8).has_red_flag
    assert not build_program(pain_nprs=7).has_red_flag


# --- each rule of §4 ---------------------------------------------------------------------------

RULE_CASES = [
    # (finding code, kwargs, expected {drill: side})
    (
        "restricted_dorsiflexion",
        {},
        {"heel_elev_squat_rock": "both", "calf_stretch_static": "left"},
    ),
    ("dorsiflexion_asymmetry", {}, {"heel_elev_squat_rock": "both", "calf_stretch_static": "left"}),
    ("calf_strength_deficit", {}, {"heel_raise_bilateral": "both"}),
    ("calf_asymmetry", {}, {"heel_raise_single": "left"}),
    ("static_balance_deficit", {}, {"sl_balance_firm_eo": "left"}),
    ("eyes_closed_balance_deficit", {}, {"sl_balance_ec": "left"}),
    ("balance_asymmetry", {}, {"sl_balance_firm_eo": "left"}),
    ("y_balance_asymmetry", {}, {"sl_balance_unstable": "left", "incline_steps": "both"}),
    ("pronated_foot_posture", {}, {"toe_yoga": "both", "short_foot": "left", "band_inv": "left"}),
    ("supinated_foot_posture", {}, {"ankle_circles": "left", "pronation_wall_glide": "left"}),
    ("hallux_limitation", {}, {"toe_yoga": "both", "pf_stretch": "left"}),
    (
        "lateral_instability",
        {},
        {"band_inv": "left", "band_ev": "left", "sl_balance_unstable": "left"},
    ),
    (
        "intrinsic_control_deficit",
        {},
        {"toe_yoga": "both", "short_foot": "left", "towel_scrunch": "left"},
    ),
    ("low_cadence_overstride", {"side": "both"}, {"cadence_drill": "both"}),
    ("early_heel_lift", {"side": "both"}, {"cc_df": "both"}),
    ("proximal_control", {}, {"sl_balance_firm_eo": "left"}),
]


@pytest.mark.parametrize(("code", "kwargs", "expected"), RULE_CASES, ids=[c[0] for c in RULE_CASES])
def test_each_finding_rule_prescribes_its_drills(code, kwargs, expected):
    f = finding(code, **kwargs)
    program = build_program([f])
    drills = {i.drill: i for i in reversed(program.items)}  # the rule's own item comes first
    for drill, side in expected.items():
        assert drill in drills, f"{code} should prescribe {drill}"
        assert drills[drill].side == side
        assert drills[drill].rule == f.rule and drills[drill].finding == code
        assert code.replace("_", " ") in drills[drill].reason or f.evidence in drills[drill].reason


def test_r_df_1_marked_starts_one_rung_lower():
    marked = by_drill(build_program([finding("restricted_dorsiflexion", severity="marked")]))
    mild = by_drill(build_program([finding("restricted_dorsiflexion")]))
    assert marked["cc_df"].rung == 1 and mild["heel_elev_squat_rock"].rung == 2


def test_r_df_3_a_sign_without_knee_to_wall_is_provisional():
    program = build_program([finding("restricted_dorsiflexion", provisional=True)])
    assert by_drill(program)["cc_df"].rule == "R-DF-3"
    assert "provisional" in flag_codes(program, "provisional")


def test_r_pf_1_dose_and_weekly_days():
    item = by_drill(build_program([finding("calf_strength_deficit")]))["heel_raise_bilateral"]
    assert (item.sets, item.reps, item.days_per_week, item.ladder) == (3, 15, 3, "L-CALF")


def test_r_pf_2_weak_side_single_leg_and_strong_side_maintenance():
    program = build_program([finding("calf_asymmetry", side="right")])
    raises = {i.side: i for i in program.items if i.drill == "heel_raise_single"}
    weak, strong = raises["right"], raises["left"]
    assert (weak.sets, weak.reps, weak.ladder, weak.rung) == (3, 10, "L-CALF", 3)
    # clinical.md 8.10 / docs/clinical-rules.md §4: the strong side keeps 2 x 15, off the ladder.
    assert (strong.sets, strong.reps, strong.rule, strong.rung) == (2, 15, "R-PF-2", None)
    assert strong.days_per_week == 3


def test_r_pf_3_hands_over_to_the_achilles_modifier():
    program = build_program([finding("tendon_irritability")])
    assert "R-PF-3" in flag_codes(program, "review")
    assert ("M-AT-MID", "left") in program.modifiers
    assert any(i.ladder == "L-TENDON" for i in program.items)


def test_r_pf_3_marked_irritability_starts_with_isometric_holds():
    program = build_program([finding("tendon_irritability", severity="marked")])
    tendon = next(i for i in program.items if i.ladder == "L-TENDON")
    assert tendon.variant.startswith("isometric") and tendon.hold_s


def test_r_bal_3_weak_side_gets_an_extra_set():
    assert by_drill(build_program([finding("balance_asymmetry")]))["sl_balance_firm_eo"].sets == 4


def test_r_fp_3_asks_for_review_and_trains_the_arch():
    program = build_program([finding("foot_posture_review", value=11)])
    assert "R-FP-3" in flag_codes(program, "review")
    assert "toe_yoga" in by_drill(program)


def test_r_hx_2_is_a_review_without_big_toe_ladder():
    program = build_program([finding("hallux_limitation"), finding("hallux_review")])
    assert "R-HX-2" in flag_codes(program, "review")
    assert not any(i.ladder == "L-HX" and covers(i, "left") for i in program.items)


def test_r_gait_2_defers_to_dorsiflexion_findings():
    program = build_program(
        [finding("early_heel_lift", side="both"), finding("restricted_dorsiflexion")]
    )
    assert not any(i.rule == "R-GAIT-2" for i in program.items)


def test_r_gait_3_refers_hip_control_to_the_clinician():
    assert "R-GAIT-3" in flag_codes(build_program([finding("proximal_control")]), "review")


def test_r_load_1_flags_a_training_spike():
    program = build_program(run_distance_increase_pct=40)
    assert "R-LOAD-1" in flag_codes(program, "review")


def test_r_maint_without_deficits():
    program = build_program()
    assert set(by_drill(program)) >= {
        "heel_raise_single",
        "sl_balance_firm_eo",
        "short_foot",
        "cc_df",
    }
    assert all(i.rule == "R-MAINT" for i in program.items)


# --- each modifier of §6 -----------------------------------------------------------------------


def test_m_at_mid_caps_holds_and_keeps_hops_behind_the_gate():
    program = build_program(hx=[history("achilles_midportion")], measurements=HEALTHY)
    assert program.excluded["left"]["banded_df_mob"] == "M-AT-MID"
    assert program.excluded["left"]["short_hops"] == "M-AT-MID"
    assert "banded_df_mob" not in program.excluded["right"]


def test_m_at_ins_removes_below_step_and_end_range_work():
    program = build_program(hx=[history("achilles_insertional", side="right")])
    for drill in (
        "kneeling_df",
        "calf_stretch_static",
        "banded_df_mob",
        "eccentric_step_heel_drop",
    ):
        assert program.excluded["right"][drill] == "M-AT-INS"
    assert "heel_elev_squat_rock" not in program.excluded["right"]


def test_m_php_plantar_ladder_first_and_no_hops_while_first_step_pain_is_high():
    program = build_program(
        hx=[history("plantar_heel_pain")], first_step_pain=5, measurements=HEALTHY, **GATE_OPEN
    )
    drills = by_drill(program)
    assert drills["pf_stretch"].side == "left" and drills["pf_stretch"].rule == "M-PHP"
    assert drills["plantar_roll"].side == "left"
    assert program.excluded["left"]["short_hops"] == "M-PHP"
    calm = build_program(
        hx=[history("plantar_heel_pain")], first_step_pain=1, measurements=HEALTHY, **GATE_OPEN
    )
    assert "short_hops" not in calm.excluded["left"]


def test_m_sprain_acute_protects_and_removes_unstable_surfaces():
    program = build_program(
        [finding("y_balance_asymmetry"), finding("lateral_instability")],
        [history("ankle_sprain_acute")],
    )
    drills = by_drill(program)
    assert {"ankle_circles", "cc_df", "sl_balance_firm_eo"} <= set(drills)
    assert not any(
        i.drill in ("sl_balance_unstable", "sl_balance_perturb", "banded_df_mob", "short_hops")
        and covers(i, "left")
        for i in program.items
    )
    assert "pain-free" in drills["band_inv"].load_note.lower()
    assert "M-SPRAIN-ACUTE-PEACE" in flag_codes(program, "info")


def test_m_cai_full_balance_and_lateral_ladders():
    program = build_program(hx=[history("ankle_sprain_recurrent", status="past")])
    drills = by_drill(program)
    assert {"sl_balance_firm_eo", "band_inv", "band_ev"} <= set(drills)
    assert drills["band_inv"].rule == "M-CAI" and drills["band_inv"].days_per_week == 3


def test_m_mtss_intrinsic_calf_cadence_and_a_stricter_gate():
    program = build_program(hx=[history("shin_splints", status="past")])
    assert {"toe_yoga", "heel_raise_bilateral", "cadence_drill"} <= set(by_drill(program))
    hop_two = {"hop_pain": {"left": 2, "right": 2}, "weeks_on_strength_rung": 3}
    plain = build_program(measurements=HEALTHY, **hop_two)
    assert plain.plyo_gate["left"].open
    strict = build_program(hx=[history("shin_splints")], measurements=HEALTHY, **hop_two)
    assert not strict.plyo_gate["left"].open
    assert strict.excluded["left"]["short_hops"] == "M-MTSS"


def test_m_bsi_hx_makes_the_hop_gate_stricter():
    hop_two = {"hop_pain": {"left": 2, "right": 2}, "weeks_on_strength_rung": 3}
    program = build_program(
        hx=[history("bone_stress_injury", status="past")], measurements=HEALTHY, **hop_two
    )
    assert not program.plyo_gate["left"].open
    assert "short_hops" not in by_drill(program)


# --- conventions of §1 -------------------------------------------------------------------------


def test_a_drill_from_two_rules_appears_once():
    program = build_program(
        [finding("pronated_foot_posture"), finding("intrinsic_control_deficit")]
    )
    drills = [i.drill for i in program.items]
    assert drills.count("toe_yoga") == 1 and drills.count("short_foot") == 1


def test_session_size_order_and_trim_flag():
    everything = [finding(code, side="both") for code in FINDING_CODES]
    program = build_program(everything, [history("ankle_sprain_recurrent")])
    assert 1 <= len(program.items) <= MAX_DRILLS
    ranks = [CATEGORY_ORDER.index(i.category) for i in program.items]
    assert ranks == sorted(ranks)
    assert [i.order for i in program.items] == list(range(1, len(program.items) + 1))
    assert "session_trimmed" in flag_codes(program, "info")


def test_weekly_structure_strength_never_on_consecutive_days():
    program = build_program([finding("calf_strength_deficit"), finding("static_balance_deficit")])
    strength = {i.order for i in program.items if i.category == "strength" and i.days_per_week < 7}
    days = [d for d, orders in enumerate(program.week) if strength & set(orders)]
    assert len(days) >= 2
    assert all((b - a) % 7 not in (1, 6) for a in days for b in days if a != b)
    mobility = {i.order for i in program.items if i.category == "mobility"}
    assert any(mobility & set(orders) for orders in program.week)


def test_every_program_keeps_two_strength_days_and_a_mobility_day():
    program = build_program([finding("static_balance_deficit")])
    categories = {i.category for i in program.items}
    assert {"strength", "mobility"} <= categories


def test_one_drill_never_appears_twice_for_a_side_after_merging():
    # Found by the property test: a "both sides" candidate merged into the left item,
    # which then overlapped the right item of the same drill.
    program = build_program(
        [
            finding("balance_asymmetry", "left", "none"),
            finding("balance_asymmetry", "right", "mild"),
            finding("proximal_control", "left", "mild"),
            finding("balance_asymmetry", "left", "mild"),
        ]
    )
    seen = set()
    for item in program.items:
        for side in ("left", "right"):
            if covers(item, side):
                assert (item.drill, side) not in seen, f"{item.drill} twice on {side}"
                seen.add((item.drill, side))


def test_an_unknown_age_keeps_the_strict_floor_in_the_hop_gate():
    """No date of birth (e.g. an anonymised patient): the under-60 floor still applies."""
    measurements = {**HEALTHY, "heel_raise_reps": {"left": 18, "right": 19}}
    extras = ExtraInputs(measurements=measurements, **GATE_OPEN)
    gate = plyo_gate("left", age=None, sex="female", extras=extras)
    assert not gate.open
    assert any("below 20" in r for r in gate.reasons)
    program = build_program(age=None, measurements=measurements, **GATE_OPEN)
    assert "short_hops" not in by_drill(program)


def test_every_red_flag_has_one_row_with_its_urgency():
    from programs.red_flags import BY_ANSWER, EMERGENCY, RED_FLAGS, TODAY

    assert [f.code for f in RED_FLAGS] == [f"RF-{n}" for n in range(1, 8)]
    assert len(BY_ANSWER) == len(RED_FLAGS)
    # docs/clinical-rules.md §8: possible clot, cold foot and hot joint are emergencies; a pop,
    # not bearing weight and focal bone pain are for today.
    emergency = {f.answer for f in RED_FLAGS if f.urgency == EMERGENCY}
    today = {f.answer for f in RED_FLAGS if f.urgency == TODAY}
    assert emergency == {"calf_swelling", "numbness_or_cold_foot", "hot_swollen_joint"}
    assert today == {"sudden_pop", "cannot_bear_weight", "focal_bone_pain"}
