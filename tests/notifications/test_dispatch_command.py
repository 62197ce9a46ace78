"""`manage.py dispatch_notifications` runs one sweep, the same code as the scheduler."""

from datetime import timedelta
from io import StringIO

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from clinic.notifications import services
from clinic.notifications.models import Channel, Kind, Notification, Status
from clinic.site.celery import app


def test_the_command_sends_what_is_due_and_says_so(world):
    row = services.notification_schedule(
        clinic=world.home.clinic,
        kind=Kind.RESCREEN_DUE,
        channel=Channel.EMAIL,
        due_at=timezone.now() - timedelta(minutes=1),
        subject="screen:3",
        patient=world.home.patient_a,
    )
    out = StringIO()
    call_command("dispatch_notifications", stdout=out)
    assert "sent 1" in out.getvalue()
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert mail.outbox[0].subject.startswith("Time for a new movement screen")
    assert Notification.objects.filter(status=Status.PENDING).count() == 0


def test_the_scheduler_runs_the_sweep_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["notifications-dispatch-due"]
    assert entry["task"] == "clinic.notifications.tasks.dispatch_due"
    assert entry["schedule"] == 60.0
    assert entry["task"] in app.tasks
