"""PURE: findings + injury history (+ age, sex, thresholds) -> a draft home program with reasons.

No Django imports. Implements docs/clinical-rules.md §1 (precedence, dedup, session size and
order, weekly structure), the finding rules of §4, the injury modifiers of §6 and the gate G-PLYO
of §8.
Every number comes from the threshold table or from the ladder and drill data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from assessments.findings import Finding, InjuryHistory
from assessments.thresholds import (
    DEFAULT_THRESHOLDS,
    Thresholds,
    balance_eyes_open_min,
    slhr_norm,
)

from .drills import CATEGORY_ORDER, DRILLS_BY_SLUG
from .exclusions import modifier_exclusion
from .ladders import LADDERS, Rung, rung_days
from .patient_text import patient_reason, times_per_day_for, untested_core, untested_names
from .red_flags import BY_ANSWER, BY_CODE, RED_FLAGS

SIDES = ("left", "right")
MAX_DRILLS = 8  # docs/clinical-rules.md §1 session size [D]
# G-PLYO asks for two weeks on the current strength rung (§8); the §3 table has no key for it.
GATE_MIN_WEEKS_ON_RUNG = 2


MODIFIER_TEXT: dict[str, str] = {
    "M-AT-MID": "Mid-portion Achilles tendinopathy: tendon loading replaces calf strength, no "
    "end-range dorsiflexion stretching, hops only through the gate.",
    "M-AT-INS": "Insertional Achilles pain: everything at floor level, no heel drops below the "
    "step, no kneeling or hanging-heel stretches.",
    "M-PHP": "Plantar heel pain: plantar-fascia stretch and heel-raise ladder first; no hops "
    "while first-step pain is high.",
    "M-SPRAIN-ACUTE": "Recent ankle sprain: protect for the first 1-3 days, then pain-free "
    "range only; no hops, banded mobilization or unstable surfaces yet.",
    "M-CAI": "Recurrent sprains: full balance ladder and inversion/eversion strength, 3 times a "
    "week for at least 4-6 weeks.",
    "M-MTSS": "Shin splints history: foot and calf strength plus a cadence drill; hops only "
    "through the gate with almost no pain.",
    "M-BSI-HX": "Past bone stress injury: the hop gate allows almost no pain.",
    "M-BSI-SUSPECT": "Suspected bone stress injury: no hops, running drills or cadence work; "
    "refer for a medical review or imaging before any impact.",
}

# Which modifier an injury-history entry turns on (docs/clinical-rules.md §6), by condition
# and status.
_HISTORY_MODIFIERS: dict[tuple[str, str], str] = {
    ("achilles_midportion", "current"): "M-AT-MID",
    ("achilles_insertional", "current"): "M-AT-INS",
    ("plantar_heel_pain", "current"): "M-PHP",
    ("ankle_sprain_acute", "current"): "M-SPRAIN-ACUTE",
    ("ankle_sprain_recurrent", "current"): "M-CAI",
    ("ankle_sprain_recurrent", "past"): "M-CAI",
    ("shin_splints", "current"): "M-MTSS",
    ("shin_splints", "past"): "M-MTSS",
    ("bone_stress_injury", "past"): "M-BSI-HX",
}
# A past Achilles problem dated within the last months still counts (§6): the modifier it keeps.
_RECENT_ACHILLES: dict[str, str] = {
    "achilles_midportion": "M-AT-MID",
    "achilles_insertional": "M-AT-INS",
}

# Days per week by category (docs/clinical-rules.md §1 weekly structure).
_DAYS: dict[str, int] = {
    "soft-tissue": 7,
    "mobility": 7,
    "foot-intrinsic": 4,
    "strength": 3,
    "balance-neuromotor": 5,
    "plyometric": 2,
}
# Weekday indexes (Monday = 0) a drill is done on, for each days-per-week count; strength days
# never touch (Friday -> Monday is a gap too).
_WEEK_PATTERNS: dict[int, tuple[int, ...]] = {
    1: (2,),
    2: (0, 3),
    3: (0, 2, 4),
    4: (0, 1, 3, 5),
    5: (0, 1, 2, 3, 4),
    6: (0, 1, 2, 3, 4, 5),
    7: (0, 1, 2, 3, 4, 5, 6),
}
_PLYO_PATTERN = (1, 5)  # hop days sit between strength days

# The Ottawa ankle and foot rules after a fall or twist (§8): any "yes" on a side needs an x-ray.
OTTAWA_ITEMS: dict[str, str] = {
    "malleolar": "pain near the ankle bones with tenderness at the back edge or tip of a malleolus",
    "midfoot": "midfoot pain with tenderness at the navicular or the base of the fifth metatarsal",
    "four_steps": "could not take four steps, right after the injury and at the visit",
}

# Priority ranks: lower wins when the session must be trimmed (precedence of §1).
_MODIFIER, _MARKED, _FINDING, _MAINTENANCE = 0, 1, 2, 3
# The plantar-fascia stretch is done 3 times a day, the first before the first steps [E10] (§5).
_PF_STRETCH_TIMES_PER_DAY = 3


@dataclass(frozen=True)
class ExtraInputs:
    """Optional inputs beyond findings: raw values for the gate, red-flag answers, load data."""

    measurements: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    hop_pain: Mapping[str, int | None] = field(default_factory=dict)  # 10 single-leg hops
    hop_next_morning_rise: Mapping[str, bool] = field(default_factory=dict)
    weeks_on_strength_rung: int = 0
    red_flags: tuple[str, ...] = ()
    pain_nprs: int | None = None
    first_step_pain: int | None = None
    run_distance_increase_pct: float | None = None
    # Intake answers of the screen (docs/clinical-rules.md §8): where the hops hurt
    # ("shin", "foot", "other"; unknown counts as bone), night pain, focal bony tenderness
    # per side and the Ottawa items per side ({"malleolar": True, ...}, see OTTAWA_ITEMS).
    hop_pain_site: Mapping[str, str | None] = field(default_factory=dict)
    night_pain: bool | None = None
    focal_bone_tenderness: Mapping[str, bool | None] = field(default_factory=dict)
    ottawa: Mapping[str, Mapping[str, bool | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class DraftItem:
    drill: str
    side: str  # left, right, both
    sets: int
    reps: int | None
    hold_s: int | None
    days_per_week: int
    order: int
    reason: str
    finding: str  # finding code, or "" for a modifier/maintenance item
    rule: str  # R-..., M-... or R-MAINT
    load_note: str = ""
    ladder: str = ""
    rung: int | None = None  # 1-based position in the ladder
    variant: str = ""
    category: str = ""
    times_per_day: int = 1  # on each drill day, from the variant (docs/clinical-rules.md §10)
    patient_reason: str = ""  # the rules' patient sentences (§1 plain words)
    patient_reason_es: str = ""  # the same sentences in Spanish (issue 22)


@dataclass(frozen=True)
class Flag:
    code: str  # RF-1, R-FP-3, M-AT-MID, provisional, trimmed, ...
    kind: str  # red_flag, review, provisional, modifier, gate, info
    message: str
    side: str = "both"
    rule: str = ""


@dataclass(frozen=True)
class GateResult:
    open: bool
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class DraftProgram:
    items: tuple[DraftItem, ...]
    flags: tuple[Flag, ...]
    modifiers: tuple[tuple[str, str], ...] = ()  # (modifier code, side)
    plyo_gate: Mapping[str, GateResult] = field(default_factory=dict)
    week: tuple[tuple[int, ...], ...] = ()  # item orders per weekday, Monday first
    # side -> {drill slug: the modifier or gate that forbids it there}; edits must respect it.
    excluded: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def has_red_flag(self) -> bool:
        return any(f.kind == "red_flag" for f in self.flags)


@dataclass
class _Candidate:
    drill: str
    sides: frozenset[str]  # the sides the rule targets
    sets: int
    reps: int | None
    hold_s: int | None
    reason: str
    finding: str
    rule: str
    priority: int
    ladder: str = ""
    rung: int | None = None
    variant: str = ""
    load_note: str = ""
    adjunct: bool = False
    days: int | None = None
    why: str = ""  # the patient sentence's key when it is not the rule (R-MAINT-MIN)
    # (sentence key, sides) of every rule merged into this candidate (docs/clinical-rules.md §1)
    whys: tuple[tuple[str, frozenset[str]], ...] = ()
    times_per_day: int = 1

    @property
    def spec(self):
        return DRILLS_BY_SLUG[self.drill]

    @property
    def category(self) -> str:
        return self.spec.category

    @property
    def dose(self) -> tuple:
        return (self.sets, self.reps, self.hold_s, self.variant)

    @property
    def exec_sides(self) -> frozenset[str]:
        """The feet that actually do the drill: bilateral drills always use both."""
        return self.sides if self.spec.unilateral else frozenset(SIDES)

    @property
    def volume(self) -> int:
        return self.sets * (self.reps or 1) * (self.hold_s or 1)


@dataclass
class _Context:
    t: Thresholds
    age: int | None
    sex: str
    extras: ExtraInputs
    modifiers: dict[str, set[str]]  # modifier code -> sides
    gate: dict[str, GateResult]
    flags: list[Flag]
    findings: tuple[Finding, ...] = ()

    def has(self, code: str, side: str | None = None) -> bool:
        sides = self.modifiers.get(code, set())
        return bool(sides) if side is None else side in sides

    def tendon_sides(self) -> set[str]:
        return self.modifiers.get("M-AT-MID", set()) | self.modifiers.get("M-AT-INS", set())


def _sides_of(side: str) -> frozenset[str]:
    return frozenset(SIDES) if side == "both" else frozenset({side})


def _side_name(sides: Iterable[str]) -> str:
    sides = frozenset(sides)
    return "both" if sides == frozenset(SIDES) else next(iter(sides))


def _side_words(sides: Iterable[str]) -> str:
    name = _side_name(sides)
    return "both sides" if name == "both" else f"the {name} side"


def _rung(ladder: str, number: int, *, adjunct_drill: str | None = None) -> Rung:
    if adjunct_drill is not None:
        return next(r for r in LADDERS[ladder].adjuncts if r.drill == adjunct_drill)
    return LADDERS[ladder].rungs[number - 1]


def _from_rung(
    ladder: str,
    number: int,
    sides: Iterable[str],
    reason: str,
    finding: Finding | None,
    rule: str,
    priority: int,
    *,
    adjunct: str | None = None,
    extra_sets: int = 0,
) -> _Candidate:
    rung = _rung(ladder, number, adjunct_drill=adjunct)
    return _Candidate(
        drill=rung.drill,
        sides=frozenset(sides),
        sets=rung.sets + extra_sets,
        reps=rung.reps,
        hold_s=rung.hold_s,
        reason=reason,
        finding=finding.code if finding else "",
        rule=rule,
        priority=priority,
        ladder=ladder,
        rung=None if adjunct else number,
        variant=rung.variant,
        adjunct=adjunct is not None,
    )


def _evidence(finding: Finding) -> str:
    return finding.evidence.rstrip(".") if finding.evidence else finding.code.replace("_", " ")


# --- finding rules (docs/clinical-rules.md §4) ----------------------------------------------------


def _rule_df1(f: Finding, ctx: _Context) -> list[_Candidate]:
    sides = _sides_of(f.side)
    why = f"{_evidence(f)}: ankle dorsiflexion is restricted on {_side_words(sides)}"
    if f.provisional:
        # R-DF-3: a sign without a knee-to-wall value; gentle start while the test is pending.
        return [
            _from_rung(
                "L-DF", 1, sides, why + " (provisional; record knee-to-wall)", f, "R-DF-3", _FINDING
            )
        ]
    marked = f.severity == "marked"
    start = 1 if marked else 2
    prio = _MARKED if marked else _FINDING
    return [
        _from_rung(
            "L-DF", start, sides, f"{why}; dorsiflexion ladder rung {start}.", f, "R-DF-1", prio
        ),
        _from_rung(
            "L-DF",
            0,
            sides,
            f"{why}; daily calf stretch, straight and bent knee.",
            f,
            "R-DF-1",
            prio,
            adjunct="calf_stretch_static",
        ),
    ]


def _rule_df2(f: Finding, ctx: _Context) -> list[_Candidate]:
    sides = _sides_of(f.side)
    why = f"{_evidence(f)}: dorsiflexion is asymmetric, {_side_words(sides)} is the short side"
    start = 1 if f.severity == "marked" else 2
    return [
        _from_rung(
            "L-DF", start, sides, f"{why}; dorsiflexion ladder on that side.", f, "R-DF-2", _FINDING
        ),
        _from_rung(
            "L-DF",
            0,
            sides,
            f"{why}; calf stretch on that side.",
            f,
            "R-DF-2",
            _FINDING,
            adjunct="calf_stretch_static",
        ),
    ]


def _calf_rule(f: Finding, ctx: _Context, rule: str, start: int) -> list[_Candidate]:
    sides = _sides_of(f.side) - ctx.tendon_sides()
    if not sides:
        return []  # L-TENDON (from the Achilles modifier) replaces L-CALF on that side
    if f.severity == "marked":
        start = max(1, start - 1)
    what = "calf strength is below norm" if rule == "R-PF-1" else "the calf is the weaker side"
    why = f"{_evidence(f)}: {what} on {_side_words(sides)}; calf ladder rung {start}."
    prio = _MARKED if f.severity == "marked" else _FINDING
    return [_from_rung("L-CALF", start, sides, why, f, rule, prio)]


def _rule_pf1(f: Finding, ctx: _Context) -> list[_Candidate]:
    return _calf_rule(f, ctx, "R-PF-1", 1)


def _rule_pf2(f: Finding, ctx: _Context) -> list[_Candidate]:
    cands = _calf_rule(f, ctx, "R-PF-2", 3)
    # The strong side keeps 2 x 15 maintenance (docs/clinical-rules.md §4 R-PF-2), capped at
    # its tested capacity like every maintenance dose; a tendon side has its own ladder.
    weak_too = {
        side
        for g in ctx.findings
        if g.code == "calf_strength_deficit" and not g.provisional
        for side in _sides_of(g.side)
    }
    strong = frozenset(SIDES) - _sides_of(f.side) - ctx.tendon_sides() - weak_too
    if f.side != "both" and strong:
        why = f"{_evidence(f)}: the stronger calf on {_side_words(strong)} keeps its strength."
        cands.append(
            _Candidate(
                "heel_raise_single",
                strong,
                2,
                15,
                None,
                why,
                f.code,
                "R-PF-2",
                _MAINTENANCE,
                variant="floor",
                adjunct=True,
            )
        )
    return cands


def _rule_pf3(f: Finding, ctx: _Context) -> list[_Candidate]:
    return []  # handed to M-AT-MID / M-AT-INS in _modifiers()


def _balance(f: Finding, rule: str, start: int, extra_sets: int = 0, note: str = ""):
    sides = _sides_of(f.side)
    if f.severity == "marked":
        start = max(1, start - 1)
    why = f"{_evidence(f)}: {note} on {_side_words(sides)}; balance ladder rung {start}."
    prio = _MARKED if f.severity == "marked" else _FINDING
    return [_from_rung("L-BAL", start, sides, why, f, rule, prio, extra_sets=extra_sets)]


def _rule_bal1(f: Finding, ctx: _Context) -> list[_Candidate]:
    if f.severity == "marked" and not f.provisional and ctx.age is not None and ctx.age >= 70:
        # docs/clinical-rules.md §3: a marked deficit from 70 y asks for a falls-risk review.
        ctx.flags.append(
            Flag(
                "falls_risk",
                "review",
                f"{_evidence(f)}: review the falls risk before home balance work; the balance "
                "drill starts next to support.",
                f.side,
                "R-BAL-1",
            )
        )
    return _balance(f, "R-BAL-1", 1, note="single-leg balance is short")


# L-BAL rung 2 is the eyes-closed rung (docs/clinical-rules.md §4 R-BAL-2).
_EYES_CLOSED_RUNG = 2


def _rule_bal2(f: Finding, ctx: _Context) -> list[_Candidate]:
    return _balance(f, "R-BAL-2", _EYES_CLOSED_RUNG, note="eyes-closed balance is short")


def _rule_bal3(f: Finding, ctx: _Context) -> list[_Candidate]:
    return _balance(f, "R-BAL-3", 1, extra_sets=1, note="balance is weaker, one extra set")


def _rule_ybt1(f: Finding, ctx: _Context) -> list[_Candidate]:
    sides = _sides_of(f.side)
    why = f"{_evidence(f)}: dynamic balance lags on {_side_words(sides)}"
    return [
        _from_rung("L-BAL", 3, sides, f"{why}; balance on a soft surface.", f, "R-YBT-1", _FINDING),
        _from_rung(
            "L-BAL",
            0,
            sides,
            f"{why}; slow incline steps.",
            f,
            "R-YBT-1",
            _FINDING,
            adjunct="incline_steps",
        ),
    ]


def _rule_fp1(f: Finding, ctx: _Context, rule: str = "R-FP-1") -> list[_Candidate]:
    sides = _sides_of(f.side)
    why = f"{_evidence(f)}: arch control is weak on {_side_words(sides)}"
    return [
        _from_rung(
            "L-INT", 1, sides, f"{why}; toe yoga starts the foot ladder.", f, rule, _FINDING
        ),
        _intrinsic_short_foot(sides, f"{why}; seated short foot.", f, rule),
        _lat_inversion(sides, f"{why}; band inversion supports the arch.", f, rule),
    ]


def _lat_inversion(sides, reason, f, rule) -> _Candidate:
    cand = _from_rung("L-LAT", 1, sides, reason, f, rule, _FINDING)
    cand.adjunct = True
    return cand


def _intrinsic_short_foot(sides, reason, f, rule) -> _Candidate:
    cand = _from_rung("L-INT", 2, sides, reason, f, rule, _FINDING)
    cand.adjunct = True  # used beside toe yoga, not instead of it
    return cand


def _rule_fp2(f: Finding, ctx: _Context, rule: str = "R-FP-2") -> list[_Candidate]:
    sides = _sides_of(f.side)
    why = f"{_evidence(f)}: the foot is rigid or supinated on {_side_words(sides)}"
    glide = _from_rung(
        "L-ROT", 4, sides, f"{why}; wall glide teaches the arch to give.", f, rule, _FINDING
    )
    glide.adjunct = True
    return [_from_rung("L-ROT", 1, sides, f"{why}; daily ankle circles.", f, rule, _FINDING), glide]


def _rule_fp3(f: Finding, ctx: _Context) -> list[_Candidate]:
    ctx.flags.append(
        Flag(
            "R-FP-3",
            "review",
            f"{_evidence(f)}: marked foot posture; review footwear or orthoses.",
            f.side,
            "R-FP-3",
        )
    )
    if f.value is None:
        return []
    if f.value >= ctx.t["fpi.review_pronated"]:
        return _rule_fp1(f, ctx, "R-FP-3")
    return _rule_fp2(f, ctx, "R-FP-3")


def _rule_hx1(f: Finding, ctx: _Context) -> list[_Candidate]:
    sides = _sides_of(f.side)
    why = f"{_evidence(f)}: big-toe extension is limited on {_side_words(sides)}"
    stretch = _from_rung(
        "L-HX", 2, sides, f"{why}; daily toe-extension stretch.", f, "R-HX-1", _FINDING
    )
    stretch.adjunct = True
    return [
        _from_rung("L-HX", 1, sides, f"{why}; toe yoga, big-toe lift.", f, "R-HX-1", _FINDING),
        stretch,
    ]


def _rule_hx2(f: Finding, ctx: _Context) -> list[_Candidate]:
    ctx.flags.append(
        Flag(
            "R-HX-2",
            "review",
            f"{_evidence(f)}: possible structural big-toe limitation; the engine does not "
            "progress the big-toe ladder.",
            f.side,
            "R-HX-2",
        )
    )
    return []


def _rule_lat1(f: Finding, ctx: _Context) -> list[_Candidate]:
    sides = _sides_of(f.side)
    why = f"{_evidence(f)}: lateral ankle stability is weak on {_side_words(sides)}"
    return [
        _from_rung("L-LAT", 1, sides, f"{why}; band inversion.", f, "R-LAT-1", _FINDING),
        _from_rung(
            "L-LAT", 0, sides, f"{why}; band eversion.", f, "R-LAT-1", _FINDING, adjunct="band_ev"
        ),
        _from_rung("L-BAL", 3, sides, f"{why}; balance on a soft surface.", f, "R-LAT-1", _FINDING),
    ]


def _rule_int1(f: Finding, ctx: _Context) -> list[_Candidate]:
    sides = _sides_of(f.side)
    why = f"{_evidence(f)}: foot-muscle control is weak on {_side_words(sides)}"
    return [
        _from_rung("L-INT", 1, sides, f"{why}; toe yoga.", f, "R-INT-1", _FINDING),
        _intrinsic_short_foot(sides, f"{why}; seated short foot.", f, "R-INT-1"),
        _from_rung(
            "L-INT",
            0,
            sides,
            f"{why}; towel scrunches as an entry drill.",
            f,
            "R-INT-1",
            _FINDING,
            adjunct="towel_scrunch",
        ),
    ]


def _rule_gait1(f: Finding, ctx: _Context) -> list[_Candidate]:
    spec = DRILLS_BY_SLUG["cadence_drill"]
    why = f"{_evidence(f)}: low cadence with overstriding"
    return [
        _Candidate(
            "cadence_drill",
            frozenset(SIDES),
            spec.sets,
            spec.reps,
            spec.hold_s,
            f"{why}; +5% step rate in short blocks of easy runs.",
            f.code,
            "R-GAIT-1",
            _FINDING,
            load_note="+5% of your usual easy-run cadence; 1-minute blocks.",
            days=3,
        ),
        _Candidate(
            "heel_raise_bilateral",
            frozenset(SIDES),
            2,
            15,
            None,
            f"{why}; calf maintenance for the extra steps.",
            f.code,
            "R-GAIT-1",
            _FINDING,
            ladder="L-CALF",
            rung=1,
            adjunct=True,
        ),
    ]


def _rule_gait2(f: Finding, ctx: _Context) -> list[_Candidate]:
    # DF and hallux findings fire on their own; otherwise gentle closed-chain DF maintenance.
    covering = {"restricted_dorsiflexion", "dorsiflexion_asymmetry", "hallux_limitation"}
    if any(other.code in covering for other in ctx.findings):
        return []
    why = f"{_evidence(f)}: early heel lift; dorsiflexion maintenance."
    return [_from_rung("L-DF", 1, _sides_of(f.side), why, f, "R-GAIT-2", _FINDING)]


def _rule_gait3(f: Finding, ctx: _Context) -> list[_Candidate]:
    ctx.flags.append(
        Flag(
            "R-GAIT-3",
            "review",
            f"{_evidence(f)}: hip and trunk control; hip drills are outside the ankle library, "
            "refer to the clinician's hip plan.",
            f.side,
            "R-GAIT-3",
        )
    )
    cands = _balance(f, "R-GAIT-3", 1, note="hip control during single-leg stance")
    cands[0].load_note = "Keep the knee over the second toe."
    return cands


_RULES = {
    "restricted_dorsiflexion": _rule_df1,
    "dorsiflexion_asymmetry": _rule_df2,
    "calf_strength_deficit": _rule_pf1,
    "calf_asymmetry": _rule_pf2,
    "tendon_irritability": _rule_pf3,
    "static_balance_deficit": _rule_bal1,
    "eyes_closed_balance_deficit": _rule_bal2,
    "balance_asymmetry": _rule_bal3,
    "y_balance_asymmetry": _rule_ybt1,
    "pronated_foot_posture": _rule_fp1,
    "supinated_foot_posture": _rule_fp2,
    "foot_posture_review": _rule_fp3,
    "hallux_limitation": _rule_hx1,
    "hallux_review": _rule_hx2,
    "lateral_instability": _rule_lat1,
    "intrinsic_control_deficit": _rule_int1,
    "low_cadence_overstride": _rule_gait1,
    "early_heel_lift": _rule_gait2,
    "proximal_control": _rule_gait3,
}
# Findings that ask the clinician to look rather than describing a deficit to train.
_REVIEW_ONLY = {"foot_posture_review", "hallux_review", "tendon_irritability"}


# --- modifiers (docs/clinical-rules.md §6) --------------------------------------------------------


def _months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the last day of a shorter month)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for dom in range(day.day, 0, -1):
        try:
            return date(year, month + 1, dom)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - day 1 always exists


def sprains_past_window(
    history: Iterable[InjuryHistory], today: date, t: Thresholds
) -> list[InjuryHistory]:
    """Acute sprains whose dated window is over by `today` (docs/clinical-rules.md §6). A
    program built inside the window keeps the sprain's limits until the clinician lifts them;
    this tells the progression run to ask."""
    days = t["modifier.sprain_acute_days"]
    return [
        entry
        for entry in history
        if _HISTORY_MODIFIERS.get((entry.condition, entry.status)) == "M-SPRAIN-ACUTE"
        and entry.onset is not None
        and (today - entry.onset).days >= days
    ]


def _history_modifier(
    entry: InjuryHistory, today: date | None, t: Thresholds, flags: list[Flag]
) -> str | None:
    """The modifier an injury-history entry turns on today (docs/clinical-rules.md §6)."""
    code = _HISTORY_MODIFIERS.get((entry.condition, entry.status))
    recent = _RECENT_ACHILLES.get(entry.condition)
    # Achilles symptoms within the last 3 months still count as current.
    months = int(t["modifier.achilles_recent_months"])
    if recent and entry.status == "past" and entry.onset is not None and today is not None:
        return recent if entry.onset > _months_before(today, months) else code
    if code != "M-SPRAIN-ACUTE":
        return code
    if entry.onset is None:
        # Without a date the sprain cannot expire: its limits hold and the clinician is asked.
        flags.append(
            Flag(
                "M-SPRAIN-ACUTE-ONSET",
                "review",
                "Acute ankle sprain without an onset date: record the day of the injury on the "
                "screen. The acute-sprain limits apply until it shows the sprain is more than "
                f"{t['modifier.sprain_acute_days']:g} days old.",
                entry.side,
                "M-SPRAIN-ACUTE",
            )
        )
        return code
    if today is not None and (today - entry.onset).days >= t["modifier.sprain_acute_days"]:
        flags.append(
            Flag(
                "M-SPRAIN-ACUTE-EXPIRED",
                "info",
                f"Ankle sprain of {entry.onset.isoformat()}: more than "
                f"{t['modifier.sprain_acute_days']:g} days ago, so the acute-sprain limits no "
                "longer apply; the findings decide the program.",
                entry.side,
                "M-SPRAIN-ACUTE",
            )
        )
        return None
    return code


def _modifiers(
    history: Iterable[InjuryHistory],
    findings: Iterable[Finding],
    flags: list[Flag],
    *,
    today: date | None = None,
    t: Thresholds = DEFAULT_THRESHOLDS,
) -> dict[str, set[str]]:
    active: dict[str, set[str]] = {}
    for entry in history:
        code = _history_modifier(entry, today, t, flags)
        if code:
            active.setdefault(code, set()).update(_sides_of(entry.side))
    for f in findings:
        if f.code != "tendon_irritability":
            continue
        sides = _sides_of(f.side) - active.get("M-AT-MID", set()) - active.get("M-AT-INS", set())
        # A side already recorded as insertional (or mid-portion) is not relabelled (§4 R-PF-3).
        recorded = _sides_of(f.side) - sides
        known = [
            f"{label} Achilles tendinopathy recorded on the {side} side ({code})"
            for side in sorted(recorded)
            for code, label in (("M-AT-INS", "insertional"), ("M-AT-MID", "mid-portion"))
            if side in active.get(code, set())
        ]
        message = f"{_evidence(f)}: tendon irritability"
        if sides:
            message += (
                f" on {_side_words(sides)}; treated as mid-portion Achilles tendinopathy until "
                "the clinician confirms mid-portion or insertional"
            )
        if known:
            message += "; " + ", ".join(known)
        flags.append(Flag("R-PF-3", "review", message + ".", f.side, "R-PF-3"))
        if sides:
            active.setdefault("M-AT-MID", set()).update(sides)
    # Insertional rules are stricter and include the mid-portion ones on the same side.
    ins = active.get("M-AT-INS", set())
    if ins and "M-AT-MID" in active:
        active["M-AT-MID"] -= ins
        if not active["M-AT-MID"]:
            del active["M-AT-MID"]
    return active


def _irritable(findings: Iterable[Finding], side: str) -> bool:
    return any(
        f.code == "tendon_irritability" and f.severity == "marked" and side in _sides_of(f.side)
        for f in findings
    )


def _modifier_items(ctx: _Context, findings: tuple[Finding, ...]) -> list[_Candidate]:
    out: list[_Candidate] = []
    for code, ladder in (("M-AT-MID", "L-TENDON"), ("M-AT-INS", "L-TENDON-INS")):
        for side in sorted(ctx.modifiers.get(code, ())):
            # Rung 0 of §5 (isometric) when irritable, else the first loading rung.
            number = 1 if _irritable(findings, side) else 2
            why = f"{MODIFIER_TEXT[code].split(':')[0]} ({side}): tendon ladder rung {number}."
            out.append(_from_rung(ladder, number, {side}, why, None, code, _MODIFIER))
    for side in sorted(ctx.modifiers.get("M-PHP", ())):
        # docs/clinical-rules.md §5 L-PLANTAR: the stretches and rolling are daily adjuncts
        # that run in parallel with the heel-raise loading ladder, never replaced by it.
        why = f"Plantar heel pain ({side})"
        stretch = _from_rung(
            "L-PLANTAR",
            0,
            {side},
            f"{why}: plantar fascia stretch.",
            None,
            "M-PHP",
            _MODIFIER,
            adjunct="pf_stretch",
        )
        stretch.times_per_day = _PF_STRETCH_TIMES_PER_DAY
        out += [
            stretch,
            _from_rung(
                "L-PLANTAR",
                0,
                {side},
                f"{why}: calf stretch.",
                None,
                "M-PHP",
                _MODIFIER,
                adjunct="calf_stretch_static",
            ),
            _from_rung(
                "L-PLANTAR",
                0,
                {side},
                f"{why}: foot rolling for comfort.",
                None,
                "M-PHP",
                _MODIFIER,
                adjunct="plantar_roll",
            ),
            _from_rung(
                "L-PLANTAR",
                1,
                {side},
                f"{why}: heel raises every second day.",
                None,
                "M-PHP",
                _MODIFIER,
            ),
        ]
    for side in sorted(ctx.modifiers.get("M-SPRAIN-ACUTE", ())):
        why = f"Recent ankle sprain ({side})"
        out += [
            _from_rung(
                "L-ROT",
                1,
                {side},
                f"{why}: gentle circles once walking is comfortable.",
                None,
                "M-SPRAIN-ACUTE",
                _MODIFIER,
            ),
            _from_rung(
                "L-DF",
                1,
                {side},
                f"{why}: gentle dorsiflexion, pain-free range.",
                None,
                "M-SPRAIN-ACUTE",
                _MODIFIER,
            ),
            _from_rung(
                "L-BAL",
                1,
                {side},
                f"{why}: single-leg balance on the floor.",
                None,
                "M-SPRAIN-ACUTE",
                _MODIFIER,
            ),
        ]
    for side in sorted(ctx.modifiers.get("M-CAI", ())):
        why = f"Recurrent ankle sprains ({side})"
        out += [
            _from_rung("L-BAL", 1, {side}, f"{why}: balance ladder.", None, "M-CAI", _MODIFIER),
            _from_rung("L-LAT", 1, {side}, f"{why}: band inversion.", None, "M-CAI", _MODIFIER),
            _from_rung(
                "L-LAT",
                0,
                {side},
                f"{why}: band eversion.",
                None,
                "M-CAI",
                _MODIFIER,
                adjunct="band_ev",
            ),
        ]
    mtss = ctx.modifiers.get("M-MTSS", set())
    if mtss:
        why = f"Shin splints history ({_side_name(mtss)})"
        spec = DRILLS_BY_SLUG["cadence_drill"]
        out += [
            _from_rung(
                "L-INT", 1, mtss, f"{why}: foot-muscle strength.", None, "M-MTSS", _MODIFIER
            ),
            _from_rung(
                "L-CALF",
                1,
                mtss - ctx.tendon_sides() or mtss,
                f"{why}: calf strength.",
                None,
                "M-MTSS",
                _MODIFIER,
            ),
            _Candidate(
                "cadence_drill",
                frozenset(SIDES),
                spec.sets,
                spec.reps,
                spec.hold_s,
                f"{why}: a slightly quicker step rate lowers shin load.",
                "",
                "M-MTSS",
                _MODIFIER,
                load_note="+5-10% of your usual easy-run cadence.",
                days=3,
            ),
        ]
    return out


def _exclusion(ctx: _Context, drill: str, variant: str, side: str) -> str | None:
    """The modifier or gate that forbids this drill on this side, if any. The modifiers' part is
    `exclusions.modifier_exclusion`, the check every automatic step makes too
    (docs/clinical-rules.md §6)."""
    has = ctx.has
    code = modifier_exclusion(drill, variant, (m for m in ctx.modifiers if has(m, side)))
    if code is not None:
        return code
    if drill == "short_hops":
        first_step = ctx.extras.first_step_pain
        if has("M-PHP", side) and (
            first_step is None or first_step > ctx.t["pain.ceiling.general"]
        ):
            return "M-PHP"
        if not ctx.gate[side].open:
            for code in ("M-AT-MID", "M-AT-INS", "M-MTSS", "M-BSI-HX"):
                if has(code, side):
                    return code
            return "G-PLYO"
    return None


_PHP_GENTLE = ("pf_stretch", "calf_stretch_static", "plantar_roll")


def _adjust(ctx: _Context, cand: _Candidate) -> _Candidate:
    """Doses and notes that a modifier changes without removing the drill."""
    sides = cand.exec_sides
    at = any(ctx.has(c, s) for c in ("M-AT-MID", "M-AT-INS") for s in sides)
    ins = any(ctx.has("M-AT-INS", s) for s in sides)
    notes = [cand.load_note] if cand.load_note else []
    if cand.drill == "kneeling_df" and at and cand.hold_s:
        cand.hold_s = min(cand.hold_s, 3)  # M-AT-MID: no sustained end-range holds
    raises = ("heel_raise_bilateral", "heel_raise_bent_knee", "runner_calf_raise")
    if ins and cand.drill in raises and "floor level" not in cand.variant:
        cand.variant = (cand.variant + ", floor level").lstrip(", ")
    if ins and cand.drill == "cc_df":
        notes.append("Stop short of the end of the range.")
    if at and cand.drill in ("calf_stretch_dyn_straight", "calf_stretch_dyn_bent", "assisted_df"):
        notes.append("Gentle only; no bouncing at the end of the range.")
    # The 5/10 tendon allowance is for loading drills only; under M-PHP the stretches and
    # rolling are gentle and keep the general ceiling (docs/clinical-rules.md §5, §6).
    loading = cand.category == "strength" and (
        cand.ladder in ("L-TENDON", "L-TENDON-INS", "L-PLANTAR") or "heel" in cand.drill
    )
    php = any(ctx.has("M-PHP", s) for s in sides)
    if (at or php) and loading:
        notes.append(
            f"Pain up to {ctx.t['pain.ceiling.tendon']:g}/10 during is fine if it is back to "
            "normal by next morning."
        )
    elif php and cand.drill in _PHP_GENTLE:
        notes.append(
            f"Gentle, no sharp pain; keep pain at or below {ctx.t['pain.ceiling.general']:g}/10."
        )
    acute = any(ctx.has(c, s) for c in ("M-SPRAIN-ACUTE", "M-MTSS", "M-BSI-HX") for s in sides)
    if cand.drill in ("band_inv", "band_ev") and any(ctx.has("M-SPRAIN-ACUTE", s) for s in sides):
        notes.append("Pain-free range only; no forced turning in.")
    if cand.category == "plyometric" or (acute and cand.drill in ("short_hops", "lateral_shuffle")):
        notes.append(f"Keep pain at or below {ctx.t['pain.ceiling.bone_or_acute']:g}/10.")
    if cand.drill == "lateral_shuffle" and not all(ctx.gate[s].open for s in sides):
        notes.append("Slow and controlled; the fast version waits for the hop gate.")
    cand.load_note = " ".join(dict.fromkeys(n for n in notes if n))
    return cand


def _tested(ctx: _Context, key: str, sides: Iterable[str]) -> float | None:
    """The lowest tested value among `sides`, or None when none was tested."""
    values = [v for s in sides if (v := _number(ctx.extras.measurements.get(key), s)) is not None]
    return min(values) if values else None


def _capacity(ctx: _Context, cand: _Candidate) -> _Candidate:
    """Never above the tested capacity (docs/clinical-rules.md §4, clinical.md 8.10): maintenance
    heel raises at most ~70 % of the tested maximum; single-leg balance holds at most the tested
    time + 10 s, next to support."""
    sides = cand.exec_sides
    if cand.rule in ("R-MAINT", "R-PF-2") and cand.priority == _MAINTENANCE:
        reps = _tested(ctx, "heel_raise_reps", sides)
        if cand.drill == "heel_raise_single" and cand.reps and reps is not None:
            cap = max(1, int(reps * ctx.t["maint.capacity_reps_pct"] / 100))
            cand.reps = min(cand.reps, cap)
    held = _tested(ctx, "balance_eyes_open_s", sides)
    if cand.drill == "sl_balance_firm_eo" and cand.hold_s and held is not None:
        cap = max(1, int(held + ctx.t["maint.capacity_hold_add_s"]))
        if cap < cand.hold_s:
            cand.hold_s = cap
            cand.variant = ", ".join(v for v in (cand.variant, "near support") if v)
    return cand


def _apply_exclusions(ctx: _Context, cands: list[_Candidate]) -> list[_Candidate]:
    kept: list[_Candidate] = []
    removed: dict[tuple[str, str], set[str]] = {}
    for cand in cands:
        blocked = {s: _exclusion(ctx, cand.drill, cand.variant, s) for s in cand.exec_sides}
        blocked = {s: code for s, code in blocked.items() if code}
        if not blocked:
            kept.append(cand)
            continue
        for side, code in blocked.items():
            removed.setdefault((cand.drill, code), set()).add(side)
        remaining = cand.sides - set(blocked)
        if cand.spec.unilateral and remaining:
            cand.sides = frozenset(remaining)  # keep the drill on the side it is allowed
            kept.append(cand)
    for (drill, code), sides in sorted(removed.items()):
        kind = "gate" if code == "G-PLYO" else "modifier"
        ctx.flags.append(
            Flag(
                code,
                kind,
                f"{DRILLS_BY_SLUG[drill].name} left out on {_side_words(sides)} ({code}).",
                _side_name(sides),
                code,
            )
        )
    return kept


def _dedup(cands: list[_Candidate]) -> list[_Candidate]:
    """One ladder position per side (the lowest rung wins), then one instance per drill."""
    best_rung: dict[tuple[str, str], int] = {}
    for c in cands:
        if c.ladder and c.rung is not None and not c.adjunct:
            for side in c.sides:
                key = (c.ladder, side)
                best_rung[key] = min(best_rung.get(key, c.rung), c.rung)
    laddered: list[_Candidate] = []
    for c in cands:
        if c.ladder and c.rung is not None and not c.adjunct:
            sides = frozenset(s for s in c.sides if best_rung[(c.ladder, s)] == c.rung)
            if not sides:
                continue
            c.sides = sides
        laddered.append(c)
    # Same drill more than once: merge into one item at the most conservative dose. A merge
    # widens an item's sides, which can make it overlap another item of the same drill, so
    # merging repeats until no two items of one drill share a side (or a dose).
    merged: list[_Candidate] = []
    for c in laddered:
        merged.append(c)
        while (pair := _overlapping_pair(merged)) is not None:
            keep, drop = pair
            _merge(keep, drop)
            merged.remove(drop)
    return merged


def _overlapping_pair(items: list[_Candidate]) -> tuple[_Candidate, _Candidate] | None:
    for index, first in enumerate(items):
        for second in items[index + 1 :]:
            same_drill = first.drill == second.drill
            if same_drill and (first.exec_sides & second.exec_sides or first.dose == second.dose):
                return first, second
    return None


def _conservative_key(c: _Candidate) -> tuple:
    return (c.priority if c.priority == _MODIFIER else 1, c.rung or 0, c.volume)


def _whys(c: _Candidate) -> tuple[tuple[str, frozenset[str]], ...]:
    return c.whys or ((c.why or c.rule, frozenset(c.sides)),)


def _merge(into: _Candidate, other: _Candidate) -> None:
    keep, drop = sorted((into, other), key=_conservative_key)
    whys = _whys(into) + _whys(other)
    reasons = [r for r in (into.reason, other.reason) if r]
    into.sides = into.sides | other.sides
    for name in ("sets", "reps", "hold_s", "ladder", "rung", "variant", "finding", "rule", "days"):
        setattr(into, name, getattr(keep, name))
    into.times_per_day = max(into.times_per_day, other.times_per_day)
    into.priority = min(into.priority, other.priority)
    into.load_note = " ".join(dict.fromkeys(n for n in (keep.load_note, drop.load_note) if n))
    into.reason = " ".join(dict.fromkeys(reasons))
    into.adjunct = keep.adjunct and drop.adjunct
    into.whys = whys


def _maintenance(sides: frozenset[str]) -> list[_Candidate]:
    why = "No deficit in the tests done: maintenance to keep ankles and feet strong (R-MAINT)"
    return [
        _Candidate(
            "heel_raise_single",
            sides,
            3,
            15,
            None,
            f"{why}; calf strength.",
            "",
            "R-MAINT",
            _MAINTENANCE,
        ),
        _Candidate(
            "sl_balance_firm_eo",
            sides,
            3,
            None,
            30,
            f"{why}; balance.",
            "",
            "R-MAINT",
            _MAINTENANCE,
        ),
        _Candidate(
            "short_foot",
            sides,
            2,
            10,
            5,
            f"{why}; foot muscles.",
            "",
            "R-MAINT",
            _MAINTENANCE,
            variant="standing",
        ),
        _Candidate("cc_df", sides, 2, 10, 2, f"{why}; ankle range.", "", "R-MAINT", _MAINTENANCE),
    ]


def _minimum_structure(cands: list[_Candidate]) -> list[_Candidate]:
    """At least 2 strength days and 1 mobility day a week (docs/clinical-rules.md §1, [S5])."""
    extra = []
    why = "Every program keeps at least two strength days and one mobility day a week (R-MAINT)"
    if not any(c.category == "strength" for c in cands):
        extra.append(
            _Candidate(
                "heel_raise_bilateral",
                frozenset(SIDES),
                2,
                15,
                None,
                f"{why}; calf strength.",
                "",
                "R-MAINT",
                _MAINTENANCE,
                ladder="L-CALF",
                rung=1,
                adjunct=True,
                why="R-MAINT-MIN",
            )
        )
    if not any(c.category == "mobility" for c in cands):
        extra.append(
            _Candidate(
                "cc_df",
                frozenset(SIDES),
                2,
                10,
                2,
                f"{why}; ankle range.",
                "",
                "R-MAINT",
                _MAINTENANCE,
                ladder="L-DF",
                rung=1,
                adjunct=True,
                why="R-MAINT-MIN",
            )
        )
    return cands + extra


def _trim(ctx: _Context, cands: list[_Candidate]) -> list[_Candidate]:
    ranked = sorted(cands, key=lambda c: (c.priority, c.adjunct, _cat_rank(c)))
    keep, dropped = ranked[:MAX_DRILLS], ranked[MAX_DRILLS:]
    for needed in ("strength", "mobility"):
        if not any(c.category == needed for c in keep):
            spare = next((c for c in dropped if c.category == needed), None)
            if spare is not None:
                dropped.remove(spare)
                dropped.append(keep.pop())
                keep.append(spare)
    if dropped:
        names = ", ".join(DRILLS_BY_SLUG[c.drill].name for c in dropped)
        ctx.flags.append(
            Flag(
                "session_trimmed",
                "info",
                f"A home session holds at most {MAX_DRILLS} drills; left for later: {names}.",
            )
        )
    return keep


def _cat_rank(c: _Candidate) -> int:
    return CATEGORY_ORDER.index(c.category)


# --- the gate G-PLYO (docs/clinical-rules.md §8) --------------------------------------------------


def _number(values: Mapping[str, object] | None, side: str) -> float | None:
    if not values:
        return None
    value = values.get(side)
    return None if value is None or isinstance(value, bool) else float(value)  # type: ignore[arg-type]


def plyo_gate(
    side: str,
    *,
    age: int | None,
    sex: str,
    extras: ExtraInputs,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    strict: bool = False,
) -> GateResult:
    """Whether hops may be prescribed on `side`; missing data keeps the gate closed."""
    t = thresholds
    m = extras.measurements
    reasons: list[str] = []
    reps = _number(m.get("heel_raise_reps"), side)
    other = _number(m.get("heel_raise_reps"), "right" if side == "left" else "left")
    if reps is None:
        reasons.append("heel-raise test not recorded")
    else:
        norm = slhr_norm(age, sex)
        if norm is not None and reps < norm - t["slhr.deficit_margin"]:
            reasons.append(f"heel raises {reps:g} below norm {norm} - {t['slhr.deficit_margin']:g}")
        # An unknown age (no date of birth) keeps the stricter floor: the gate stays closed.
        if (age is None or age < t["slhr.floor_age"]) and reps < t["slhr.floor_under60"]:
            reasons.append(f"heel raises {reps:g} below {t['slhr.floor_under60']:g}")
        if other is not None and max(reps, other) > 0:
            lsi = min(reps, other) / max(reps, other) * 100
            if lsi < t["slhr.lsi_min"]:
                reasons.append(f"heel-raise symmetry {lsi:.0f}% below {t['slhr.lsi_min']:g}%")
    balance = _number(m.get("balance_eyes_open_s"), side)
    # From 70 y the gate keeps the adult 30 s: the lower norms of §3 say what is usual at that
    # age, not that hopping is safe (docs/clinical-rules.md §8).
    young = age is not None and age < 70
    balance_min = (balance_eyes_open_min(age, t) if young else None) or t["bal.eo_min_under60"]
    if balance is None or balance < balance_min:
        reasons.append(f"single-leg balance not at {balance_min:g} s")
    left, right = (
        _number(m.get("knee_to_wall_cm"), "left"),
        _number(m.get("knee_to_wall_cm"), "right"),
    )
    if left is None or right is None or abs(left - right) >= t["wblt.asym_cm"]:
        reasons.append(f"knee-to-wall asymmetry not below {t['wblt.asym_cm']:g} cm")
    ceiling = t["pain.green.impact"] if strict else t["pain.ceiling.bone_or_acute"]
    hop = extras.hop_pain.get(side)
    if hop is None or hop > ceiling:
        reasons.append(f"10 single-leg hops not done with pain at or below {ceiling:g}/10")
    if extras.hop_next_morning_rise.get(side, False):
        reasons.append("pain rose the morning after hopping")
    if extras.weeks_on_strength_rung < GATE_MIN_WEEKS_ON_RUNG:
        reasons.append(f"fewer than {GATE_MIN_WEEKS_ON_RUNG} weeks on the current strength rung")
    return GateResult(open=not reasons, reasons=tuple(reasons))


# --- the engine ---------------------------------------------------------------------------------


def ottawa_positive(ottawa: Mapping[str, Mapping[str, bool | None]]) -> dict[str, list[str]]:
    """Side -> the Ottawa items answered "yes" there (docs/clinical-rules.md §8)."""
    found: dict[str, list[str]] = {}
    for side in SIDES:
        answers = ottawa.get(side) or {}
        items = [text for key, text in OTTAWA_ITEMS.items() if answers.get(key) is True]
        if items:
            found[side] = items
    return found


def bone_stress_suspicion(extras: ExtraInputs, t: Thresholds) -> dict[str, list[str]]:
    """Side -> why a bone stress injury is suspected there (M-BSI-SUSPECT, §8): hop pain from
    `bsi.hop_pain_suspect` in the shin or foot (or where it hurt was not recorded), focal bony
    tenderness, or night pain (both sides). Empty when nothing points to it."""
    why: dict[str, list[str]] = {}
    for side in SIDES:
        hop = extras.hop_pain.get(side)
        site = extras.hop_pain_site.get(side)
        if hop is not None and hop >= t["bsi.hop_pain_suspect"] and site != "other":
            where = f"in the {site}" if site else "(where it hurt was not recorded)"
            why.setdefault(side, []).append(f"hop-test pain {hop}/10 {where}")
        if extras.focal_bone_tenderness.get(side) is True:
            why.setdefault(side, []).append("focal bony tenderness")
    if extras.night_pain is True:
        for side in SIDES:
            why.setdefault(side, []).append("night pain")
    return why


def _red_flags(history, extras: ExtraInputs, t: Thresholds) -> list[Flag]:
    """The red flags that stop the build (§8), each with what the clinician must do."""
    found: dict[str, tuple[str, str]] = {}  # RF code -> (message, side)
    for answer in extras.red_flags:
        if answer in BY_ANSWER:
            found.setdefault(BY_ANSWER[answer].code, (BY_ANSWER[answer].clinician_text, "both"))
    ottawa = ottawa_positive(extras.ottawa)
    if ottawa:
        where = "; ".join(f"{side}: {', '.join(items)}" for side, items in ottawa.items())
        text = f"Ottawa ankle/foot rules positive ({where}): x-ray to rule out a fracture."
        found["RF-1"] = (text, _side_name(ottawa))
    if any(h.condition == "bone_stress_injury" and h.status == "current" for h in history):
        found.setdefault("RF-6", (BY_CODE["RF-6"].clinician_text, "both"))
    if extras.pain_nprs is not None and extras.pain_nprs >= t["pain.stop_during"]:
        found.setdefault("RF-7", (BY_CODE["RF-7"].clinician_text, "both"))
    order = [flag.code for flag in RED_FLAGS]
    return [
        Flag(code, "red_flag", f"{text} {BY_CODE[code].clinician_action}", side, code)
        for code, (text, side) in sorted(found.items(), key=lambda kv: order.index(kv[0]))
    ]


def weekdays_for(category: str, days_per_week: int) -> tuple[int, ...]:
    """The weekdays (Monday = 0) a drill is done on; strength days never follow each other."""
    if category == "plyometric" and days_per_week == 2:
        return _PLYO_PATTERN
    return _WEEK_PATTERNS[max(1, min(7, days_per_week))]


def _week(items: list[DraftItem]) -> tuple[tuple[int, ...], ...]:
    days: list[list[int]] = [[] for _ in range(7)]
    for item in items:
        for day in weekdays_for(item.category, item.days_per_week):
            days[day].append(item.order)
    return tuple(tuple(d) for d in days)


def _days(c: _Candidate) -> int:
    if c.days is not None:
        return c.days
    if c.ladder and c.rung:
        # Each rung carries its days a week (docs/clinical-rules.md §5).
        return rung_days(LADDERS[c.ladder], c.rung - 1)
    if c.variant.startswith("isometric"):
        return 7  # isometric holds for tendon pain are a daily exception [E8]
    return _DAYS[c.category]


def _patient_reason(c: _Candidate, untested: list[str], language: str = "en") -> str:
    """The patient's sentences for an item: one per rule behind it, on the sides it covers."""
    whys = []
    for key, sides in _whys(c):
        if c.spec.unilateral:
            sides = (sides & c.sides) or c.sides
        whys.append((key, sides))
    return patient_reason(whys, untested, language)


def prescribe(
    findings: Iterable[Finding],
    *,
    history: Iterable[InjuryHistory] = (),
    age: int | None,
    sex: str,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    extras: ExtraInputs | None = None,
    today: date | None = None,
) -> DraftProgram:
    """Build a draft program; a red flag yields no items, only the flag.

    `today` is the patient's local date: it dates injury history (an acute sprain expires, a
    recent Achilles episode still counts, docs/clinical-rules.md §6). Without it an acute sprain
    keeps its limits and only current Achilles entries count."""
    findings = tuple(findings)
    history = tuple(history)
    extras = extras or ExtraInputs()
    t = thresholds
    red = _red_flags(history, extras, t)
    if red:
        return DraftProgram(items=(), flags=tuple(red))

    flags: list[Flag] = []
    modifiers = _modifiers(history, findings, flags, today=today, t=t)
    suspicion = bone_stress_suspicion(extras, t)
    if suspicion:
        modifiers["M-BSI-SUSPECT"] = set(suspicion)
        where = "; ".join(f"{side}: {', '.join(why)}" for side, why in suspicion.items())
        flags.append(
            Flag(
                "bone_stress_suspected",
                "review",
                f"Suspected bone stress injury ({where}): refer for a medical review or "
                "imaging; no hops, running or cadence work until it is cleared.",
                _side_name(suspicion),
                "M-BSI-SUSPECT",
            )
        )
    strict = {s: any(s in modifiers.get(c, ()) for c in ("M-MTSS", "M-BSI-HX")) for s in SIDES}
    gate = {
        s: plyo_gate(s, age=age, sex=sex, extras=extras, thresholds=t, strict=strict[s])
        for s in SIDES
    }
    ctx = _Context(t, age, sex, extras, modifiers, gate, flags, findings)
    for code, sides in sorted(modifiers.items()):
        flags.append(Flag(code, "modifier", MODIFIER_TEXT[code], _side_name(sides), code))
    if ctx.has("M-SPRAIN-ACUTE"):
        flags.append(
            Flag(
                "M-SPRAIN-ACUTE-PEACE",
                "info",
                "First 1-3 days after the sprain: protect, elevate, compress; start the drills "
                "once walking is comfortable.",
            )
        )
    for f in findings:
        if f.provisional:
            flags.append(
                Flag(
                    "provisional",
                    "provisional",
                    f"{_evidence(f)}: based on a sign only; run the test to confirm.",
                    f.side,
                    f.rule or "",
                )
            )
    # docs/clinical-rules.md §1 missing data: an untested core test is "not tested", never "fine".
    untested = untested_names(untested_core(extras.measurements))
    untested_es = untested_names(untested_core(extras.measurements), "es")
    if untested:
        flags.append(
            Flag(
                "screen_incomplete",
                "review",
                f"Screen incomplete, not tested: {', '.join(untested)}. No finding can come "
                "from a test that was not done; run it to complete the screen.",
            )
        )
    if extras.run_distance_increase_pct is not None and (
        extras.run_distance_increase_pct > t["load.run_spike_pct"]
    ):
        flags.append(
            Flag(
                "R-LOAD-1",
                "review",
                f"Weekly running rose {extras.run_distance_increase_pct:g}%: no load increases "
                "this week.",
                rule="R-LOAD-1",
            )
        )

    cands = _modifier_items(ctx, findings)
    deficits = [f for f in findings if f.severity != "none" and f.code in _RULES]
    for f in sorted(deficits, key=lambda f: f.severity != "marked"):
        cands += _RULES[f.code](f, ctx)
    # R-HX-2: no engine progression on the big-toe ladder for that side.
    hx_review = {s for f in findings if f.code == "hallux_review" for s in _sides_of(f.side)}
    cands = [c for c in cands if not (c.ladder == "L-HX" and c.sides & hx_review)]
    if not cands and not any(f.code not in _REVIEW_ONLY for f in deficits):
        cands = _maintenance(frozenset(SIDES))
        if all(g.open for g in gate.values()):
            spec = DRILLS_BY_SLUG["short_hops"]
            cands.append(
                _Candidate(
                    "short_hops",
                    frozenset(SIDES),
                    spec.sets,
                    spec.reps,
                    None,
                    "Hop gate passed on both sides: short hops keep the tendons springy.",
                    "",
                    "G-PLYO",
                    _MAINTENANCE,
                )
            )

    cands = _apply_exclusions(ctx, cands)
    cands = _dedup(cands)
    cands = _minimum_structure(cands)
    cands = _apply_exclusions(ctx, cands)
    cands = [_capacity(ctx, _adjust(ctx, c)) for c in cands]
    cands = _trim(ctx, cands)
    cands.sort(key=lambda c: (_cat_rank(c), c.priority, c.adjunct, c.drill))

    items = [
        DraftItem(
            drill=c.drill,
            side=_side_name(c.exec_sides),
            sets=c.sets,
            reps=c.reps,
            hold_s=c.hold_s,
            days_per_week=_days(c),
            order=n,
            reason=c.reason,
            finding=c.finding,
            rule=c.rule,
            load_note=c.load_note,
            ladder=c.ladder,
            rung=c.rung,
            variant=c.variant,
            category=c.category,
            times_per_day=max(c.times_per_day, times_per_day_for(c.drill, c.variant)),
            patient_reason=_patient_reason(c, untested),
            patient_reason_es=_patient_reason(c, untested_es, "es"),
        )
        for n, c in enumerate(cands, start=1)
    ]
    excluded = {
        side: {slug: code for slug in DRILLS_BY_SLUG if (code := _exclusion(ctx, slug, "", side))}
        for side in SIDES
    }
    return DraftProgram(
        items=tuple(items),
        flags=tuple(flags),
        modifiers=tuple((code, _side_name(s)) for code, s in sorted(modifiers.items())),
        plyo_gate=gate,
        week=_week(items),
        excluded=excluded,
    )


def with_items(program: DraftProgram, items: Iterable[DraftItem]) -> DraftProgram:
    """A copy of `program` with new items, renumbered and with the week rebuilt."""
    numbered = [replace(item, order=n) for n, item in enumerate(items, start=1)]
    return replace(program, items=tuple(numbered), week=_week(numbered))
