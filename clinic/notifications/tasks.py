"""Celery tasks of the notifications app: a thin wrapper around the sweep."""

from celery import shared_task

from . import sweep


@shared_task
def dispatch_due() -> dict[str, int]:
    """Send what is due; beat runs it every minute and bookings nudge it after commit."""
    return sweep.sweep().as_dict()
