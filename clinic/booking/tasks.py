"""Celery tasks of booking: thin wrappers around its services."""

from celery import shared_task

from . import services


@shared_task
def release_expired_requests() -> int:
    """Free the time of online booking requests nobody confirmed before they ran out."""
    return services.booking_requests_expire()
