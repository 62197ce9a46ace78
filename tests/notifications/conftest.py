"""Fixtures of the notification tests: a booked appointment and in-memory outboxes."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from clinic.booking.models import Appointment
from clinic.notifications.transports import LocmemSmsBackend
from tests import factories as f

LOCMEM_SMS = "clinic.notifications.transports.LocmemSmsBackend"


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.SMS_BACKEND = LOCMEM_SMS
    settings.SITE_URL = "https://groundwork.example"
    LocmemSmsBackend.outbox.clear()
    yield LocmemSmsBackend.outbox
    LocmemSmsBackend.outbox.clear()


def book(side, *, start: datetime, patient=None) -> Appointment:
    """An appointment for a patient of `side` at an exact moment."""
    kind = f.AppointmentTypeFactory(clinic=side.clinic)
    return Appointment.objects.create(
        clinic=side.clinic,
        patient=patient or side.patient_a,
        clinician=side.clinician,
        appointment_type=kind,
        start=start,
        end=start + timedelta(minutes=kind.duration_minutes),
    )


@pytest.fixture
def in_three_days():
    return (timezone.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
