"""Housekeeping tasks of the clinic app."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone


@shared_task
def heartbeat() -> str:
    """Record that the scheduler and a worker are alive; the health page reads it."""
    stamp = timezone.now().isoformat()
    cache.set("groundwork:heartbeat", stamp, timeout=None)
    return stamp


@shared_task
def add(x: int, y: int) -> int:
    """A trivial task used to prove the broker and a worker work end to end."""
    return x + y
