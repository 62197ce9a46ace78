"""Housekeeping tasks of the clinic app."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

# Read by the health page (clinic.views.healthz) and the scheduler's health check.
HEARTBEAT_KEY = "groundwork:heartbeat"


@shared_task
def heartbeat() -> str:
    """Record that the scheduler and a worker are alive; the health page reads it."""
    stamp = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, stamp, timeout=None)
    return stamp


@shared_task
def add(x: int, y: int) -> int:
    """A trivial task used to prove the broker and a worker work end to end."""
    return x + y
