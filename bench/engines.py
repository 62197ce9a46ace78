"""PURE: a throughput benchmark of the prescription engine, for `make bench` to call."""

from __future__ import annotations

import random
import time

from assessments.findings import FINDING_CODES, Finding, InjuryHistory
from programs.ladders import LADDERS
from programs.prescribe import ExtraInputs, prescribe
from programs.progression_rules import Dose, ItemState, SessionLog, baseline_from, evaluate

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


def progress_throughput(evaluations: int = 20000, seed: int = 1) -> dict[str, float]:
    """Progression decisions per second on one core: one item and its recent logs each."""
    from datetime import date, timedelta

    rng = random.Random(seed)
    today = date(2026, 11, 23)
    ladders = [LADDERS[code] for code in ("L-CALF", "L-BAL", "L-DF", "L-INT", "L-TENDON")]
    cases = []
    for _ in range(200):
        ladder = rng.choice(ladders)
        rung = ladder.rungs[0]
        state = ItemState(
            dose=Dose(rung.drill, 0, rung.sets, rung.reps, rung.hold_s),
            kind=ladder.kind,
            last_change=today - timedelta(days=rng.randint(1, 20)),
            ladder_code=ladder.code,
        )
        logs = [
            SessionLog(
                day=today - timedelta(days=2 * n),
                completion_pct=rng.choice((100.0, 100.0, 90.0, 70.0)),
                pain_during=rng.randint(0, 6),
                difficulty=rng.randint(3, 9),
                next_morning_pain=rng.randint(0, 4),
                soreness_hours=rng.choice((0.0, 12.0, 30.0, 60.0)),
            )
            for n in range(rng.randint(1, 12), 0, -1)
        ]
        cases.append((state, logs, ladder, baseline_from(logs)))
    start = time.perf_counter()
    for n in range(evaluations):
        state, logs, ladder, baseline = cases[n % len(cases)]
        evaluate(state, logs, ladder=ladder, baseline=baseline, today=today)
    elapsed = time.perf_counter() - start
    return {"evaluations": evaluations, "seconds": elapsed, "per_second": evaluations / elapsed}
