"""`manage.py bench_http`: the HTTP and sweep benchmark of `make bench`, on PostgreSQL.

Creates and seeds two databases when missing (a small and a large data set), counts each
endpoint's SQL queries on both, runs gunicorn with the benchmark settings on the large one,
loads it with wrk in interleaved rounds, times the notification sweep against no-op tasks in
one Celery worker, and writes one table to var/bench/http.{json,md}.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from urllib.parse import urlsplit, urlunsplit

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bench.http import measure
from bench.report import Row, combine, render_markdown
from bench.scenario import Plan

SWEEP_TARGET = 0.5


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


class Command(BaseCommand):
    help = "Benchmark the main pages and the sweep against Django's bare view (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--database-url",
            default=os.environ.get(
                "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gw_bench"
            ),
            help="The large data set's database; the small one gets the suffix _small.",
        )
        parser.add_argument(
            "--redis-url",
            default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
            help="Broker of the sweep benchmark's worker.",
        )
        parser.add_argument("--small-scale", type=float, default=0.01)
        parser.add_argument("--large-scale", type=float, default=1.0)
        parser.add_argument("--rounds", type=int, default=2)
        parser.add_argument("--seconds", type=int, default=4, help="Per wrk run.")
        parser.add_argument("--messages", type=int, default=10_000)
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--skip-sweep", action="store_true")

    # ------------------------------------------------------------------ helpers
    def _env(self, url: str, **extra) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            **extra,
        }

    def _manage(self, url: str, *args: str, **extra) -> None:
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=self._env(url, **extra),
            check=True,
        )

    def _ensure_database(self, url: str, scale: float) -> None:
        name = _database_name(url)
        admin = _with_database(url, "postgres")
        try:
            with psycopg.connect(admin, autocommit=True) as connection:
                exists = connection.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [name]
                ).fetchone()
                if not exists:
                    self.stdout.write(f"creating database {name}")
                    connection.execute(f'CREATE DATABASE "{name}"')
        except psycopg.OperationalError as error:
            raise CommandError(f"The benchmark needs PostgreSQL ({admin}): {error}") from error
        self._manage(url, "migrate", "--noinput", "-v0")
        self._manage(url, "seed_load", "--scale", str(scale))

    def _plan(self, url: str, folder: str, label: str) -> Plan:
        out = Path(folder) / f"plan-{label}.json"
        self._manage(url, "bench_prepare", "--out", str(out), REDIS_URL=self.redis_url)
        return Plan.from_dict(json.loads(out.read_text()))

    # ------------------------------------------------------------------ the run
    def handle(self, *args, **o):
        # A terminated benchmark still stops its gunicorn and worker (their `with`/`finally`).
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
        started = time.perf_counter()
        self.redis_url = o["redis_url"]
        large_url = o["database_url"]
        small_url = _with_database(large_url, f"{_database_name(large_url)}_small")
        for url, scale in ((small_url, o["small_scale"]), (large_url, o["large_scale"])):
            self._ensure_database(url, scale)
        self._manage(large_url, "collectstatic", "--noinput", "-v0")
        with tempfile.TemporaryDirectory() as folder:
            small = self._plan(small_url, folder, "small")
            large = self._plan(large_url, folder, "large")
            self.stdout.write(
                "SQL queries per request (small / large): "
                + json.dumps({k: [small.queries.get(k), v] for k, v in large.queries.items()})
            )
            runs = measure(
                large,
                # The production shape: Redis is the broker and holds the rate-limit counters.
                env=self._env(large_url, REDIS_URL=o["redis_url"]),
                port=o["port"],
                rounds=o["rounds"],
                seconds=o["seconds"],
                log=self.stdout.write,
            )
            sweep = None
            if not o["skip_sweep"]:
                out = Path(folder) / "sweep.json"
                try:
                    self._manage(
                        large_url,
                        "bench_sweep",
                        "--messages",
                        str(o["messages"]),
                        "--out",
                        str(out),
                        REDIS_URL=o["redis_url"],
                    )
                    sweep = json.loads(out.read_text())
                except subprocess.CalledProcessError:
                    self.stderr.write("The sweep benchmark failed (is Redis running?).")
        rows = build_rows(large, small, runs, sweep)
        table = render_markdown(rows)
        elapsed = time.perf_counter() - started
        results = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "settings": {k: v for k, v in o.items() if k not in ("database_url", "redis_url")},
            "seconds": round(elapsed),
            "rows": [row.as_dict() for row in rows],
            "sweep": sweep,
        }
        folder = Path(settings.BASE_DIR) / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "http.json").write_text(json.dumps(results, indent=2))
        (folder / "http.md").write_text(
            f"{results['date']} on {results['machine']} ({elapsed:.0f} s)\n\n{table}\n"
        )
        self.stdout.write(table)
        self.stdout.write(f"written to var/bench/http.md and http.json in {elapsed:.0f} s")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} × {cpu}, Python {platform.python_version()}"


def build_rows(large: Plan, small: Plan, runs: dict, sweep: dict | None) -> list[Row]:
    bare_endpoint, *endpoints = large.endpoints
    bare_runs = [bare for pairs in runs.values() for bare, _ in pairs]
    rows = [
        Row(
            name=bare_endpoint.name,
            rate=median(r.requests_per_s for r in bare_runs),
            p50_ms=median(r.p50_ms for r in bare_runs),
            p99_ms=median(r.p99_ms for r in bare_runs),
            ratio=1.0,
            target=None,
            queries_small=small.queries.get(bare_endpoint.name),
            queries_large=large.queries.get(bare_endpoint.name),
            errors=sum(r.errors for r in bare_runs),
        )
    ]
    for endpoint in endpoints:
        rows.append(
            combine(
                endpoint.name,
                runs[endpoint.name],
                target=endpoint.target,
                queries_small=small.queries.get(endpoint.name),
                queries_large=large.queries.get(endpoint.name),
            )
        )
    if sweep is not None:
        rows.append(
            Row(
                name=f"notification sweep, {sweep['messages']:,} due (vs no-op task "
                f"{sweep['noop_per_s']:,.0f}/s)",
                rate=sweep["sweep_per_s"],
                p50_ms=None,
                p99_ms=None,
                ratio=sweep["ratio"],
                target=SWEEP_TARGET,
                errors=max(0, sweep["messages"] - sweep["sent"]),
                unit="msg/s",
            )
        )
    return rows
