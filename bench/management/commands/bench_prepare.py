"""`manage.py bench_prepare --out plan.json`: the HTTP benchmark's actors, requests and query
counts on the database of DATABASE_URL (seeded by seed_load). `bench_http` runs it."""

import json
from pathlib import Path

from django.core.cache import cache
from django.core.management.base import BaseCommand

from bench.scenario import build_plan, count_queries


class Command(BaseCommand):
    help = "Prepare the HTTP benchmark on this database and count each endpoint's queries."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True)

    def handle(self, *args, out, **options):
        # The small and the large data set share the benchmark's Redis: start with no rate-limit
        # counters left from the other run.
        cache.clear()
        plan = build_plan()
        plan.queries = count_queries(plan)
        Path(out).write_text(json.dumps(plan.as_dict(), indent=2))
