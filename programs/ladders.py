"""PURE: progression ladders (docs/clinical-rules.md §5) as ordered rungs. No Django imports.

CONTRACT shared by `programs.prescribe` (which rung a drill starts on) and
`programs.progression_rules` (what the next step up or down is). The programs app fills
LADDERS with the data of §5.

A rung is one drill at a dose range. Within a rung the dose climbs reps -> sets -> load/time;
past the top of the rung the item moves to the next rung at the bottom of its range.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rung:
    drill: str  # a drill slug of docs/clinical-rules.md §10
    sets: int  # starting sets
    max_sets: int
    reps: int | None = None  # starting reps per set (None for timed holds)
    max_reps: int | None = None
    hold_s: int | None = None  # starting hold/time per rep or set, seconds
    max_hold_s: int | None = None
    variant: str = ""  # e.g. "up on two, down on one", "towel under toes", "floor level"
    load: bool = False  # True when the next step after reps and sets is added load
    # Days a week on this rung (docs/clinical-rules.md §5): None takes the ladder's. Isometric
    # holds may be daily; strength rungs 2-3 non-consecutive days; plantar loading every second
    # day. A rung change takes the new rung's days (programs.evaluation).
    days_per_week: int | None = None
    # The fewest days on this rung before the next one (the HSR RM steps); None: the engine's
    # `progress.min_days_load` or none.
    min_days: int | None = None


@dataclass(frozen=True)
class Ladder:
    code: str  # "L-DF", "L-CALF", ...
    name: str
    rungs: tuple[Rung, ...]
    kind: str  # "mobility", "strength", "tendon", "intrinsic", "balance", "lateral", ...
    # Drills used alongside the rungs (e.g. calf stretches next to L-DF); not climbed.
    adjuncts: tuple[Rung, ...] = ()
    days_per_week: int = 3


def _ladder(code, name, kind, days, rungs, adjuncts=()) -> Ladder:
    return Ladder(code, name, tuple(rungs), kind, tuple(adjuncts), days)


def rung_days(ladder: Ladder, index: int) -> int:
    """Days a week on rung `index` (0-based) of `ladder` (docs/clinical-rules.md §5)."""
    days = ladder.rungs[index].days_per_week
    return days if days is not None else ladder.days_per_week


# Heavy slow resistance: 3 s up / 3 s down, 15RM -> 12RM -> 10RM -> 8RM -> 6RM over about
# 12 weeks, 3 non-consecutive days a week (Beyer 2015; docs/clinical-rules.md §5).
_HSR = "off a step, 3 s up / 3 s down (HSR)"
_HSR_RUNGS = [
    Rung(
        "heel_raise_single",
        sets,
        sets,
        reps=rm,
        max_reps=rm,
        variant=f"{_HSR}, {rm}RM",
        days_per_week=3,
        min_days=weeks * 7,
    )  # fmt: skip
    for sets, rm, weeks in ((3, 15, 1), (3, 12, 2), (4, 10, 2), (4, 8, 3), (4, 6, 4))
]


# Data of docs/clinical-rules.md §5. A rung's number is its 1-based position here (L-TENDON's
# "rung 0", the isometric hold, is position 1).
LADDERS: dict[str, Ladder] = {
    "L-DF": _ladder(
        "L-DF",
        "Dorsiflexion mobility",
        "mobility",
        7,
        [
            Rung("cc_df", 2, 3, reps=10, max_reps=15, hold_s=2, max_hold_s=3),
            Rung("heel_elev_squat_rock", 2, 3, reps=8, max_reps=10),
            Rung("kneeling_df", 3, 3, reps=10, max_reps=12, hold_s=3, max_hold_s=3),
            Rung("banded_df_mob", 3, 3, reps=10, max_reps=12, hold_s=3, max_hold_s=5),
            Rung("pronation_wall_glide", 2, 3, reps=6, max_reps=8),
            Rung("slow_lunge", 2, 3, reps=8, max_reps=10, variant="3-s lowering"),
            Rung("incline_steps", 2, 3, reps=10, max_reps=12, days_per_week=5),
        ],
        [
            Rung(
                "calf_stretch_static",
                3,
                3,
                hold_s=30,
                max_hold_s=30,
                variant="straight and bent knee",
            ),
            Rung("calf_stretch_dyn_straight", 1, 2, reps=10, max_reps=15),
            Rung("calf_stretch_dyn_bent", 1, 2, reps=10, max_reps=15),
            Rung("calf_roll", 1, 1, hold_s=60, max_hold_s=90),
            Rung("ankle_circles", 1, 1, reps=10, max_reps=10),
        ],
    ),
    "L-CALF": _ladder(
        "L-CALF",
        "Calf strength and endurance",
        "strength",
        3,
        [
            Rung(
                "heel_raise_bilateral",
                3,
                3,
                reps=15,
                max_reps=20,
                variant="2-1-2 tempo, pause at the bottom",
            ),
            Rung(
                "heel_raise_bilateral", 3, 3, reps=12, max_reps=15, variant="up on two, down on one"
            ),
            Rung("heel_raise_single", 3, 3, reps=10, max_reps=15, variant="floor"),
            Rung("heel_raise_single", 3, 3, reps=12, max_reps=15, variant="off a step, full range"),
            Rung("runner_calf_raise", 3, 3, reps=10, max_reps=12),
            Rung(
                "heel_raise_single", 3, 3, reps=12, max_reps=12, variant="backpack load", load=True
            ),
            Rung(
                "short_hops",
                2,
                3,
                reps=10,
                max_reps=10,
                variant="both feet, then single-leg",
                days_per_week=2,
            ),
        ],
        [Rung("heel_raise_bent_knee", 3, 3, reps=12, max_reps=15)],
    ),
    "L-TENDON": _ladder(
        "L-TENDON",
        "Achilles tendon loading (mid-portion)",
        "tendon",
        3,
        [
            Rung(
                "heel_raise_bilateral",
                5,
                5,
                hold_s=30,
                max_hold_s=45,
                variant="isometric hold at mid-range",
                days_per_week=7,
            ),
            Rung("heel_raise_bilateral", 3, 3, reps=15, max_reps=15, variant="3 s up / 3 s down"),
            *_HSR_RUNGS,
            Rung("runner_calf_raise", 3, 3, reps=8, max_reps=10, variant="loaded", load=True),
            Rung(
                "short_hops",
                3,
                3,
                reps=10,
                max_reps=10,
                variant="both feet, then single-leg",
                days_per_week=2,
            ),
        ],
        [
            Rung(
                "eccentric_step_heel_drop",
                3,
                3,
                reps=15,
                max_reps=15,
                variant="Alfredson: straight and bent knee, twice daily",
                load=True,
            ),
            Rung(
                "heel_raise_bent_knee",
                3,
                4,
                reps=15,
                max_reps=15,
                variant="3 s up / 3 s down (HSR)",
                load=True,
            ),
        ],
    ),
    # Insertional version: every rung on the flat floor, the heel never below the forefoot.
    "L-TENDON-INS": _ladder(
        "L-TENDON-INS",
        "Achilles tendon loading (insertional, floor level)",
        "tendon",
        3,
        [
            Rung(
                "heel_raise_bilateral",
                5,
                5,
                hold_s=30,
                max_hold_s=45,
                variant="isometric hold at mid-range, floor level",
                days_per_week=7,
            ),
            Rung(
                "eccentric_step_heel_drop",
                3,
                3,
                reps=15,
                max_reps=15,
                variant="floor level: up on two, down on one, heel stops at the floor",
            ),
            Rung(
                "heel_raise_single",
                3,
                4,
                reps=15,
                max_reps=15,
                variant="floor level, 3 s up / 3 s down",
                load=True,
            ),
            Rung(
                "runner_calf_raise",
                3,
                3,
                reps=8,
                max_reps=10,
                variant="floor level, loaded",
                load=True,
            ),
            Rung(
                "short_hops",
                3,
                3,
                reps=10,
                max_reps=10,
                variant="both feet, then single-leg",
                days_per_week=2,
            ),
        ],
        [Rung("heel_elev_squat_rock", 2, 3, reps=8, max_reps=10)],
    ),
    # Loading only: the stretches and rolling are adjuncts that run in parallel every day and
    # are never replaced by a rung change (docs/clinical-rules.md §5, clinical.md 8.10).
    "L-PLANTAR": _ladder(
        "L-PLANTAR",
        "Plantar heel pain loading",
        "strength",
        3,
        [
            Rung("heel_raise_bilateral", 3, 3, reps=15, max_reps=15, variant="every second day"),
            Rung(
                "heel_raise_single",
                3,
                3,
                reps=12,
                max_reps=12,
                variant="towel under toes, 3 s up / 2 s hold / 3 s down",
                load=True,
            ),
            Rung(
                "heel_raise_single",
                4,
                4,
                reps=10,
                max_reps=10,
                variant="towel under toes, backpack load",
                load=True,
            ),
            Rung(
                "heel_raise_single",
                5,
                5,
                reps=8,
                max_reps=8,
                variant="towel under toes, heavier backpack",
                load=True,
            ),
            Rung("short_hops", 2, 3, reps=10, max_reps=10, days_per_week=2),
        ],
        [
            Rung(
                "pf_stretch",
                10,
                10,
                hold_s=10,
                max_hold_s=10,
                variant="3 times a day, the first before your first steps in the morning",
            ),
            Rung("calf_stretch_static", 3, 3, hold_s=30, max_hold_s=30),
            Rung("plantar_roll", 1, 2, hold_s=90, max_hold_s=120),
        ],
    ),
    "L-INT": _ladder(
        "L-INT",
        "Foot intrinsic strength",
        "intrinsic",
        4,
        [
            Rung("toe_yoga", 2, 3, reps=10, max_reps=10, variant="seated"),
            Rung(
                "short_foot", 2, 3, reps=10, max_reps=10, hold_s=5, max_hold_s=5, variant="seated"
            ),
            Rung(
                "short_foot",
                3,
                3,
                reps=10,
                max_reps=10,
                hold_s=5,
                max_hold_s=5,
                variant="standing, both feet",
            ),
            Rung(
                "short_foot",
                3,
                3,
                reps=10,
                max_reps=10,
                hold_s=5,
                max_hold_s=5,
                variant="single-leg",
            ),
            Rung(
                "sl_balance_firm_eo",
                3,
                3,
                hold_s=30,
                max_hold_s=30,
                variant="holding the short foot",
                days_per_week=5,
            ),
        ],
        [
            Rung("towel_scrunch", 2, 2, hold_s=30, max_hold_s=30),
            Rung("marble_pickup", 2, 2, reps=10, max_reps=20),
        ],
    ),
    "L-BAL": _ladder(
        "L-BAL",
        "Balance and neuromotor control",
        "balance",
        5,
        [
            Rung("sl_balance_firm_eo", 3, 3, hold_s=30, max_hold_s=60),
            Rung("sl_balance_ec", 3, 3, hold_s=15, max_hold_s=30),
            Rung("sl_balance_unstable", 3, 3, hold_s=30, max_hold_s=60, variant="eyes open"),
            Rung("sl_balance_unstable", 3, 3, hold_s=15, max_hold_s=30, variant="eyes closed"),
            Rung("sl_balance_perturb", 3, 3, hold_s=30, max_hold_s=30),
            Rung("heel_toe_reload", 2, 3, reps=10, max_reps=10),
            Rung("lateral_shuffle", 3, 3, reps=10, max_reps=15, variant="10-15 m"),
        ],
        [Rung("incline_steps", 2, 2, reps=10, max_reps=10)],
    ),
    "L-LAT": _ladder(
        "L-LAT",
        "Inversion and eversion strength",
        "lateral",
        3,
        [
            Rung("band_inv", 3, 3, reps=15, max_reps=15, variant="light band, slow"),
            Rung("band_inv", 3, 3, reps=15, max_reps=20, variant="heavier band"),
            Rung("diagonal_push", 3, 3, reps=10, max_reps=10),
            Rung("lateral_shuffle", 3, 3, reps=10, max_reps=15, days_per_week=3),
        ],
        [
            Rung("band_ev", 3, 3, reps=15, max_reps=20, variant="light band, slow"),
            Rung("band_df", 3, 3, reps=15, max_reps=20),
            Rung("band_pf", 3, 3, reps=15, max_reps=20),
            # A carry is a time or a distance, said as such: 30 s of walking, about 20-30 m.
            Rung(
                "suitcase_carry",
                3,
                3,
                hold_s=30,
                max_hold_s=30,
                variant="walk for 30 s (about 20-30 m) per hand",
            ),
        ],
    ),
    "L-HX": _ladder(
        "L-HX",
        "Big-toe (hallux) mobility",
        "mobility",
        7,
        [
            Rung(
                "toe_yoga",
                2,
                3,
                reps=10,
                max_reps=10,
                variant="big-toe lift emphasis",
                days_per_week=4,
            ),
            Rung("pf_stretch", 10, 10, hold_s=10, max_hold_s=10, variant="toe extension"),
            Rung(
                "heel_elev_squat_rock",
                2,
                3,
                reps=8,
                max_reps=10,
                variant="pressure through the big toe",
            ),
            Rung(
                "runner_calf_raise",
                3,
                3,
                reps=10,
                max_reps=10,
                variant="push through the big toe",
                days_per_week=3,
            ),
        ],
    ),
    "L-ROT": _ladder(
        "L-ROT",
        "Rearfoot and rotational mobility",
        "mobility",
        7,
        [
            Rung("ankle_circles", 1, 1, reps=10, max_reps=10, variant="each direction"),
            Rung("active_df_pf", 2, 2, reps=15, max_reps=15, variant="knee and hip aligned"),
            Rung("rotation_drills", 2, 2, reps=10, max_reps=10, variant="each direction"),
            Rung("pronation_wall_glide", 2, 3, reps=6, max_reps=8),
        ],
    ),
}
