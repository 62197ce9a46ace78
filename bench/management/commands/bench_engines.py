"""`manage.py bench_engines`: the pure engines' throughput on one core, as a table and JSON.

`make bench` runs it; the HTTP benchmark against gunicorn joins it in the performance work.
"""

import json
import platform
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from bench.engines import prescribe_throughput, progress_throughput

TARGETS = {"prescription": 1000, "progression": 5000}


class Command(BaseCommand):
    help = "Measure the prescription and progression engines (programs or evaluations per second)."

    def add_arguments(self, parser):
        parser.add_argument("--quick", action="store_true", help="Fewer rounds (smoke test).")

    def handle(self, *args, quick=False, **options):
        scale = 10 if quick else 1
        prescription = prescribe_throughput(programs=5000 // scale)
        progression = progress_throughput(evaluations=50000 // scale)
        rows = [
            ("prescription", prescription["per_second"], "programs/s"),
            ("progression", progression["per_second"], "evaluations/s"),
        ]
        results = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": f"{platform.node()} {platform.machine()} Python {platform.python_version()}",
            "engines": [
                {"engine": name, "per_second": round(rate), "unit": unit, "target": TARGETS[name]}
                for name, rate, unit in rows
            ],
        }
        lines = [
            "| engine | rate | target | met |",
            "|---|---|---|---|",
            *(
                f"| {e['engine']} | {e['per_second']:,} {e['unit']} | ≥ {e['target']:,} | "
                f"{'yes' if e['per_second'] >= e['target'] else 'NO'} |"
                for e in results["engines"]
            ),
        ]
        table = "\n".join(lines)
        folder = Path(settings.BASE_DIR) / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "engines.json").write_text(json.dumps(results, indent=2))
        (folder / "engines.md").write_text(
            f"{results['date']} on {results['machine']}\n\n{table}\n"
        )
        self.stdout.write(table)
