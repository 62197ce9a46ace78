"""End to end: a real Celery worker sweeps a due reminder and delivers it over SMTP."""

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from clinic.booking import notices
from clinic.notifications.models import DeliveryLog, Notification, Outcome, Status
from clinic.notifications.tasks import dispatch_due
from clinic.site.celery import app
from tests import factories as f
from tests.notifications.conftest import book


@pytest.fixture
def worker():
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_a_due_reminder_through_smtp(smtp_inbox, worker):
    world = f.World.build()
    start = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    appointment = book(world.home, start=start)
    day_before, two_hours = notices.appointment_reminders_schedule(appointment=appointment)
    Notification.objects.filter(pk=day_before.pk).update(due_at=timezone.now())

    report = dispatch_due.delay().get(timeout=30)

    assert report["sent"] == 1
    (envelope,) = smtp_inbox.envelopes
    assert envelope.rcpt_tos == ["ada@home.test"]
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert message["To"] == "ada@home.test"
    assert message["Subject"].startswith("Reminder: your appointment on ")
    assert message["Subject"].endswith(" - Home Clinic")
    assert message["Message-ID"] == f"<notification-{day_before.pk}@groundwork.example>"
    assert (
        message["List-Unsubscribe"]
        .strip()
        .startswith("<https://groundwork.example/notifications/unsubscribe/")
    )
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Hello Ada," in text
    assert "A reminder that you have a Running performance consult with" in text
    assert "Home Clinic" in html and "Stop these e-mails" in html
    day_before.refresh_from_db()
    two_hours.refresh_from_db()
    assert (day_before.status, two_hours.status) == (Status.SENT, Status.PENDING)
    assert DeliveryLog.objects.get().outcome == Outcome.SENT
