"""Fixtures for the audit tests: one patient's full record (screen, program, session,
check-in, appointments, a pending message)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.models import Screen
from clinic.booking.models import Appointment
from clinic.notifications.models import Notification
from programs.models import (
    CheckIn,
    Drill,
    Program,
    ProgramItem,
    ProgramStatus,
    SessionItemLog,
    SessionLog,
)
from tests.factories import AppointmentTypeFactory, appointment


@dataclass
class Record:
    screen: Screen
    program: Program
    items: list
    session: SessionLog
    session_item: SessionItemLog
    checkin: CheckIn
    future: Appointment
    past: Appointment
    message: Notification


def make_record(side, patient=None) -> Record:
    patient = patient or side.patient_a
    hour = 10 if patient == side.patient_a else 14  # one clinician: no overlapping bookings
    screen = Screen.objects.create(
        clinic=side.clinic,
        patient=patient,
        performed_on=date(2026, 10, 1),
        knee_to_wall_cm_left=Decimal("7.5"),
        knee_to_wall_cm_right=Decimal("11.0"),
        notes="Sore left calf after the marathon.",
    )
    program = Program.objects.create(
        clinic=side.clinic,
        patient=patient,
        screen=screen,
        status=ProgramStatus.PUBLISHED,
        version=1,
        notes="Call if the heel pain returns.",
        published_at=timezone.now(),
    )
    drills = list(Drill.objects.filter(clinic__isnull=True).order_by("slug")[:2])
    items = ProgramItem.objects.bulk_create(
        ProgramItem(program=program, drill=d, sets=3, reps=12, order=n + 1)
        for n, d in enumerate(drills)
    )
    session = SessionLog.objects.create(patient=patient, program=program, date=date(2026, 10, 5))
    session_item = SessionItemLog.objects.create(
        session=session, program_item=items[0], completed_sets=3, pain_during=2, difficulty=4
    )
    checkin = CheckIn.objects.create(
        patient=patient,
        program=program,
        date=date(2026, 10, 6),
        pain_next_morning=1,
        soreness_hours=12,
    )
    kind = AppointmentTypeFactory(clinic=side.clinic)
    today = timezone.localdate(timezone=side.clinic.tz)
    future = appointment(
        clinic=side.clinic,
        patient=patient,
        clinician=side.clinician,
        kind=kind,
        day=today + timedelta(days=10),
        hour=hour,
    )
    future.notes = "Bring the racing shoes."
    future.intake_what_hurts = "Left heel"
    future.save()
    past = appointment(
        clinic=side.clinic,
        patient=patient,
        clinician=side.clinician,
        kind=kind,
        day=today - timedelta(days=10),
        hour=hour,
    )
    message = Notification.objects.create(
        clinic=side.clinic,
        patient=patient,
        channel="email",
        kind="appointment_reminder",
        subject_ref=f"booking.appointment:{future.pk}",
        due_at=future.start - timedelta(hours=24),
        payload={"first_name": patient.first_name},
        idempotency_key=f"test-{future.pk}",
    )
    return Record(
        screen, program, list(items), session, session_item, checkin, future, past, message
    )


@pytest.fixture
def record(world) -> Record:
    return make_record(world.home)
