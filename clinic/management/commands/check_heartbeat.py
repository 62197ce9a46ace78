"""`manage.py check_heartbeat`: the scheduler's health check (exit 1 when its heartbeat is stale).

Celery beat sends clinic.tasks.heartbeat every minute and a worker stamps the time in the shared
cache, so a fresh stamp shows that beat, the broker and a worker all work (the worker has its
own check, so a stale stamp with a healthy worker points at beat).
"""

from datetime import datetime, timedelta

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clinic.health import HEARTBEAT_KEY, HEARTBEAT_STALE_AFTER


class Command(BaseCommand):
    help = "Exit 1 unless the scheduler's heartbeat is younger than --max-age seconds."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        default = int(HEARTBEAT_STALE_AFTER.total_seconds())
        parser.add_argument(
            "--max-age", type=int, default=default, help=f"seconds (default {default})"
        )

    def handle(self, *args, **options):
        stamp = cache.get(HEARTBEAT_KEY)
        if stamp is None:
            raise CommandError("No heartbeat yet: is celery beat running, and a worker?")
        age = timezone.now() - datetime.fromisoformat(stamp)
        if age > timedelta(seconds=options["max_age"]):
            raise CommandError(f"The last heartbeat is {int(age.total_seconds())} s old.")
        self.stdout.write(f"Heartbeat {int(age.total_seconds())} s ago.")
