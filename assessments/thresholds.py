"""PURE: the one table of clinical thresholds (docs/clinical-rules.md §3), with per-clinic
overrides.

Every rule in `assessments.findings`, `programs.prescribe` and `programs.progression_rules`
reads its numbers from a `Thresholds` mapping built here, never from a literal. A clinic admin may
override any key; unknown keys and values of the wrong type are refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

# Heel-raise norms (Hébert-Losier 2017, docs/clinical-rules.md §3): mean reps by age band and sex.
SLHR_NORMS: dict[tuple[int, int], dict[str, int]] = {
    (20, 29): {"male": 37, "female": 30},
    (30, 39): {"male": 32, "female": 27},
    (40, 49): {"male": 28, "female": 24},
    (50, 59): {"male": 23, "female": 21},
    (60, 69): {"male": 19, "female": 19},
    (70, 79): {"male": 14, "female": 16},
    (80, 150): {"male": 10, "female": 13},
}

DEFAULTS: dict[str, float] = {
    # Weight-bearing lunge test (knee-to-wall)
    "wblt.restricted_cm": 10.0,
    "wblt.marked_cm": 8.0,
    "wblt.asym_cm": 2.0,
    "wblt.real_change_cm": 2.0,
    "wblt.restricted_deg": 36.0,
    "wblt.marked_deg": 29.0,
    "wblt.asym_deg": 5.0,
    "wblt.real_change_deg": 5.0,
    # Single-leg heel raise
    "slhr.deficit_margin": 6,
    "slhr.floor_under60": 20,
    "slhr.floor_age": 60,
    "slhr.lsi_min": 90.0,
    "slhr.lsi_marked": 75.0,
    "slhr.pain_tendon": 3,
    "slhr.real_change_reps": 6,
    # Single-leg balance (seconds)
    "bal.eo_min_under60": 30.0,
    "bal.eo_min_60_69": 20.0,
    # From 70 y (clinical.md 8.10, docs/clinical-rules.md §3): below 5 s is marked and asks
    # the clinician to review the falls risk.
    "bal.eo_min_70_79": 15.0,
    "bal.eo_min_80_plus": 10.0,
    "bal.eo_marked_70_plus": 5.0,
    "bal.ec_min_18_39": 7.0,
    "bal.ec_min_40_49": 6.0,
    "bal.ec_min_50_59": 4.0,
    "bal.ec_min_60_69": 2.0,
    "bal.asym_eo_s": 10.0,
    "bal.asym_ec_ratio": 50.0,
    # Y-balance
    "ybt.ant_asym_cm": 4.0,
    "ybt.composite_min": 94.0,
    # Foot posture
    "fpi.pronated": 6,
    "fpi.supinated": -1,
    "fpi.review_pronated": 10,
    "fpi.review_supinated": -5,
    "nd.high": 10.0,
    "nd.low": 5.0,
    # Hallux extension (degrees)
    "hallux.restricted": 65.0,
    "hallux.review": 40.0,
    # Gait
    "gait.cadence_low": 160,
    # Pain ceilings during a drill (0-10) and the "green" zone that allows progression
    "pain.ceiling.tendon": 5,
    "pain.ceiling.general": 3,
    "pain.ceiling.bone_or_acute": 2,
    "pain.green.tendon": 3,
    "pain.green.general": 2,
    "pain.green.impact": 1,
    "pain.stop_during": 8,
    "pain.stop_next_morning": 7,
    # 10 single-leg hops: pain from this (0-10) in the shin or foot raises a suspected bone
    # stress injury (M-BSI-SUSPECT, docs/clinical-rules.md §8)
    "bsi.hop_pain_suspect": 3,
    # Soreness, progression and regression
    "soreness.max_hours": 48,
    "soreness.progress_max_hours": 24,
    "progress.min_days_load": 7,
    "progress.min_sessions_other": 3,
    "progress.min_sessions_load": 2,
    "progress.load_step_tendon_pct": 5.0,
    "progress.load_step_general_pct": 10.0,
    "progress.rep_step": 2,
    "progress.max_difficulty": 6,
    "regress.volume_cut_pct": 30.0,
    # Maintenance never above the tested capacity (docs/clinical-rules.md §4, clinical.md 8.10):
    # reps at most this % of the tested heel-raise maximum; holds at most the tested time + this.
    "maint.capacity_reps_pct": 70.0,
    "maint.capacity_hold_add_s": 10,
    # Injury-history windows (docs/clinical-rules.md §6): an acute sprain's limits end this many
    # days after its onset [D]; a past Achilles problem this recent still counts as current.
    "modifier.sprain_acute_days": 14,
    "modifier.achilles_recent_months": 3,
    # Numbers the progression engine (programs.progression_rules, docs/clinical-rules.md §5 and §7)
    # needs that the rules state only in prose; [D] where the text gives no number.
    "baseline.sessions": 3,  # baseline = mean pain over the programme's first 3 sessions
    "progress.completion_pct": 100.0,  # T-UP: every prescribed set and rep done
    "progress.hold_step_s": 15,  # §5: "+10-15 s" per time step (30 -> 45 -> 60 s)
    "progress.max_load_pct": 20.0,  # [D] added load on one rung before the next rung
    "regress.completion_min_pct": 80.0,  # T-DOWN-4 below this, T-HOLD from this to 99%
    "regress.difficulty_high": 9,  # T-DOWN-4 from this; T-HOLD above progress.max_difficulty
    "regress.consecutive_sessions": 2,  # T-DOWN-4: in this many sessions in a row
    "regress.next_morning_rise": 2,  # T-DOWN-2: next-morning pain >= baseline + this
    "regress.weekly_pain_rise": 1,  # T-DOWN-5: weekly mean pain rise, two weeks in a row
    "regress.no_progress_days": 7,  # after any T-DOWN, no progression for this many days
    "stop.regressions": 2,  # T-STOP: the same drill regressed this many times ...
    "stop.regression_window_days": 14,  # ... within this many days
    "review.no_progress_weeks": 3,
    "review.adherence_min_pct": 50.0,
    "load.run_spike_pct": 30.0,
    # Smallest change between two screens called "real" (beyond measurement error). Where
    # docs/clinical-rules.md gives no MDC the value is our design choice [D] and clinic-adjustable.
    "bal.real_change_eo_s": 5.0,
    "bal.real_change_ec_s": 3.0,
    "ybt.real_change_cm": 4.0,
    "nd.real_change_mm": 3.0,
    "fpi.real_change": 2,
    "hallux.real_change_deg": 5.0,
    "gait.real_change_spm": 5,
    "nprs.real_change": 2,
    "lefs.real_change": 9,
    "faam_adl.real_change": 8,
    "faam_sport.real_change": 9,
    "visa_a.real_change": 7,
}

DESCRIPTIONS: dict[str, str] = {
    "wblt.restricted_cm": "Knee-to-wall below this (cm) is restricted dorsiflexion",
    "wblt.marked_cm": "Knee-to-wall below this (cm) is a marked restriction",
    "wblt.asym_cm": "Left/right knee-to-wall difference from this (cm) is an asymmetry",
    "wblt.real_change_cm": "Smallest knee-to-wall change (cm) called real between screens",
    "slhr.deficit_margin": "Heel-raise reps below the age/sex norm minus this are a deficit",
    "slhr.floor_under60": "Heel-raise reps below this are a deficit under the floor age",
    "slhr.lsi_min": "Heel-raise limb symmetry index (%) below this is an asymmetry",
    "slhr.lsi_marked": "Heel-raise limb symmetry index (%) below this is a marked asymmetry",
    "bal.eo_min_under60": "Eyes-open single-leg balance (s) below this under 60 years",
    "bsi.hop_pain_suspect": "Hop-test pain (0-10) in the shin or foot from this raises a "
    "suspected bone stress injury",
    "ybt.ant_asym_cm": "Y-balance anterior reach difference (cm) above this is an asymmetry",
    "fpi.pronated": "FPI-6 total from this is pronated",
    "fpi.supinated": "FPI-6 total at or below this is supinated",
    "hallux.restricted": "Hallux extension (deg) below this is limited",
    "gait.cadence_low": "Cadence (steps/min) below this is low",
    "slhr.pain_tendon": "Heel-raise test pain (0-10) from this suggests tendon irritability",
    "bal.eo_min_60_69": "Eyes-open single-leg balance (s) below this at 60-69 years",
    "bal.eo_min_70_79": "Eyes-open single-leg balance (s) below this at 70-79 years",
    "bal.eo_min_80_plus": "Eyes-open single-leg balance (s) below this from 80 years",
    "bal.eo_marked_70_plus": "Eyes-open balance (s) below this from 70 y: marked, review falls",
    "maint.capacity_reps_pct": "Maintenance reps at most this % of the tested heel-raise maximum",
    "maint.capacity_hold_add_s": "Balance holds at most the tested time plus this (s)",
    "bal.ec_min_18_39": "Eyes-closed single-leg balance (s) below this at 18-39 years",
    "bal.ec_min_40_49": "Eyes-closed single-leg balance (s) below this at 40-49 years",
    "bal.ec_min_50_59": "Eyes-closed single-leg balance (s) below this at 50-59 years",
    "bal.ec_min_60_69": "Eyes-closed single-leg balance (s) below this at 60-69 years",
    "bal.asym_eo_s": "Eyes-open balance difference (s) from this is an asymmetry",
    "bal.asym_ec_ratio": "Eyes-closed weaker side below this % of the better is an asymmetry",
    "fpi.review_pronated": "FPI-6 total from this needs clinician review (highly pronated)",
    "fpi.review_supinated": "FPI-6 total at or below this needs review (highly supinated)",
    "nd.high": "Navicular drop above this (mm) suggests a pronated foot",
    "nd.low": "Navicular drop below this (mm) suggests a rigid/supinated foot",
    "hallux.review": "Hallux extension (deg) below this needs clinician review",
    "ybt.real_change_cm": "Smallest Y-balance reach change (cm) called real between screens",
    "slhr.real_change_reps": "Smallest heel-raise change (reps) called real between screens",
}

Thresholds = Mapping[str, float]


def gettext_noop(message: str) -> str:
    """Marks a message for `make messages` (this module imports no Django); the caller
    translates `ThresholdError.template` and fills in `ThresholdError.params`."""
    return message


class ThresholdError(ValueError):
    """An override names an unknown key or carries a value that is not a number. The English
    sentence is `str(error)`; `template` % `params` is the same, for the caller to translate."""

    def __init__(self, template: str, **params):
        self.template = template
        self.params = params
        super().__init__(template % params)


def validate_overrides(overrides: Mapping[str, object]) -> dict[str, float]:
    clean: dict[str, float] = {}
    for key, value in overrides.items():
        if key not in DEFAULTS:
            raise ThresholdError(gettext_noop("Unknown threshold %(key)r."), key=key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ThresholdError(
                gettext_noop("Threshold %(key)r must be a number, not %(value)r."),
                key=key,
                value=value,
            )
        clean[key] = value
    return clean


def build(overrides: Mapping[str, object] | None = None) -> Thresholds:
    """The defaults with a clinic's overrides applied, as a read-only mapping."""
    merged = dict(DEFAULTS)
    merged.update(validate_overrides(overrides or {}))
    return MappingProxyType(merged)


DEFAULT_THRESHOLDS: Thresholds = build()


def slhr_norm(age: int | None, sex: str) -> int | None:
    """Mean single-leg heel-raise reps for an age and sex; None below 20 years or when the age
    is unknown (no date of birth, e.g. after anonymisation).

    "other" uses the lower of the two sexes' norms, the conservative choice.
    """
    if age is None:
        return None
    for (low, high), by_sex in SLHR_NORMS.items():
        if low <= age <= high:
            if sex in by_sex:
                return by_sex[sex]
            return min(by_sex.values())
    return None


def balance_eyes_open_min(age: int | None, t: Thresholds) -> float | None:
    if age is None:
        return None
    if age < 60:
        return t["bal.eo_min_under60"]
    if age < 70:
        return t["bal.eo_min_60_69"]
    if age < 80:
        return t["bal.eo_min_70_79"]
    return t["bal.eo_min_80_plus"]


def balance_eyes_open_marked(age: int | None, t: Thresholds) -> float | None:
    """Eyes-open time below which the deficit is marked: half the age threshold, and from 70 y
    the fixed falls-risk level (docs/clinical-rules.md §3)."""
    low = balance_eyes_open_min(age, t)
    if low is None or age is None:
        return None
    if age >= 70:
        return t["bal.eo_marked_70_plus"]
    return low / 2


def balance_eyes_closed_min(age: int | None, t: Thresholds) -> float | None:
    if age is None:
        return None
    for high, key in ((39, "bal.ec_min_18_39"), (49, "bal.ec_min_40_49"), (59, "bal.ec_min_50_59")):
        if 18 <= age <= high:
            return t[key]
    if 60 <= age <= 69:
        return t["bal.ec_min_60_69"]
    return None
