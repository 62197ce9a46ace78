"""Celery tasks of booking: thin wrappers around its services."""

from datetime import datetime
from functools import partial

from celery import shared_task
from django.conf import settings
from django.db import transaction

from clinic.models import User

from . import services, waitlist
from .models import AppointmentType


@shared_task
def release_expired_requests() -> int:
    """Free the time of online booking requests nobody confirmed before they ran out."""
    return services.booking_requests_expire()


@shared_task
def offer_freed_slot(appointment_type_id: int, clinician_id: int, start: str) -> int:
    """Offer a time freed by a cancellation or a move to the waitlist; how many offers."""
    appointment_type = (
        AppointmentType.objects.select_related("clinic").filter(pk=appointment_type_id).first()
    )
    clinician = User.objects.filter(pk=clinician_id).first()
    if appointment_type is None or clinician is None:
        return 0
    offers = waitlist.waitlist_offer_slot(
        appointment_type=appointment_type,
        clinician=clinician,
        start=datetime.fromisoformat(start),
    )
    return len(offers)


@shared_task
def tidy_waitlist() -> int:
    """Expire waitlist entries whose window has passed; offered entries wait again."""
    return waitlist.waitlist_tidy()


def offer_freed_slot_after_commit(
    sender, *, appointment_type_id: int, clinician_id: int, start: datetime, **kwargs
) -> None:
    """Receiver of `signals.slot_freed`: queue the offers once the freeing transaction
    commits (a cancellation that rolls back frees nothing)."""
    if not settings.BOOKING_WAITLIST_OFFERS_ON_COMMIT:
        return  # the test suite runs the task itself
    # robust: a broker hiccup after commit must not break the cancellation.
    transaction.on_commit(
        partial(offer_freed_slot.delay, appointment_type_id, clinician_id, start.isoformat()),
        robust=True,
    )
