"""`seed_demo` builds the demo clinic of interface.md and is safe to run twice."""

import pytest
from django.core.management import call_command

from clinic.booking.models import Appointment, AppointmentType, WorkingHours
from clinic.models import Clinic, Patient, Role, StaffMembership, User

pytestmark = pytest.mark.django_db


def counts():
    return [
        m.objects.count()
        for m in (
            Clinic,
            User,
            StaffMembership,
            Patient,
            AppointmentType,
            WorkingHours,
            Appointment,
        )
    ]


def test_seed_demo_creates_the_documented_clinic_and_is_idempotent():
    call_command("seed_demo", verbosity=0)
    first = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == first

    demo = Clinic.objects.get(name="Groundwork Demo Clinic")
    assert demo.time_zone == "America/New_York"
    roles = dict(StaffMembership.objects.filter(clinic=demo).values_list("user__email", "role"))
    assert roles == {
        "admin@demo.clinic": Role.CLINIC_ADMIN,
        "clinician@demo.clinic": Role.CLINICIAN,
        "clinician2@demo.clinic": Role.CLINICIAN,
        "frontdesk@demo.clinic": Role.FRONT_DESK,
    }
    assert Patient.objects.get(user__email="patient@demo.clinic").clinic == demo
    assert Patient.objects.filter(clinic=demo).count() >= 10

    types = {t.slug: t for t in AppointmentType.objects.filter(clinic=demo)}
    assert (
        types["running-performance-consult"].duration_minutes,
        types["running-performance-consult"].is_public,
    ) == (60, True)
    assert (
        types["movement-assessment"].duration_minutes,
        types["movement-assessment"].is_public,
    ) == (45, True)
    assert (types["follow-up"].duration_minutes, types["follow-up"].is_public) == (30, False)

    hours = WorkingHours.objects.filter(clinic=demo, clinician__email="clinician@demo.clinic")
    assert sorted(h.weekday for h in hours) == [0, 1, 2, 3, 4]
    assert {(str(h.start_time), str(h.end_time)) for h in hours} == {("08:00:00", "18:00:00")}

    other = Clinic.objects.get(name="Other Clinic")
    assert set(
        StaffMembership.objects.filter(clinic=other).values_list("user__email", flat=True)
    ) == {
        "admin@other.clinic",
        "clinician@other.clinic",
    }
    assert Patient.objects.filter(clinic=other).exists()


def test_every_demo_account_has_the_documented_password():
    call_command("seed_demo", verbosity=0)
    for email in [
        "admin@demo.clinic",
        "clinician@demo.clinic",
        "patient@demo.clinic",
        "admin@other.clinic",
    ]:
        assert User.objects.get(email=email).check_password("groundwork-demo")


def test_demo_appointments_keep_their_types_buffer_busy():
    call_command("seed_demo", verbosity=0)
    for visit in Appointment.objects.select_related("appointment_type"):
        buffer = visit.appointment_type.buffer_minutes
        assert (visit.busy_until - visit.end).total_seconds() == buffer * 60
