"""PURE: what a screen records — every field's unit, valid range and enum values
(docs/clinical-rules.md §2).

No Django imports. The model, the services' validation, the API, the entry form and the
change-over-time comparison all read this one table, so a range or unit lives in one place.
"""

from __future__ import annotations

from dataclasses import dataclass


def gettext_noop(message: str) -> str:
    """Marks words the staff read for `make messages` (this module imports no Django); the
    pages translate them where they show them (e.g. `{% translate measure.label %}`)."""
    return message


SIDES = ("left", "right")

CONDITIONS = (
    "achilles_midportion",
    "achilles_insertional",
    "plantar_heel_pain",
    "shin_splints",
    "ankle_sprain_acute",
    "ankle_sprain_recurrent",
    "bone_stress_injury",
    "other",
)
CONDITION_LABELS = {
    "achilles_midportion": gettext_noop("Achilles tendinopathy (mid-portion)"),
    "achilles_insertional": gettext_noop("Achilles tendinopathy (insertional)"),
    "plantar_heel_pain": gettext_noop("Plantar heel pain"),
    "shin_splints": gettext_noop("Shin splints / MTSS"),
    "ankle_sprain_acute": gettext_noop("Ankle sprain (acute)"),
    "ankle_sprain_recurrent": gettext_noop("Ankle sprain (recurrent)"),
    "bone_stress_injury": gettext_noop("Bone stress injury"),
    "other": gettext_noop("Other"),
}
INJURY_SIDES = ("left", "right", "both")
INJURY_STATUSES = ("current", "past")
# Optional date on an injury-history entry (YYYY-MM-DD): the day of the injury or the start of
# the symptoms. An acute sprain needs it to expire; a past Achilles problem dated within 3 months
# still counts (docs/clinical-rules.md §6).
INJURY_ONSET = "onset_date"

SIGNS = (
    "heel_lift_in_squat",
    "poor_single_leg_balance",
    "stiff_short_stride",
    "arch_collapse",
    "toe_clawing",
    "frequent_ankle_rolls",
    "weak_push_off",
)
SIGN_LABELS = {
    "heel_lift_in_squat": gettext_noop("Heels lift early in squat or lunge"),
    "poor_single_leg_balance": gettext_noop("Difficulty balancing on one leg"),
    "stiff_short_stride": gettext_noop("Stiff or short stride"),
    "arch_collapse": gettext_noop("Arch collapses during the run"),
    "toe_clawing": gettext_noop("Toe gripping or clawing"),
    "frequent_ankle_rolls": gettext_noop("Frequent ankle rolls / unstable on uneven ground"),
    "weak_push_off": gettext_noop("Weak push-off"),
}

FOOT_STRIKES = ("heel", "mid", "fore")
HEEL_LIFTS = ("early", "normal", "late")
PASS_FAIL = ("pass", "fail")
GAIT_SIDE_FLAGS = ("arch_collapse", "pelvic_drop", "knee_valgus")
GAIT_SIDE_FLAG_LABELS = {
    "arch_collapse": gettext_noop("Arch collapse"),
    "pelvic_drop": gettext_noop("Contralateral pelvic drop"),
    "knee_valgus": gettext_noop("Knee valgus"),
}


@dataclass(frozen=True)
class Measure:
    """One per-side measurement of the screen."""

    key: str  # API name and model column prefix: <key>_left / <key>_right
    label: str
    unit: str  # shown next to the input and in the API docs; "" for pass/fail
    kind: str  # "decimal", "int" or "passfail"
    low: float | None = None
    high: float | None = None
    hint: str = ""  # the typical/normal range shown to the clinician
    # Threshold key holding the smallest change called real (measurement error); None: no rule.
    real_change_key: str | None = None
    higher_is_better: bool | None = True


MEASURES: tuple[Measure, ...] = (
    Measure(
        "knee_to_wall_cm",
        gettext_noop("Knee-to-wall (weight-bearing lunge)"),
        "cm",
        "decimal",
        0,
        25,
        gettext_noop("normal ≥ 10 cm; sides within 2 cm"),
        "wblt.real_change_cm",
    ),
    Measure(
        "heel_raise_reps",
        gettext_noop("Single-leg heel raise"),
        "reps",
        "int",
        0,
        100,
        gettext_noop("age/sex norm; ≥ 20 under 60 y; LSI ≥ 90%"),
        "slhr.real_change_reps",
    ),
    Measure(
        "balance_eyes_open_s",
        gettext_noop("Single-leg balance, eyes open"),
        "s",
        "decimal",
        0,
        120,
        gettext_noop("≥ 30 s under 60 y"),
        "bal.real_change_eo_s",
    ),
    Measure(
        "balance_eyes_closed_s",
        gettext_noop("Single-leg balance, eyes closed"),
        "s",
        "decimal",
        0,
        120,
        gettext_noop("≥ 7 s at 18–39 y (falls with age)"),
        "bal.real_change_ec_s",
    ),
    Measure(
        "y_balance_anterior_cm",
        gettext_noop("Y-balance anterior reach"),
        "cm",
        "decimal",
        0,
        150,
        gettext_noop("sides within 4 cm"),
        "ybt.real_change_cm",
    ),
    Measure(
        "navicular_drop_mm",
        gettext_noop("Navicular drop"),
        "mm",
        "decimal",
        0,
        25,
        gettext_noop("5–10 mm"),
        "nd.real_change_mm",
        None,
    ),
    Measure(
        "foot_posture_index",
        gettext_noop("Foot Posture Index (FPI-6 total)"),
        "points",
        "int",
        -12,
        12,
        gettext_noop("0 to +5"),
        "fpi.real_change",
        None,
    ),
    Measure(
        "hallux_extension_deg",
        gettext_noop("Hallux extension (1st MTP)"),
        "°",
        "int",
        0,
        110,
        gettext_noop("≥ 65°"),
        "hallux.real_change_deg",
    ),
    Measure(
        "short_foot",
        gettext_noop("Short foot (5 s hold)"),
        "",
        "passfail",
        hint=gettext_noop("pass"),
    ),
    Measure(
        "toe_yoga",
        gettext_noop("Toe yoga (both directions)"),
        "",
        "passfail",
        hint=gettext_noop("pass"),
    ),
)
MEASURES_BY_KEY = {m.key: m for m in MEASURES}
HEEL_RAISE_PAIN = Measure(
    "heel_raise_pain",
    gettext_noop("Pain during heel raise"),
    "NPRS 0–10",
    "int",
    0,
    10,
    gettext_noop("< 3"),
    None,
    False,
)

# --- intake red flags (docs/clinical-rules.md §2 and §8) -----------------------------------------
# The answer codes are those of programs/red_flags.py (a test keeps the two lists equal); here
# they carry the words the clinician reads on the screen form.
RED_FLAG_LABELS = {
    "cannot_bear_weight": gettext_noop(
        "Cannot take four steps, or new bony tenderness after a fall or twist"
    ),
    "sudden_pop": gettext_noop(
        "Sudden pop or kick at the back of the ankle, a gap, cannot push off"
    ),
    "calf_swelling": gettext_noop(
        "Calf swelling, warmth or tenderness (after surgery, a cast, travel, pregnancy)"
    ),
    "numbness_or_cold_foot": gettext_noop(
        "Numbness, pins and needles, a cold or pale foot, or a tense calf"
    ),
    "hot_swollen_joint": gettext_noop("Hot, red, swollen joint or fever"),
    "focal_bone_pain": gettext_noop("Focal bone pain on loading, or pain at rest"),
    "severe_pain": gettext_noop("Pain 8/10 or more, or getting worse fast"),
}
RED_FLAGS = tuple(RED_FLAG_LABELS)
# The Ottawa ankle and foot rules, asked after a fall or twist, per side ("yes" = x-ray).
OTTAWA_LABELS = {
    "malleolar": gettext_noop(
        "Ankle: malleolar-zone pain with tenderness at the back edge or tip of a malleolus"
    ),
    "midfoot": gettext_noop(
        "Foot: midfoot pain with tenderness at the navicular or the base of the fifth metatarsal"
    ),
    "four_steps": gettext_noop("Could not take four steps, right after the injury and now"),
}
OTTAWA_ITEMS = tuple(OTTAWA_LABELS)
OTTAWA_SHORT_LABELS = {
    "malleolar": gettext_noop("Ottawa ankle: malleolar tenderness"),
    "midfoot": gettext_noop("Ottawa foot: midfoot tenderness"),
    "four_steps": gettext_noop("Ottawa: cannot take four steps"),
}
HOP_PAIN_SITES = ("shin", "foot", "other")
HOP_PAIN_SITE_LABELS = {
    "shin": gettext_noop("Shin"),
    "foot": gettext_noop("Foot"),
    "other": gettext_noop("Elsewhere (e.g. tendon)"),
}

HOP_PAIN = Measure(
    "hop_pain_nprs",
    gettext_noop("10 single-leg hops: pain"),
    "NPRS 0–10",
    "int",
    0,
    10,
    gettext_noop("≤ 2 for hops; ≥ 3 in the shin or foot: suspected bone stress"),
    None,
    False,
)


@dataclass(frozen=True)
class Scalar:
    """A single (not per-side) numeric field: pain, cadence, PROM totals."""

    key: str
    label: str
    unit: str
    kind: str
    low: float
    high: float
    hint: str = ""
    real_change_key: str | None = None
    higher_is_better: bool | None = True
    date_key: str | None = None  # the date the PROM was completed


PAIN_NPRS = Scalar(
    "pain_nprs",
    gettext_noop("Pain today"),
    "NPRS 0–10",
    "int",
    0,
    10,
    "",
    "nprs.real_change",
    False,
)
CADENCE = Scalar(
    "cadence_spm",
    gettext_noop("Cadence (easy pace)"),
    "steps/min",
    "int",
    120,
    230,
    gettext_noop("≥ 160"),
    "gait.real_change_spm",
)
GAIT_SPEED = Scalar(
    "speed_kmh", gettext_noop("Treadmill speed"), "km/h", "decimal", 0, 40, "", None, None
)
PROMS: tuple[Scalar, ...] = (
    Scalar(
        "lefs",
        gettext_noop("LEFS"),
        "0–80",
        "int",
        0,
        80,
        gettext_noop("healthy ≈ 77"),
        "lefs.real_change",
        True,
        "lefs_on",
    ),
    Scalar(
        "faam_adl_pct",
        gettext_noop("FAAM ADL"),
        "%",
        "decimal",
        0,
        100,
        "",
        "faam_adl.real_change",
        True,
        "faam_adl_on",
    ),
    Scalar(
        "faam_sport_pct",
        gettext_noop("FAAM Sport"),
        "%",
        "decimal",
        0,
        100,
        "",
        "faam_sport.real_change",
        True,
        "faam_sport_on",
    ),
    Scalar(
        "visa_a",
        gettext_noop("VISA-A"),
        "0–100",
        "int",
        0,
        100,
        gettext_noop("healthy > 96"),
        "visa_a.real_change",
        True,
        "visa_a_on",
    ),
)
SCALARS: tuple[Scalar, ...] = (PAIN_NPRS, CADENCE, GAIT_SPEED, *PROMS)
SCALARS_BY_KEY = {s.key: s for s in SCALARS}


def range_text(low: float | None, high: float | None, unit: str) -> str:
    def fmt(x: float | None) -> str:
        return f"{x:g}" if x is not None else ""

    suffix = f" {unit}" if unit and not unit[0].isupper() and "–" not in unit else ""
    return f"{fmt(low)}–{fmt(high)}{suffix}"
