"""`manage.py dispatch_notifications`: one sweep of due notifications, as the scheduler runs."""

from django.core.management.base import BaseCommand

from clinic.notifications import sweep


class Command(BaseCommand):
    help = "Send the notifications that are due now (one sweep, the scheduler's own code)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=sweep.BATCH_SIZE)

    def handle(self, *args, batch_size: int, **options):
        report = sweep.sweep(batch_size=batch_size)
        summary = ", ".join(f"{name} {count}" for name, count in report.as_dict().items())
        self.stdout.write(f"Notification sweep: {summary}.")
