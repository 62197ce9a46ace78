"""PURE: read wrk's output, combine interleaved rounds into ratios, render the table.

Ratios, not absolute numbers, are the result: each endpoint's requests per second divided by
the bare view's, measured right before it in the same round on the same machine.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from statistics import median

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class WrkRun:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx answers plus socket errors


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS_MS[unit]


def parse_wrk(output: str) -> WrkRun:
    """The numbers of one `wrk --latency` run."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rps is None:
        raise ValueError(f"Not wrk output: {output[:200]!r}")
    p50 = re.search(r"^\s*50%\s+([\d.]+\w+)", output, re.M)
    p99 = re.search(r"^\s*99%\s+([\d.]+\w+)", output, re.M)
    total = re.search(r"(\d+) requests in", output)
    errors = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if sockets:
        errors += sum(int(n) for n in sockets.groups())
    return WrkRun(
        requests_per_s=float(rps.group(1)),
        p50_ms=_ms(p50.group(1)) if p50 else 0.0,
        p99_ms=_ms(p99.group(1)) if p99 else 0.0,
        requests=int(total.group(1)) if total else 0,
        errors=errors,
    )


# The slowest 1 % may take at most this many times the median (issue 17).
P99_OVER_P50 = 4


@dataclass
class Row:
    """One line of the table: an endpoint (or the sweep) against its reference."""

    name: str
    rate: float  # requests/s (or messages/s for the sweep)
    p50_ms: float | None
    p99_ms: float | None
    ratio: float | None  # to the bare view (the sweep: to the no-op task)
    target: float | None  # minimum ratio; None for a row shown for information
    queries_small: int | None = None
    queries_large: int | None = None
    errors: int = 0
    unit: str = "req/s"
    note: str = ""
    rounds: list[float] = field(default_factory=list)

    @property
    def passed(self) -> bool | None:
        checks = []
        if self.target is not None:
            checks.append(self.ratio is not None and self.ratio >= self.target)
            if self.p50_ms and self.p99_ms:
                checks.append(self.p99_ms <= P99_OVER_P50 * self.p50_ms)
        if self.queries_small is not None or self.queries_large is not None:
            checks.append(self.queries_small == self.queries_large)
        checks.append(self.errors == 0)
        if self.target is None and len(checks) == 1:
            return None if self.errors == 0 else False
        return all(checks)

    def as_dict(self) -> dict:
        return {**asdict(self), "passed": self.passed}


def combine(name: str, pairs: list[tuple[WrkRun, WrkRun]], **extra) -> Row:
    """An endpoint's row from its rounds, each (bare run just before, endpoint run)."""
    ratios = [
        run.requests_per_s / bare.requests_per_s if bare.requests_per_s else 0.0
        for bare, run in pairs
    ]
    runs = [run for _, run in pairs]
    return Row(
        name=name,
        rate=median(r.requests_per_s for r in runs),
        p50_ms=median(r.p50_ms for r in runs),
        p99_ms=median(r.p99_ms for r in runs),
        ratio=median(ratios),
        errors=sum(r.errors for r in runs),
        rounds=[round(r, 4) for r in ratios],
        **extra,
    )


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def _num(value, digits=1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _queries(row: Row) -> str:
    if row.queries_small is None and row.queries_large is None:
        return "–"
    if row.queries_small == row.queries_large:
        return str(row.queries_large)
    return f"{row.queries_small} small / {row.queries_large} large"


def render_markdown(rows: list[Row]) -> str:
    lines = [
        "| endpoint | rate | p50 ms | p99 ms | SQL queries (small = large) | ratio | target "
        "| pass |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        verdict = {True: "yes", False: "NO", None: "–"}[row.passed]
        if row.errors:
            verdict += f" ({row.errors} errors)"
        target = "–" if row.target is None else f"≥ {_pct(row.target)}"
        lines.append(
            f"| {row.name} | {_num(row.rate, 0)} {row.unit} | {_num(row.p50_ms)} | "
            f"{_num(row.p99_ms)} | {_queries(row)} | {_pct(row.ratio)} | {target} | {verdict} |"
        )
    return "\n".join(lines)
