"""PURE: a throughput benchmark of the prescription engine, for `make bench` to call."""

from __future__ import annotations

import random
import time

from assessments.findings import FINDING_CODES, Finding, InjuryHistory

from .prescribe import ExtraInputs, prescribe

_HISTORY = ("achilles_midportion", "achilles_insertional", "shin_splints", "plantar_heel_pain")


def _cases(count: int, seed: int) -> list[tuple[list[Finding], list[InjuryHistory]]]:
    rng = random.Random(seed)
    codes = sorted(FINDING_CODES)
    cases = []
    for _ in range(count):
        found = [
            Finding(
                code,
                rng.choice(("left", "right", "both")),
                rng.choice(("mild", "marked")),
                code,
                FINDING_CODES[code],
            )
            for code in rng.sample(codes, rng.randint(0, 6))
        ]
        history = (
            [InjuryHistory(rng.choice(_HISTORY), rng.choice(("left", "right")), "current")]
            if rng.random() < 0.4
            else []
        )
        cases.append((found, history))
    return cases


def prescribe_throughput(programs: int = 2000, seed: int = 1) -> dict[str, float]:
    """Programs built per second on one core over random findings and histories."""
    cases = _cases(500, seed)
    extras = ExtraInputs(
        measurements={
            "heel_raise_reps": {"left": 25, "right": 27},
            "balance_eyes_open_s": {"left": 40, "right": 40},
            "knee_to_wall_cm": {"left": 11.0, "right": 11.5},
        }
    )
    start = time.perf_counter()
    for n in range(programs):
        found, history = cases[n % len(cases)]
        prescribe(found, history=history, age=40, sex="female", extras=extras)
    elapsed = time.perf_counter() - start
    return {"programs": programs, "seconds": elapsed, "per_second": programs / elapsed}


if __name__ == "__main__":
    result = prescribe_throughput()
    print(f"prescribe: {result['per_second']:.0f} programs/s ({result['programs']} programs)")
