"""PURE: a screen (+ patient age and sex, + the previous screen) -> findings.

No Django imports. Input and output are the dataclasses below; the rules read every number
from `assessments.thresholds`. Codes and rules follow docs/clinical-rules.md §4.

CONTRACT (shared with programs.prescribe): `Finding.code` is one of FINDING_CODES,
`side` is "left", "right" or "both", `severity` one of "none", "mild", "marked".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from . import schema
from .schema import gettext_noop
from .thresholds import (
    DEFAULT_THRESHOLDS,
    Thresholds,
    balance_eyes_closed_min,
    balance_eyes_open_marked,
    balance_eyes_open_min,
    slhr_norm,
)

SIDES = ("left", "right")


@dataclass(frozen=True, slots=True)
class FindingKind:
    """What a finding code means: the rule of docs/clinical-rules.md §4 it implements and the
    words clinicians see next to the severity colour."""

    rule: str
    label: str


# The one registry of finding codes.
FINDING_KINDS: dict[str, FindingKind] = {
    "restricted_dorsiflexion": FindingKind("R-DF-1", gettext_noop("Restricted ankle dorsiflexion")),
    "dorsiflexion_asymmetry": FindingKind("R-DF-2", gettext_noop("Dorsiflexion asymmetry")),
    "calf_strength_deficit": FindingKind("R-PF-1", gettext_noop("Calf strength/endurance deficit")),
    "calf_asymmetry": FindingKind("R-PF-2", gettext_noop("Calf asymmetry (limb symmetry index)")),
    "tendon_irritability": FindingKind("R-PF-3", gettext_noop("Tendon irritability")),
    "static_balance_deficit": FindingKind("R-BAL-1", gettext_noop("Single-leg balance deficit")),
    "eyes_closed_balance_deficit": FindingKind(
        "R-BAL-2", gettext_noop("Eyes-closed balance deficit")
    ),
    "balance_asymmetry": FindingKind("R-BAL-3", gettext_noop("Balance asymmetry")),
    "y_balance_asymmetry": FindingKind(
        "R-YBT-1", gettext_noop("Y-balance anterior reach asymmetry")
    ),
    "pronated_foot_posture": FindingKind(
        "R-FP-1", gettext_noop("Pronated foot posture / arch control")
    ),
    "supinated_foot_posture": FindingKind("R-FP-2", gettext_noop("Supinated (rigid) foot posture")),
    "foot_posture_review": FindingKind("R-FP-3", gettext_noop("Foot posture: clinician review")),
    "hallux_limitation": FindingKind("R-HX-1", gettext_noop("Hallux extension limited")),
    "hallux_review": FindingKind("R-HX-2", gettext_noop("Hallux: clinician review")),
    "lateral_instability": FindingKind("R-LAT-1", gettext_noop("Lateral ankle instability")),
    "intrinsic_control_deficit": FindingKind(
        "R-INT-1", gettext_noop("Foot-intrinsic control deficit")
    ),
    "low_cadence_overstride": FindingKind("R-GAIT-1", gettext_noop("Low cadence with overstride")),
    "early_heel_lift": FindingKind("R-GAIT-2", gettext_noop("Early heel lift")),
    "proximal_control": FindingKind("R-GAIT-3", gettext_noop("Proximal (hip) control")),
}
FINDING_CODES: dict[str, str] = {code: kind.rule for code, kind in FINDING_KINDS.items()}
FINDING_LABELS: dict[str, str] = {code: kind.label for code, kind in FINDING_KINDS.items()}


@dataclass(frozen=True)
class InjuryHistory:
    condition: str  # achilles_midportion, achilles_insertional, plantar_heel_pain, ...
    side: str  # left, right, both
    status: str  # current, past
    onset: date | None = None  # day of the injury / start of symptoms (docs/clinical-rules.md §6)


@dataclass(frozen=True)
class ScreenInput:
    """Everything the rules read. Per-side values are dicts {"left": x, "right": y}."""

    age: int | None  # None when the date of birth is not known: age norms are not applied
    sex: str
    measurements: dict[str, dict[str, object]] = field(default_factory=dict)
    gait: dict[str, object] = field(default_factory=dict)
    signs: tuple[str, ...] = ()
    injury_history: tuple[InjuryHistory, ...] = ()
    pain_nprs: int | None = None
    heel_raise_pain: dict[str, int | None] = field(default_factory=dict)
    # Single (not per-side) scores compared between screens: PROM totals by schema key.
    proms: dict[str, float | None] = field(default_factory=dict)
    # Intake (docs/clinical-rules.md §8): red-flag answer codes, Ottawa items per side
    # ({"left": {"malleolar": True, ...}}), night pain, focal bony tenderness per side and the
    # 10-hop test (pain 0-10 and where it hurt, per side). The prescription engine reads them.
    red_flags: tuple[str, ...] = ()
    ottawa: dict[str, dict[str, bool | None]] = field(default_factory=dict)
    night_pain: bool | None = None
    focal_bone_tenderness: dict[str, bool | None] = field(default_factory=dict)
    hop_pain: dict[str, int | None] = field(default_factory=dict)
    hop_pain_site: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    code: str
    side: str
    severity: str
    evidence: str
    rule: str = ""
    provisional: bool = False
    value: float | None = None


@dataclass(frozen=True)
class Change:
    """How one value moved between two screens; `real` only beyond the measurement error."""

    measure: str
    side: str | None  # "left"/"right", or None for single values (pain, cadence, PROMs)
    before: float | str
    after: float | str
    delta: float | None  # after - before; None for pass/fail
    real: bool
    direction: str  # "improved", "worsened", "changed" (real) or "within error"
    threshold: float | None = None


SEVERITY_ORDER = {"marked": 0, "mild": 1, "none": 2}
_CODE_ORDER = {code: i for i, code in enumerate(FINDING_CODES)}


def _n(value: object) -> str:
    """A number as a clinician writes it: 7.5, 10, 11."""
    return f"{float(value):g}"  # type: ignore[arg-type]


def _num(screen: ScreenInput, key: str, side: str) -> float | None:
    value = screen.measurements.get(key, {}).get(side)
    if value is None or isinstance(value, bool | str):
        return None
    return float(value)  # type: ignore[arg-type]


def _text(screen: ScreenInput, key: str, side: str) -> str | None:
    value = screen.measurements.get(key, {}).get(side)
    return value if isinstance(value, str) and value else None


def _side_flag(screen: ScreenInput, key: str, side: str) -> bool:
    value = screen.gait.get(key)
    return isinstance(value, Mapping) and value.get(side) is True


def _weaker(left: float, right: float) -> str:
    return "left" if left < right else "right"


class _Out:
    """Collects findings; the rule helpers below append through it."""

    def __init__(self) -> None:
        self.items: list[Finding] = []

    def add(self, code: str, side: str, severity: str, evidence: str, **extra) -> None:
        self.items.append(
            Finding(code, side, severity, evidence, rule=FINDING_CODES[code], **extra)
        )

    def has(self, code: str, side: str | None = None) -> bool:
        return any(f.code == code and (side is None or f.side == side) for f in self.items)


def _dorsiflexion(s: ScreenInput, t: Thresholds, out: _Out) -> None:
    restricted, marked = t["wblt.restricted_cm"], t["wblt.marked_cm"]
    values = {side: _num(s, "knee_to_wall_cm", side) for side in SIDES}
    for side, v in values.items():
        if v is not None and v < restricted:
            severity = "marked" if v < marked else "mild"
            out.add(
                "restricted_dorsiflexion",
                side,
                severity,
                f"knee-to-wall {_n(v)} cm < {_n(restricted)} cm",
                value=v,
            )
    left, right = values["left"], values["right"]
    if left is not None and right is not None:
        # Rounded so that 12.1 - 10.1 counts as the 2.0 cm a clinician reads.
        diff = round(abs(left - right), 2)
        if diff >= t["wblt.asym_cm"]:
            side = _weaker(left, right)
            severity = "marked" if diff >= 2 * t["wblt.asym_cm"] else "mild"
            out.add(
                "dorsiflexion_asymmetry",
                side,
                severity,
                f"knee-to-wall differs by {_n(diff)} cm (≥ {_n(t['wblt.asym_cm'])} cm), "
                f"{side} shorter",
                value=diff,
            )
    # R-DF-3: a sign of stiff ankles without the test asks the clinician to run it.
    reasons = []
    if "heel_lift_in_squat" in s.signs:
        reasons.append("heels lift early in squat")
    if s.gait.get("heel_lift") == "early":
        reasons.append("early heel lift in gait")
    if "stiff_short_stride" in s.signs:
        reasons.append("stiff, short stride")
    missing = [side for side, v in values.items() if v is None]
    if reasons and missing:
        out.add(
            "restricted_dorsiflexion",
            "both" if len(missing) == 2 else missing[0],
            "mild",
            f"{', '.join(reasons)}; knee-to-wall not recorded: run the test to confirm",
            provisional=True,
        )


def _calf(s: ScreenInput, t: Thresholds, out: _Out) -> None:
    norm = slhr_norm(s.age, s.sex)
    margin = t["slhr.deficit_margin"]
    young = s.age is not None and s.age < t["slhr.floor_age"]
    floor = t["slhr.floor_under60"] if young else None
    values = {side: _num(s, "heel_raise_reps", side) for side in SIDES}
    for side, v in values.items():
        if v is None:
            continue
        reasons = []
        if norm is not None and v < norm - margin:
            reasons.append(
                f"< {_n(norm - margin)} (norm {norm} for age {s.age}, {s.sex}, − {_n(margin)})"
            )
        if floor is not None and v < floor:
            reasons.append(f"< {_n(floor)} (floor under {_n(t['slhr.floor_age'])} y)")
        if reasons:
            # Marked when the count is short of the norm by twice the test's noise.
            marked = norm is not None and v < norm - 2 * margin
            out.add(
                "calf_strength_deficit",
                side,
                "marked" if marked else "mild",
                f"heel raise {_n(v)} reps " + " and ".join(reasons),
                value=v,
            )
    left, right = values["left"], values["right"]
    if left is not None and right is not None and max(left, right) > 0:
        lsi = round(min(left, right) / max(left, right) * 100, 1)
        if lsi < t["slhr.lsi_min"]:
            side = _weaker(left, right)
            out.add(
                "calf_asymmetry",
                side,
                "marked" if lsi < t["slhr.lsi_marked"] else "mild",
                f"heel-raise limb symmetry {_n(lsi)}% < {_n(t['slhr.lsi_min'])}% "
                f"({_n(min(left, right))} vs {_n(max(left, right))} reps), {side} weaker",
                value=lsi,
            )
    if "weak_push_off" in s.signs:
        missing = [side for side, v in values.items() if v is None]
        if missing:
            out.add(
                "calf_strength_deficit",
                "both" if len(missing) == 2 else missing[0],
                "mild",
                "weak push-off observed; heel-raise test not recorded: run it to confirm",
                provisional=True,
            )
    # R-PF-3: pain on the test or a current Achilles problem hands over to the tendon modifiers.
    for side in SIDES:
        pain = s.heel_raise_pain.get(side)
        if pain is not None and pain >= t["slhr.pain_tendon"]:
            severity = "marked" if pain > t["pain.ceiling.tendon"] else "mild"
            out.add(
                "tendon_irritability",
                side,
                severity,
                f"pain {_n(pain)}/10 during heel raise (≥ {_n(t['slhr.pain_tendon'])})",
                value=float(pain),
            )
    for item in s.injury_history:
        if item.condition.startswith("achilles") and item.status == "current":
            sides = SIDES if item.side == "both" else (item.side,)
            for side in sides:
                if not out.has("tendon_irritability", side):
                    label = (
                        "insertional" if item.condition.endswith("insertional") else "mid-portion"
                    )
                    out.add("tendon_irritability", side, "mild", f"current {label} Achilles pain")


def _balance(s: ScreenInput, t: Thresholds, out: _Out) -> None:
    eo_min = balance_eyes_open_min(s.age, t)
    ec_min = balance_eyes_closed_min(s.age, t)
    eo = {side: _num(s, "balance_eyes_open_s", side) for side in SIDES}
    ec = {side: _num(s, "balance_eyes_closed_s", side) for side in SIDES}
    eo_marked = balance_eyes_open_marked(s.age, t)
    for side in SIDES:
        v = eo[side]
        if v is not None and eo_min is not None and v < eo_min:
            marked = eo_marked is not None and v < eo_marked
            evidence = f"eyes-open balance {_n(v)} s < {_n(eo_min)} s"
            if marked and s.age is not None and s.age >= 70:
                # docs/clinical-rules.md §3: from 70 y a marked deficit is a falls-risk review.
                evidence += f" (< {_n(eo_marked)} s at {s.age} y: review falls risk)"
            out.add(
                "static_balance_deficit",
                side,
                "marked" if marked else "mild",
                evidence,
                value=v,
            )
    for side in SIDES:
        v = ec[side]
        eyes_open_low = out.has("static_balance_deficit", side)
        if v is not None and ec_min is not None and v < ec_min and not eyes_open_low:
            out.add(
                "eyes_closed_balance_deficit",
                side,
                "marked" if v < ec_min / 2 else "mild",
                f"eyes-closed balance {_n(v)} s < {_n(ec_min)} s with eyes-open balance normal",
                value=v,
            )
    if eo["left"] is not None and eo["right"] is not None:
        diff = round(abs(eo["left"] - eo["right"]), 2)
        if diff >= t["bal.asym_eo_s"]:
            side = _weaker(eo["left"], eo["right"])
            out.add(
                "balance_asymmetry",
                side,
                "mild",
                f"eyes-open balance differs by {_n(diff)} s (≥ {_n(t['bal.asym_eo_s'])} s), "
                f"{side} weaker",
                value=diff,
            )
    if ec["left"] is not None and ec["right"] is not None and max(ec.values()) > 0:
        ratio = round(min(ec.values()) / max(ec.values()) * 100, 1)
        side = _weaker(ec["left"], ec["right"])
        if ratio < t["bal.asym_ec_ratio"] and not out.has("balance_asymmetry", side):
            out.add(
                "balance_asymmetry",
                side,
                "mild",
                f"eyes-closed balance on the {side} is {_n(ratio)}% of the other side "
                f"(< {_n(t['bal.asym_ec_ratio'])}%)",
                value=ratio,
            )
    if "poor_single_leg_balance" in s.signs:
        missing = [side for side in SIDES if eo[side] is None]
        if missing:
            out.add(
                "static_balance_deficit",
                "both" if len(missing) == 2 else missing[0],
                "mild",
                "difficulty balancing on one leg; balance test not recorded: run it to confirm",
                provisional=True,
            )


def _y_balance(s: ScreenInput, t: Thresholds, out: _Out) -> None:
    left, right = (_num(s, "y_balance_anterior_cm", side) for side in SIDES)
    if left is None or right is None:
        return
    diff = round(abs(left - right), 2)
    limit = t["ybt.ant_asym_cm"]
    if diff > limit:
        side = _weaker(left, right)
        out.add(
            "y_balance_asymmetry",
            side,
            "marked" if diff > 2 * limit else "mild",
            f"Y-balance anterior reach differs by {_n(diff)} cm (> {_n(limit)} cm), {side} shorter;"
            " check dorsiflexion",
            value=diff,
        )


def _foot_posture(s: ScreenInput, t: Thresholds, out: _Out) -> None:
    for side in SIDES:
        fpi = _num(s, "foot_posture_index", side)
        nd = _num(s, "navicular_drop_mm", side)
        pronated, supinated = [], []
        if fpi is not None and fpi >= t["fpi.pronated"]:
            pronated.append(f"FPI-6 {fpi:+g} ≥ {t['fpi.pronated']:+g}")
        if nd is not None and nd > t["nd.high"]:
            pronated.append(f"navicular drop {_n(nd)} mm > {_n(t['nd.high'])} mm")
        if _side_flag(s, "arch_collapse", side):
            pronated.append("arch collapses in running gait")
        if fpi is not None and fpi <= t["fpi.supinated"]:
            supinated.append(f"FPI-6 {fpi:+g} ≤ {t['fpi.supinated']:+g}")
        if nd is not None and nd < t["nd.low"]:
            supinated.append(f"navicular drop {_n(nd)} mm < {_n(t['nd.low'])} mm")
        review = fpi is not None and (
            fpi >= t["fpi.review_pronated"] or fpi <= t["fpi.review_supinated"]
        )
        if pronated:
            marked = fpi is not None and fpi >= t["fpi.review_pronated"]
            out.add(
                "pronated_foot_posture",
                side,
                "marked" if marked else "mild",
                "; ".join(pronated),
                value=fpi,
            )
        if supinated:
            marked = fpi is not None and fpi <= t["fpi.review_supinated"]
            out.add(
                "supinated_foot_posture",
                side,
                "marked" if marked else "mild",
                "; ".join(supinated),
                value=fpi,
            )
        if review:
            out.add(
                "foot_posture_review",
                side,
                "marked",
                f"FPI-6 {fpi:+g} is in the highly pronated/supinated range: review footwear and "
                "orthoses",
                value=fpi,
            )
    if "arch_collapse" in s.signs:
        untested = [
            side
            for side in SIDES
            if _num(s, "foot_posture_index", side) is None
            and _num(s, "navicular_drop_mm", side) is None
            and not out.has("pronated_foot_posture", side)
        ]
        if untested:
            out.add(
                "pronated_foot_posture",
                "both" if len(untested) == 2 else untested[0],
                "mild",
                "arch collapse reported; FPI-6 not recorded: score it to confirm",
                provisional=True,
            )


def _hallux(s: ScreenInput, t: Thresholds, out: _Out) -> None:
    for side in SIDES:
        v = _num(s, "hallux_extension_deg", side)
        if v is None:
            continue
        if v < t["hallux.restricted"]:
            out.add(
                "hallux_limitation",
                side,
                "marked" if v < t["hallux.review"] else "mild",
                f"hallux extension {_n(v)}° < {_n(t['hallux.restricted'])}°",
                value=v,
            )
        if v < t["hallux.review"]:
            out.add(
                "hallux_review",
                side,
                "marked",
                f"hallux extension {_n(v)}° < {_n(t['hallux.review'])}°: possible structural "
                "hallux limitus, clinician review",
                value=v,
            )
    # R-HX-1: early heel-off with a normal lunge test points at the big toe instead.
    wblt = [_num(s, "knee_to_wall_cm", side) for side in SIDES]
    hallux_missing = [side for side in SIDES if _num(s, "hallux_extension_deg", side) is None]
    if (
        s.gait.get("heel_lift") == "early"
        and all(v is not None and v >= t["wblt.restricted_cm"] for v in wblt)
        and hallux_missing
    ):
        out.add(
            "hallux_limitation",
            "both" if len(hallux_missing) == 2 else hallux_missing[0],
            "mild",
            "early heel lift with normal knee-to-wall; hallux extension not recorded: measure it",
            provisional=True,
        )


def _lateral(s: ScreenInput, t: Thresholds, out: _Out) -> None:
    sides: dict[str, str] = {}
    for item in s.injury_history:
        if item.condition == "ankle_sprain_recurrent":
            sides[item.side] = f"{item.status} recurrent ankle sprain"
    if "frequent_ankle_rolls" in s.signs and not sides:
        sides["both"] = "frequent ankle rolls reported"
    for side, evidence in sides.items():
        out.add("lateral_instability", side, "mild", evidence)


def _intrinsic(s: ScreenInput, t: Thresholds, out: _Out) -> None:
    for side in SIDES:
        failed = [
            label
            for key, label in (("short_foot", "short foot"), ("toe_yoga", "toe yoga"))
            if _text(s, key, side) == "fail"
        ]
        if failed:
            out.add(
                "intrinsic_control_deficit",
                side,
                "marked" if len(failed) == 2 else "mild",
                " and ".join(failed) + " failed",
            )
    if "toe_clawing" in s.signs and not out.has("intrinsic_control_deficit"):
        tested = any(_text(s, key, side) for key in ("short_foot", "toe_yoga") for side in SIDES)
        out.add(
            "intrinsic_control_deficit",
            "both",
            "mild",
            "toe gripping or clawing observed"
            + ("" if tested else "; short foot and toe yoga not recorded: test them"),
            provisional=not tested,
        )


def _gait(s: ScreenInput, t: Thresholds, out: _Out) -> None:
    cadence = s.gait.get("cadence_spm")
    if (
        isinstance(cadence, int | float)
        and cadence < t["gait.cadence_low"]
        and s.gait.get("overstride") is True
    ):
        out.add(
            "low_cadence_overstride",
            "both",
            "mild",
            f"cadence {_n(cadence)} spm < {_n(t['gait.cadence_low'])} spm with overstride",
            value=float(cadence),
        )
    if s.gait.get("heel_lift") == "early":
        out.add("early_heel_lift", "both", "mild", "early heel lift in running gait")
    for side in SIDES:
        seen = [
            label
            for key, label in (("pelvic_drop", "pelvic drop"), ("knee_valgus", "knee valgus"))
            if _side_flag(s, key, side)
        ]
        if seen:
            out.add(
                "proximal_control",
                side,
                "mild",
                " and ".join(seen) + " in stance: hip control, clinician review",
            )


_RULES = (
    _dorsiflexion,
    _calf,
    _balance,
    _y_balance,
    _foot_posture,
    _hallux,
    _lateral,
    _intrinsic,
    _gait,
)


def evaluate(
    screen: ScreenInput,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    previous: ScreenInput | None = None,
) -> list[Finding]:
    """All findings of one screen, marked first, then in the order of FINDING_CODES.

    `previous` is accepted for callers that have it; the comparison itself is `change_since`.
    """
    out = _Out()
    for rule in _RULES:
        rule(screen, thresholds, out)
    return sorted(
        out.items,
        key=lambda f: (SEVERITY_ORDER[f.severity], _CODE_ORDER[f.code], f.side),
    )


def _direction(delta: float, higher_is_better: bool | None) -> str:
    if higher_is_better is None:
        return "changed"
    return "improved" if (delta > 0) == higher_is_better else "worsened"


def _compare(
    key: str,
    side: str | None,
    before: object,
    after: object,
    threshold_key: str | None,
    higher_is_better: bool | None,
    t: Thresholds,
) -> Change | None:
    if before is None or after is None or before == "" or after == "":
        return None
    if isinstance(before, str) or isinstance(after, str):
        real = before != after
        direction = "within error"
        if real:
            direction = "improved" if after == "pass" else "worsened"
        return Change(key, side, str(before), str(after), None, real, direction)
    delta = round(float(after) - float(before), 2)  # type: ignore[arg-type]
    threshold = t[threshold_key] if threshold_key else None
    real = threshold is not None and abs(delta) >= threshold
    direction = _direction(delta, higher_is_better) if real else "within error"
    return Change(key, side, float(before), float(after), delta, real, direction, threshold)  # type: ignore[arg-type]


def change_since(
    previous: ScreenInput, current: ScreenInput, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> list[Change]:
    """Every value recorded on both screens, with `real` set only beyond measurement error."""
    changes: list[Change] = []
    for measure in schema.MEASURES:
        for side in SIDES:
            change = _compare(
                measure.key,
                side,
                previous.measurements.get(measure.key, {}).get(side),
                current.measurements.get(measure.key, {}).get(side),
                measure.real_change_key,
                measure.higher_is_better,
                thresholds,
            )
            if change is not None:
                changes.append(change)
    singles = [
        (schema.PAIN_NPRS, previous.pain_nprs, current.pain_nprs),
        (schema.CADENCE, previous.gait.get("cadence_spm"), current.gait.get("cadence_spm")),
    ]
    singles += [(p, previous.proms.get(p.key), current.proms.get(p.key)) for p in schema.PROMS]
    for scalar, before, after in singles:
        change = _compare(
            scalar.key,
            None,
            before,
            after,
            scalar.real_change_key,
            scalar.higher_is_better,
            thresholds,
        )
        if change is not None:
            changes.append(change)
    return changes
