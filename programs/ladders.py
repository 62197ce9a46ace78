"""PURE: progression ladders (clinical.md 8.3) as ordered rungs. No Django imports.

CONTRACT shared by `programs.prescribe` (which rung a drill starts on) and `programs.progress`
(what the next step up or down is). The programs app fills LADDERS with the data of 8.3.

A rung is one drill at a dose range. Within a rung the dose climbs reps -> sets -> load/time;
past the top of the rung the item moves to the next rung at the bottom of its range.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rung:
    drill: str  # a drill slug of clinical.md 8.8
    sets: int  # starting sets
    max_sets: int
    reps: int | None = None  # starting reps per set (None for timed holds)
    max_reps: int | None = None
    hold_s: int | None = None  # starting hold/time per rep or set, seconds
    max_hold_s: int | None = None
    variant: str = ""  # e.g. "up on two, down on one", "towel under toes", "floor level"
    load: bool = False  # True when the next step after reps and sets is added load


@dataclass(frozen=True)
class Ladder:
    code: str  # "L-DF", "L-CALF", ...
    name: str
    rungs: tuple[Rung, ...]
    kind: str  # "mobility", "strength", "tendon", "intrinsic", "balance", "lateral", ...


LADDERS: dict[str, Ladder] = {}
