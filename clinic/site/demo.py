"""The demo clinic of interface.md: accounts, roles, appointment types, hours and patients.

Every step is an update-or-create keyed on a natural key, so running it twice changes nothing.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction

from clinic.booking.models import Appointment, AppointmentStatus, AppointmentType, WorkingHours
from clinic.models import Clinic, Patient, Role, StaffMembership, User

DEMO_PASSWORD = "groundwork-demo"

APPOINTMENT_TYPES = [
    # slug, name, minutes, buffer, public, colour
    ("running-performance-consult", "Running performance consult", 60, 15, True, "#2f6f4f"),
    ("movement-assessment", "Movement assessment", 45, 15, True, "#3a5ba0"),
    ("follow-up", "Follow-up", 30, 0, False, "#8a5a00"),
]

DEMO_PATIENTS = [
    # first, last, dob, sex
    ("Maya", "Okafor", date(1991, 4, 12), "female"),
    ("Daniel", "Reyes", date(1986, 9, 3), "male"),
    ("Priya", "Nair", date(1995, 1, 27), "female"),
    ("Tom", "Lindqvist", date(1979, 6, 18), "male"),
    ("Grace", "Whitfield", date(1968, 11, 5), "female"),
    ("Samuel", "Adeyemi", date(2001, 2, 14), "male"),
    ("Elena", "Petrova", date(1983, 8, 30), "female"),
    ("Jonah", "Brooks", date(1998, 12, 9), "male"),
    ("Alex", "Moreau", date(1990, 5, 21), "other"),
    ("Hannah", "Kim", date(1975, 3, 8), "female"),
]

OTHER_PATIENTS = [
    ("Oliver", "Grant", date(1988, 7, 7), "male"),
    ("Sofia", "Marin", date(1993, 10, 19), "female"),
    ("Lucas", "Ferreira", date(1981, 4, 2), "male"),
]


@dataclass
class DemoClinic:
    clinic: Clinic
    staff: dict[str, User] = field(default_factory=dict)
    patients: list[Patient] = field(default_factory=list)
    demo_patient: Patient | None = None


def _user(email: str, full_name: str) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
    user.full_name = full_name
    user.is_active = True
    user.save()
    return user


def _staff(clinic: Clinic, email: str, full_name: str, role: str, title: str = "") -> User:
    user = _user(email, full_name)
    StaffMembership.objects.update_or_create(
        user=user, defaults={"clinic": clinic, "role": role, "title": title, "is_active": True}
    )
    return user


def _patient(clinic: Clinic, first, last, dob, sex, *, email=None, user=None) -> Patient:
    email = email or f"{first}.{last}@example.com".lower()
    patient, _ = Patient.objects.update_or_create(
        clinic=clinic,
        email=email,
        defaults={
            "first_name": first,
            "last_name": last,
            "date_of_birth": dob,
            "sex": sex,
            "phone": f"+14105550{sum(map(ord, first + last)) % 1000:03d}",
            "user": user,
        },
    )
    return patient


def _types_and_hours(clinic: Clinic, clinicians: list[User]) -> None:
    for slug, name, minutes, buffer, public, colour in APPOINTMENT_TYPES:
        appointment_type, _ = AppointmentType.objects.update_or_create(
            clinic=clinic,
            slug=slug,
            defaults={
                "name": name,
                "duration_minutes": minutes,
                "buffer_minutes": buffer,
                "is_public": public,
                "color": colour,
                "is_active": True,
            },
        )
        appointment_type.clinicians.set(clinicians)
    for clinician in clinicians:
        for weekday in range(5):  # Monday to Friday
            WorkingHours.objects.update_or_create(
                clinic=clinic,
                clinician=clinician,
                weekday=weekday,
                defaults={"start_time": time(8, 0), "end_time": time(18, 0)},
            )


def _next_weekdays(start: date, count: int) -> list[date]:
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _sample_appointments(clinic: Clinic, clinicians: list[User], patients: list[Patient]) -> None:
    """A few appointments over the next working days so the calendars are not empty."""
    today = clinic.today()
    day_start = datetime.combine(today, time.min, tzinfo=clinic.tz)
    if Appointment.objects.filter(clinic=clinic, start__gte=day_start).exists():
        return
    types = {t.slug: t for t in clinic.appointment_types.all()}
    slots = [(9, "running-performance-consult"), (11, "follow-up"), (14, "movement-assessment")]
    index = 0
    for day in _next_weekdays(today, 3):
        for clinician in clinicians:
            for hour, slug in slots:
                kind = types[slug]
                start = datetime.combine(day, time(hour, 0), tzinfo=clinic.tz)
                Appointment.objects.create(
                    clinic=clinic,
                    patient=patients[index % len(patients)],
                    clinician=clinician,
                    appointment_type=kind,
                    start=start,
                    end=start + timedelta(minutes=kind.duration_minutes),
                    busy_until=start
                    + timedelta(minutes=kind.duration_minutes + kind.buffer_minutes),
                    status=AppointmentStatus.BOOKED,
                )
                index += 1


@transaction.atomic
def seed_demo() -> dict[str, DemoClinic]:
    demo_clinic, _ = Clinic.objects.update_or_create(
        slug="demo",
        defaults={
            "name": "Groundwork Demo Clinic",
            "time_zone": "America/New_York",
            "address": "120 Harbor Street, Baltimore, MD 21202",
            "country": "US",
            "phone": "+14105550100",
            "email": "hello@demo.clinic",
        },
    )
    demo = DemoClinic(clinic=demo_clinic)
    demo.staff["admin"] = _staff(
        demo_clinic, "admin@demo.clinic", "Rosa Delgado", Role.CLINIC_ADMIN
    )
    demo.staff["clinician"] = _staff(
        demo_clinic, "clinician@demo.clinic", "Dr. Sam Carter", Role.CLINICIAN, "PT, DPT"
    )
    demo.staff["clinician2"] = _staff(
        demo_clinic, "clinician2@demo.clinic", "Dr. Leah Whitman", Role.CLINICIAN, "PT, DPT"
    )
    demo.staff["frontdesk"] = _staff(
        demo_clinic, "frontdesk@demo.clinic", "Jordan Ellis", Role.FRONT_DESK
    )
    patient_user = _user("patient@demo.clinic", "Casey Runner")
    demo.demo_patient = _patient(
        demo_clinic,
        "Casey",
        "Runner",
        date(1989, 5, 16),
        "female",
        email="patient@demo.clinic",
        user=patient_user,
    )
    demo.patients = [demo.demo_patient] + [_patient(demo_clinic, *row) for row in DEMO_PATIENTS]
    clinicians = [demo.staff["clinician"], demo.staff["clinician2"]]
    _types_and_hours(demo_clinic, clinicians)
    _sample_appointments(demo_clinic, clinicians, demo.patients)

    other_clinic, _ = Clinic.objects.update_or_create(
        slug="other",
        defaults={
            "name": "Other Clinic",
            "time_zone": "America/Chicago",
            "address": "5 Lakeview Avenue, Chicago, IL 60601",
            "country": "US",
            "phone": "+13125550100",
        },
    )
    other = DemoClinic(clinic=other_clinic)
    other.staff["admin"] = _staff(
        other_clinic, "admin@other.clinic", "Noah Berg", Role.CLINIC_ADMIN
    )
    other.staff["clinician"] = _staff(
        other_clinic, "clinician@other.clinic", "Dr. Ana Souza", Role.CLINICIAN, "PT"
    )
    other.patients = [_patient(other_clinic, *row) for row in OTHER_PATIENTS]
    _types_and_hours(other_clinic, [other.staff["clinician"]])
    return {"demo": demo, "other": other}
