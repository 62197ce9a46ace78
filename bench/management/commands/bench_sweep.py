"""`manage.py bench_sweep --out sweep.json`: sweep vs no-op task rates in one Celery worker."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from bench.sweep_bench import measure_sweep


class Command(BaseCommand):
    help = "Time one worker draining no-op tasks, then sweeping as many due reminders."

    def add_arguments(self, parser):
        parser.add_argument("--messages", type=int, default=10_000)
        parser.add_argument("--out", required=True)

    def handle(self, *args, messages, out, **options):
        result = measure_sweep(messages, log=self.stdout.write)
        Path(out).write_text(json.dumps(result, indent=2))
