"""The sweep benchmark: messages sent per second vs no-op tasks per second, one worker.

Both run in one solo-pool Celery worker started for the purpose: first it drains N no-op
tasks queued before it started (timed by a stamp task before and after them), then it runs
one sweep over N due reminders, through the in-memory e-mail and SMS backends.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from clinic.models import Patient
from clinic.notifications.models import Channel, Kind, Notification

from . import tasks
from .bulk import insert, next_id
from .seed import SLUG_PREFIX

QUEUE = "bench"


def add_due_reminders(count: int) -> str:
    """`count` e-mail appointment reminders due a minute ago for load patients (text messages
    would be skipped: nobody consented to them); returns their tag."""
    tag = f"bench-sweep-{uuid.uuid4().hex[:12]}"
    patients = list(
        Patient.objects.filter(clinic__slug__startswith=SLUG_PREFIX)
        .order_by("pk")
        .values_list("pk", "clinic_id")[:count]
    )
    now = timezone.now()
    start = (now + timedelta(days=1)).isoformat()
    first = next_id(Notification)
    insert(
        Notification,
        [
            "id",
            "clinic_id",
            "patient_id",
            "channel",
            "kind",
            "subject_ref",
            "due_at",
            "payload",
            "idempotency_key",
        ],
        (
            (
                first + n,
                clinic,
                patient,
                Channel.EMAIL,
                Kind.APPOINTMENT_REMINDER,
                f"{tag}:{n}",
                now - timedelta(minutes=1),
                {"start": start, "link_path": "/"},
                f"{tag}-{n}",
            )
            for n, (patient, clinic) in enumerate(patients[n % len(patients)] for n in range(count))
        ),
    )
    return tag


def remove_reminders(tag: str) -> None:
    Notification.objects.filter(subject_ref__startswith=f"{tag}:").delete()


def _worker() -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "clinic",
            "worker",
            "--pool=solo",
            "-Q",
            QUEUE,
            "-n",
            f"bench-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "WARNING",
        ],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]},
    )


def measure_sweep(count: int = 10_000, log=print) -> dict:
    """{"noop_per_s", "sweep_per_s", "sent", ...} measured in one worker."""
    if not settings.REDIS_URL:
        raise RuntimeError("The sweep benchmark needs Redis (REDIS_URL).")
    app = tasks.noop.app
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(QUEUE)
    first = tasks.stamp.apply_async(queue=QUEUE)
    for _ in range(count):
        tasks.noop.apply_async(queue=QUEUE)
    last = tasks.stamp.apply_async(queue=QUEUE)
    tag = add_due_reminders(count)
    log(f"queued {count:,} no-op tasks and {count:,} due reminders; starting a worker")
    worker = _worker()
    try:
        started = first.get(timeout=120)
        finished = last.get(timeout=600)
        noop_rate = count / (finished - started)
        result = tasks.timed_sweep.apply_async(queue=QUEUE).get(timeout=600)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        remove_reminders(tag)
    sweep_rate = result["sent"] / result["seconds"] if result["seconds"] else 0.0
    return {
        "messages": count,
        "noop_per_s": noop_rate,
        "noop_seconds": finished - started,
        "sweep_per_s": sweep_rate,
        "sweep_seconds": result["seconds"],
        "sent": result["sent"],
        "batches": result["batches"],
        "ratio": sweep_rate / noop_rate,
        "at": time.time(),
    }
