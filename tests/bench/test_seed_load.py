"""seed_load at a tiny scale: the counts of its scale, rows that belong together, valid data."""

from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Max, Min

from assessments.models import Screen
from bench.seed import ITEM_LOGS_PER_PROGRAM, Sizes, seed_load
from clinic.booking.models import ACTIVE_STATUSES, Appointment
from clinic.models import Clinic, Patient, Role, StaffMembership, User
from clinic.notifications.models import Notification
from programs.models import Program, ProgramItem, SessionItemLog, SessionLog

SCALE = 0.0005
TODAY = date(2026, 11, 23)

pytestmark = pytest.mark.django_db


def test_full_scale_sizes_are_the_issue_numbers():
    assert Sizes.at(1) == Sizes(
        clinics=20,
        clinicians=200,
        patients=50_000,
        screens=150_000,
        programs=50_000,
        item_logs=2_000_000,
        appointments=300_000,
        notifications=1_000_000,
    )
    assert Sizes.at(0.01).patients == 500


def _check_load(sizes: Sizes) -> None:
    clinics = Clinic.objects.filter(slug__startswith="load-")
    assert clinics.count() == sizes.clinics
    assert Patient.objects.filter(clinic__in=clinics).count() == sizes.patients
    assert (
        StaffMembership.objects.filter(clinic__in=clinics, role=Role.CLINICIAN).count()
        == sizes.clinicians
    )
    assert Screen.objects.count() == sizes.screens
    assert Program.objects.count() == sizes.programs
    assert SessionItemLog.objects.count() == sizes.item_logs
    assert Appointment.objects.count() == sizes.appointments
    assert Notification.objects.count() == sizes.notifications

    # Every row's clinic is its patient's clinic, and staff act in their own clinic.
    assert not Screen.objects.exclude(clinic=F("patient__clinic")).exists()
    assert not Screen.objects.exclude(created_by__membership__clinic=F("clinic")).exists()
    assert not Program.objects.exclude(clinic=F("patient__clinic")).exists()
    assert not Program.objects.exclude(screen__patient=F("patient")).exists()
    assert not SessionLog.objects.exclude(patient=F("program__patient")).exists()
    assert not SessionItemLog.objects.exclude(program_item__program=F("session__program")).exists()
    assert not Appointment.objects.exclude(clinic=F("patient__clinic")).exists()
    assert not Appointment.objects.exclude(clinician__membership__clinic=F("clinic")).exists()
    assert not Appointment.objects.exclude(appointment_type__clinic=F("clinic")).exists()
    assert not Notification.objects.exclude(clinic=F("patient__clinic")).exists()
    assert not Patient.objects.filter(user=None).exists()

    # Programs of 1, 8 and 20 items in each clinic; every program has its share of logs.
    sizes_per_clinic = {
        (row["clinic"], row["n"])
        for row in Program.objects.annotate(n=Count("items")).values("clinic", "n")
    }
    for clinic in clinics:
        for n in (1, 8, 20):
            assert (clinic.pk, n) in sizes_per_clinic
    per_program = SessionItemLog.objects.values("session__program").annotate(n=Count("id"))
    assert {row["n"] for row in per_program} == {ITEM_LOGS_PER_PROGRAM}

    # One clinician's active appointments never overlap (what the exclusion constraint says).
    for clinician in Appointment.objects.values_list("clinician", flat=True).distinct():
        spans = list(
            Appointment.objects.filter(clinician=clinician, status__in=ACTIVE_STATUSES)
            .order_by("start")
            .values_list("start", "busy_until")
        )
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert Appointment.objects.aggregate(first=Min("start"))["first"].date() < TODAY
    assert Appointment.objects.aggregate(last=Max("start"))["last"].date() >= TODAY
    # Nothing seeded is due now: the seed makes no work for a sweep.
    next_year = datetime(2027, 1, 1, tzinfo=UTC)
    assert not Notification.objects.filter(status="pending", due_at__lte=next_year).exists()


def test_a_tiny_load_has_the_counts_and_relations_of_its_scale():
    sizes = Sizes.at(SCALE)
    counts = seed_load(scale=SCALE, today=TODAY)
    assert counts["session item logs"] == sizes.item_logs
    _check_load(sizes)
    # Patients can sign in with the load password (one hash shared by all).
    user = User.objects.get(email="patient000000@load.example")
    assert user.check_password("bench-load-password")


@pytest.mark.postgres
def test_a_tiny_load_on_postgresql_goes_through_copy_and_every_constraint():
    """COPY with the foreign keys, check constraints and the booking exclusion constraint."""
    sizes = Sizes.at(SCALE)
    seed_load(scale=SCALE, today=TODAY)
    _check_load(sizes)
    # The sequences moved past the copied ids: ordinary inserts still work.
    patient = Patient.objects.first()
    item = ProgramItem.objects.filter(program__patient=patient).first()
    assert SessionLog.objects.create(patient=patient, program=item.program, date=date(2020, 1, 1))


def test_the_command_seeds_once(capsys):
    call_command("seed_load", "--scale", str(SCALE))
    call_command("seed_load", "--scale", str(SCALE))
    assert "already there" in capsys.readouterr().out
    assert Clinic.objects.filter(slug__startswith="load-").count() == Sizes.at(SCALE).clinics
