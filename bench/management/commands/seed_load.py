"""`manage.py seed_load [--scale 0.01]`: the large deterministic data set of the benchmark."""

import time

from django.core.management.base import BaseCommand, CommandError

from bench.seed import Sizes, already_seeded, seed_load


class Command(BaseCommand):
    help = (
        "Bulk-load 20 clinics, 50,000 patients, 2,000,000 session item logs ... (scale 1). "
        "Does nothing when load clinics already exist."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Fraction of the full size, e.g. 0.01."
        )

    def handle(self, *args, scale=1.0, **options):
        if scale <= 0:
            raise CommandError("--scale must be positive.")
        if already_seeded():
            self.stdout.write("The load data set is already there; nothing to do.")
            return
        sizes = Sizes.at(scale)
        self.stdout.write(f"Seeding at scale {scale}: {sizes}")
        started = time.perf_counter()
        counts = seed_load(scale=scale, log=self.stdout.write)
        total = sum(counts.values())
        self.stdout.write(
            self.style.SUCCESS(f"{total:,} rows in {time.perf_counter() - started:.0f} s")
        )
