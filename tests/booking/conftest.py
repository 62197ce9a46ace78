"""Booking fixtures: the two-clinic world with appointment types, hours and a bookable day."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from clinic.booking.models import AppointmentType
from clinic.models import Clinic, Role, User
from tests import factories as f


@dataclass
class Booking:
    world: f.World
    clinic: Clinic
    consult: AppointmentType
    follow_up: AppointmentType
    clinician2: User
    day: date

    def at(self, hour: int, minute: int = 0, day: date | None = None) -> datetime:
        return datetime.combine(day or self.day, time(hour, minute), tzinfo=self.clinic.tz)


def next_monday(after_days: int = 7) -> date:
    day = timezone.localdate(timezone=f.CLINIC_TZ) + timedelta(days=after_days)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def build_booking(world: f.World) -> Booking:
    clinic = world.home.clinic
    clinician2 = f.StaffFactory(
        clinic=clinic, role=Role.CLINICIAN, user=f.UserFactory(email="clinician2@home.test")
    ).user
    consult = f.AppointmentTypeFactory(
        clinic=clinic,
        name="Running performance consult",
        slug="running-performance-consult",
        duration_minutes=60,
        buffer_minutes=15,
        is_public=True,
    )
    follow_up = f.AppointmentTypeFactory(
        clinic=clinic, name="Follow-up", slug="follow-up", duration_minutes=30, is_public=False
    )
    for kind in (consult, follow_up):
        kind.clinicians.set([world.home.clinician, clinician2])
    f.working_week(clinic, world.home.clinician)
    f.working_week(clinic, clinician2)
    other_type = f.AppointmentTypeFactory(
        clinic=world.other.clinic, slug="running-performance-consult", is_public=True
    )
    other_type.clinicians.set([world.other.clinician])
    f.working_week(world.other.clinic, world.other.clinician)
    return Booking(world, clinic, consult, follow_up, clinician2, next_monday())


@pytest.fixture
def booking(world):
    return build_booking(world)
