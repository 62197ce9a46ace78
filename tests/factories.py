"""Factories and a small named world of two clinics used across the suite."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import factory

from clinic.booking.models import Appointment, AppointmentType, WorkingHours
from clinic.models import Clinic, Patient, Role, StaffMembership, User
from programs.models import Drill

PASSWORD = "correct-horse-battery"
# Every test clinic's zone: its evenings are already tomorrow in UTC, the server's zone.
CLINIC_TZ = ZoneInfo("America/New_York")


class ClinicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinic

    name = factory.Sequence(lambda n: f"Clinic {n}")
    slug = factory.Sequence(lambda n: f"clinic-{n}")
    time_zone = CLINIC_TZ.key


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory)
    clinic = factory.SubFactory(ClinicFactory)
    role = Role.CLINICIAN


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    clinic = factory.SubFactory(ClinicFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = date(1990, 6, 15)
    sex = "female"
    email = factory.Sequence(lambda n: f"patient{n}@example.org")


class AppointmentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppointmentType

    clinic = factory.SubFactory(ClinicFactory)
    name = "Running performance consult"
    slug = factory.Sequence(lambda n: f"type-{n}")
    duration_minutes = 60
    is_public = True


def appointment(*, clinic, patient, clinician, kind, day: date, hour: int) -> Appointment:
    start = datetime.combine(day, time(hour), tzinfo=clinic.tz)
    return Appointment.objects.create(
        clinic=clinic,
        patient=patient,
        clinician=clinician,
        appointment_type=kind,
        start=start,
        end=start + timedelta(minutes=kind.duration_minutes),
    )


def working_week(clinic, clinician) -> None:
    for weekday in range(5):
        WorkingHours.objects.create(
            clinic=clinic,
            clinician=clinician,
            weekday=weekday,
            start_time=time(8),
            end_time=time(18),
        )


def own_drill(clinic, slug: str = "wall_push", **fields) -> Drill:
    """A clinic's own drill with English text in every field the patient reads (two steps, a
    cue, a precaution), for the drill text page and its translations."""
    return Drill.objects.create(
        clinic=clinic,
        slug=slug,
        name="Wall push",
        category="strength",
        default_reps=10,
        precautions="Stop if your heel hurts.",
        instructions=["Face a wall.", "Push it."],
        cues=["Breathe."],
        **fields,
    )


@dataclass
class Side:
    """One clinic with a user of every role and two patients who can sign in."""

    clinic: Clinic
    admin: User
    clinician: User
    frontdesk: User
    patient_a: Patient
    patient_b: Patient
    users: dict[str, User] = field(default_factory=dict)


@dataclass
class World:
    home: Side
    other: Side

    @classmethod
    def build(cls) -> "World":
        return cls(home=_side("home"), other=_side("other"))


def _side(name: str) -> Side:
    clinic = ClinicFactory(name=f"{name.title()} Clinic", slug=name)
    staff = {
        role: StaffFactory(
            clinic=clinic, role=role, user=UserFactory(email=f"{role}@{name}.test")
        ).user
        for role in (Role.CLINIC_ADMIN, Role.CLINICIAN, Role.FRONT_DESK)
    }
    patients = [
        PatientFactory(
            clinic=clinic,
            first_name=first,
            last_name=name.title(),
            email=f"{first.lower()}@{name}.test",
            user=UserFactory(email=f"{first.lower()}-login@{name}.test"),
        )
        for first in ("Ada", "Ben")
    ]
    return Side(
        clinic=clinic,
        admin=staff[Role.CLINIC_ADMIN],
        clinician=staff[Role.CLINICIAN],
        frontdesk=staff[Role.FRONT_DESK],
        patient_a=patients[0],
        patient_b=patients[1],
    )
