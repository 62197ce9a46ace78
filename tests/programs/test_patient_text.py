"""What the patient reads (docs/clinical-rules.md §1 plain words, §10 variants): the variant's
own steps, precautions and times a day; one plain sentence per rule; incomplete screens."""

import re
from datetime import date, timedelta
from itertools import combinations

import pytest

from assessments.findings import FINDING_CODES
from programs import patient_text
from programs.drills import DRILLS, DRILLS_BY_SLUG
from programs.evaluation import load_note
from programs.ladders import LADDERS
from programs.prescribe import _RULES, MODIFIER_TEXT
from programs.progression_rules import Baseline, Dose, ItemState, SessionLog, evaluate
from tests.programs.test_prescribe import HEALTHY, build_program, by_drill, finding, history

# Anything a clinician reads that a patient must not: rule codes, thresholds, slugs, jargon.
CODE = re.compile(r"\b(?:[RMTG]-[A-Z0-9]+(?:-[A-Z0-9]+)*|RF-\d|L-[A-Z]+)\b")
CLINICIAN_WORDS = re.compile(r"≥|≤|[<>]|\bcm\b|\bmm\b|FPI|LSI|ladder|rung|\bHSR\b|_")


def how_to(slug, variant):
    spec = DRILLS_BY_SLUG[slug]
    return patient_text.how_to(
        name=spec.name,
        instructions=spec.instructions,
        cues=spec.cues,
        precautions=spec.precautions,
        variants=[
            {
                "match": v.match,
                "name": v.name,
                "instructions": v.instructions,
                "cues": v.cues,
                "precautions": v.precautions,
            }
            for v in spec.variants
        ],
        variant=variant,
    )


def assert_plain(text):
    assert text
    assert not CODE.search(text), text
    assert not CLINICIAN_WORDS.search(text), text


# --- variants: steps that match what the patient must do ------------------------------------


def test_insertional_heel_lowering_has_floor_level_steps_not_the_step_edge():
    program = build_program(hx=[history("achilles_insertional", "right")])
    item = by_drill(program)["eccentric_step_heel_drop"]
    assert item.variant.startswith("floor level")
    shown = how_to(item.drill, item.variant)
    assert shown.name == "Eccentric heel lowering on the floor"
    steps = " ".join(shown.steps)
    assert "edge of a step" not in steps and "below the step" not in steps
    assert "flat floor" in steps and "heel touches the floor" in steps
    assert any("Never on a step" in p for p in shown.precautions)
    # Without the variant the step-edge steps still belong to the mid-portion track.
    assert "edge of a step" in " ".join(how_to(item.drill, "").steps)


def test_an_isometric_rung_is_described_as_a_hold():
    program = build_program(
        [finding("tendon_irritability", "left", "marked", value=7.0)],
        hx=[history("achilles_midportion", "left")],
    )
    item = by_drill(program)["heel_raise_bilateral"]
    assert item.variant.startswith("isometric") and item.hold_s == 30
    shown = how_to(item.drill, item.variant)
    steps = " ".join(shown.steps)
    assert "Hold still" in steps and "halfway" in steps
    assert "Rise onto your toes over 2 seconds" not in steps
    assert "not repeated raises" in " ".join(shown.cues)


@pytest.mark.parametrize(
    ("slug", "variant", "words"),
    [
        ("heel_raise_single", "towel under toes, 3 s up / 2 s hold / 3 s down", "towel"),
        ("heel_raise_single", "towel under toes, backpack load", "backpack"),
        ("heel_raise_single", "off a step, full range", "edge of a step"),
        ("heel_raise_single", "backpack load", "backpack"),
        ("heel_raise_single", "off a step, 3 s up / 3 s down (HSR)", "3 seconds"),
        ("heel_raise_single", "floor level, 3 s up / 3 s down", "not on a step"),
        ("sl_balance_unstable", "eyes closed", "close your eyes"),
        ("heel_raise_bilateral", "up on two, down on one", "lower slowly on the working foot"),
        ("runner_calf_raise", "floor level, loaded", "weight"),
        ("short_foot", "single-leg", "balance"),
        ("pf_stretch", "3 times a day, first before getting up", "3 times a day"),
    ],
)
def test_each_variant_that_changes_the_exercise_has_its_own_steps(slug, variant, words):
    shown = how_to(slug, variant)
    assert shown.steps != DRILLS_BY_SLUG[slug].instructions
    assert words in " ".join(shown.steps)


def test_the_default_single_leg_heel_raise_no_longer_hides_the_towel_in_its_steps():
    steps = " ".join(DRILLS_BY_SLUG["heel_raise_single"].instructions)
    assert "towel" not in steps and "flat floor" in steps


def test_every_ladder_variant_that_changes_the_exercise_selects_its_steps():
    changing = ("isometric", "towel", "off a step", "backpack", "eyes closed", "floor level")
    for ladder in LADDERS.values():
        for rung in (*ladder.rungs, *ladder.adjuncts):
            if any(word in rung.variant.lower() for word in changing):
                assert DRILLS_BY_SLUG[rung.drill].variant(rung.variant) is not None, (
                    ladder.code,
                    rung,
                )


def test_times_per_day_comes_from_the_variant():
    program = build_program(hx=[history("plantar_heel_pain", "left")])
    stretch = by_drill(program)["pf_stretch"]
    assert stretch.times_per_day == 3
    assert patient_text.times_words(stretch.times_per_day) == "3 times a day"
    assert all(i.times_per_day == 1 for i in program.items if i.drill != "pf_stretch")
    alfredson = LADDERS["L-TENDON"].adjuncts[0]
    assert patient_text.times_per_day_for(alfredson.drill, alfredson.variant) == 2
    assert patient_text.times_words(1) == "once a day"


def test_precautions_are_a_list_without_none_in_particular():
    assert patient_text.precaution_list("None in particular.") == []
    assert patient_text.precaution_list(DRILLS_BY_SLUG["calf_stretch_static"].precautions) == [
        "Achilles pain: not to the end of the range and never with the heel hanging off a step.",
        "Insertional Achilles pain: not used.",
    ]


def test_the_variant_the_patient_reads_has_no_clinician_shorthand():
    assert patient_text.plain_variant("off a step, 3 s up / 3 s down (HSR)") == (
        "off a step, 3 s up / 3 s down"
    )
    assert patient_text.plain_variant("Alfredson: straight and bent knee, twice daily") == (
        "straight and bent knee, twice daily"
    )
    assert "isometric" not in patient_text.plain_variant("isometric hold at mid-range")
    for ladder in LADDERS.values():
        for rung in ladder.rungs:
            assert "HSR" not in patient_text.plain_variant(rung.variant)


# --- plain words ----------------------------------------------------------------------------


def test_each_rule_has_its_patient_sentence():
    sentence = patient_text.rule_sentence("R-DF-1", ["left"])
    assert sentence == "Your left ankle bends less than normal, so we will loosen it gently."
    program = build_program([finding("restricted_dorsiflexion", evidence="knee-to-wall 7.5 cm")])
    assert by_drill(program)["heel_elev_squat_rock"].patient_reason == sentence
    rules = {
        "R-DF-1",
        "R-DF-2",
        "R-DF-3",
        "R-PF-1",
        "R-PF-2",
        "R-MAINT",
        "G-PLYO",
        *MODIFIER_TEXT,
    }
    rules |= {
        item.rule for code in _RULES for item in build_program([finding(code)]).items if item.rule
    }
    for rule in rules:
        for sides in (["left"], ["left", "right"]):
            text = patient_text.rule_sentence(rule, sides)
            assert text != patient_text.FALLBACK_SENTENCE, rule
            assert_plain(text)


FINDINGS = [
    finding(code, side, severity, evidence=f"{code} 7.5 cm ≥ 6 (R-X-1)", value=7.0)
    for code in sorted(FINDING_CODES)
    for side, severity in (("left", "mild"), ("right", "marked"))
    if code in _RULES
]


@pytest.mark.parametrize("pair", list(combinations(range(len(FINDINGS)), 2))[::7])
def test_patient_reasons_carry_no_codes_thresholds_evidence_or_slugs(pair):
    found = [FINDINGS[n] for n in pair]
    program = build_program(found, hx=[history("achilles_insertional", "left")])
    for item in program.items:
        assert_plain(item.patient_reason)
        for f in found:
            assert f.evidence not in item.patient_reason


def test_merged_reasons_say_each_rule_once_not_the_concatenated_evidence():
    program = build_program(
        [
            finding("pronated_foot_posture", "left", evidence="FPI-6 +11 ≥ +6"),
            finding("pronated_foot_posture", "right", evidence="FPI-6 +10 ≥ +6"),
            finding("intrinsic_control_deficit", "left", evidence="short foot fail"),
        ],
        measurements=HEALTHY,
    )
    toe_yoga = by_drill(program)["toe_yoga"]
    assert "FPI-6" in toe_yoga.reason  # the clinician keeps the evidence
    assert toe_yoga.patient_reason == (
        "The arches of your feet drop more than normal, so we will strengthen the small muscles "
        "that hold them up. The small muscles of your left foot need more control, so we will "
        "train them."
    )


def test_a_recorded_insertional_case_is_not_called_mid_portion():
    program = build_program(
        [finding("tendon_irritability", "right", evidence="current insertional Achilles pain")],
        hx=[history("achilles_insertional", "right")],
    )
    flag = next(f for f in program.flags if f.code == "R-PF-3")
    assert "mid-portion" not in flag.message
    assert "insertional Achilles tendinopathy recorded on the right side" in flag.message
    # An unrecorded side is still treated as mid-portion until the clinician confirms.
    unknown = build_program([finding("tendon_irritability", "left", value=4.0)])
    flag = next(f for f in unknown.flags if f.code == "R-PF-3")
    assert "treated as mid-portion" in flag.message


# --- incomplete screens ---------------------------------------------------------------------


def test_a_complete_normal_screen_says_nothing_was_found_in_the_tests_done():
    program = build_program(measurements=HEALTHY)
    assert "screen_incomplete" not in {f.code for f in program.flags}
    calf = by_drill(program)["heel_raise_single"]
    assert calf.rule == "R-MAINT"
    assert calf.patient_reason.startswith("The tests we did found nothing")
    assert "not tested" not in calf.patient_reason.lower()


def test_an_empty_screen_is_flagged_and_never_called_fine():
    program = build_program(measurements={})
    flag = next(f for f in program.flags if f.code == "screen_incomplete")
    assert flag.kind == "review"
    for name in ("knee-to-wall", "heel raises", "single-leg balance"):
        assert name in flag.message
    for item in program.items:
        assert "found nothing" not in item.patient_reason
        assert "No deficit found" not in item.reason
    assert "not tested" in by_drill(program)["heel_raise_single"].patient_reason


def test_a_missing_core_test_is_named_not_tested():
    measured = {**HEALTHY, "heel_raise_reps": {"left": 30, "right": None}}
    program = build_program(measurements=measured)
    flag = next(f for f in program.flags if f.code == "screen_incomplete")
    assert "heel raises, right side" in flag.message and "knee-to-wall" not in flag.message
    reason = by_drill(program)["sl_balance_firm_eo"].patient_reason
    assert "Not tested yet: heel raises, right side" in reason
    assert_plain(reason.replace("heel raises, right side", ""))


# --- progress messages and load -------------------------------------------------------------


def test_load_is_said_as_a_share_of_body_weight_with_kilograms():
    assert load_note(5.0) == (
        "Add about 5% of your body weight (about 3.5 kg if you weigh 70 kg), for example books "
        "in a backpack."
    )
    assert load_note(0) == ""


def test_every_catalogue_variant_name_is_plain():
    for spec in DRILLS:
        for variant in spec.variants:
            for text in (variant.name, *variant.instructions, *variant.cues):
                if text:
                    assert not CODE.search(text) and "_" not in text, text


def test_a_step_onto_the_floor_level_rung_is_named_as_the_patient_does_it():
    ladder = LADDERS["L-TENDON-INS"]
    today = date(2026, 3, 16)
    top = ladder.rungs[0]
    state = ItemState(
        Dose(top.drill, 0, top.max_sets, None, top.max_hold_s),
        "tendon",
        today - timedelta(days=10),
        ladder_code=ladder.code,
        modifiers=frozenset({"M-AT-INS"}),
        name="Calf hold (heel raise held still, both feet)",
    )
    # Achilles: the check-ins also report morning stiffness, at its baseline (§7).
    logs = [
        SessionLog(today - timedelta(days=d), 100, 0, 4, 0, 0, morning_stiffness_min=5)
        for d in (5, 2)
    ]
    baseline = Baseline(0, 0, 3, morning_stiffness_min=5)
    decision = evaluate(state, logs, ladder=ladder, baseline=baseline, today=today)
    assert decision.new_rung == ladder.rungs[1]
    assert "moving on to Eccentric heel lowering on the floor, 3 × 15" in decision.reason
    assert "_" not in decision.reason and "step" not in decision.reason.lower()
