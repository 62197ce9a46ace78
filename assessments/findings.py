"""PURE: a screen (+ patient age and sex, + the previous screen) -> findings.

No Django imports. Input and output are the dataclasses below; the rules read every number
from `assessments.thresholds`. Codes and rules follow clinical.md 8.2.

CONTRACT (shared with programs.prescribe): `Finding.code` is one of FINDING_CODES,
`side` is "left", "right" or "both", `severity` one of "none", "mild", "marked".
"""

from __future__ import annotations

from dataclasses import dataclass, field

SIDES = ("left", "right")

# code -> the clinical.md rule it implements
FINDING_CODES: dict[str, str] = {
    "restricted_dorsiflexion": "R-DF-1",
    "dorsiflexion_asymmetry": "R-DF-2",
    "calf_strength_deficit": "R-PF-1",
    "calf_asymmetry": "R-PF-2",
    "tendon_irritability": "R-PF-3",
    "static_balance_deficit": "R-BAL-1",
    "eyes_closed_balance_deficit": "R-BAL-2",
    "balance_asymmetry": "R-BAL-3",
    "y_balance_asymmetry": "R-YBT-1",
    "pronated_foot_posture": "R-FP-1",
    "supinated_foot_posture": "R-FP-2",
    "foot_posture_review": "R-FP-3",
    "hallux_limitation": "R-HX-1",
    "hallux_review": "R-HX-2",
    "lateral_instability": "R-LAT-1",
    "intrinsic_control_deficit": "R-INT-1",
    "low_cadence_overstride": "R-GAIT-1",
    "early_heel_lift": "R-GAIT-2",
    "proximal_control": "R-GAIT-3",
}


@dataclass(frozen=True)
class InjuryHistory:
    condition: str  # achilles_midportion, achilles_insertional, plantar_heel_pain, ...
    side: str  # left, right, both
    status: str  # current, past


@dataclass(frozen=True)
class ScreenInput:
    """Everything the rules read. Per-side values are dicts {"left": x, "right": y}."""

    age: int
    sex: str
    measurements: dict[str, dict[str, object]] = field(default_factory=dict)
    gait: dict[str, object] = field(default_factory=dict)
    signs: tuple[str, ...] = ()
    injury_history: tuple[InjuryHistory, ...] = ()
    pain_nprs: int | None = None
    heel_raise_pain: dict[str, int | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    code: str
    side: str
    severity: str
    evidence: str
    rule: str = ""
    provisional: bool = False
    value: float | None = None
