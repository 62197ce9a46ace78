"""Read-side queries of the clinic domain (patients, today's appointments, who among the
staff hears about a patient)."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet

from .access import scope
from .booking.models import ACTIVE_STATUSES, Appointment, AppointmentStatus
from .models import Clinic, Patient, Role, StaffMembership, User


def patient_list(*, user, search: str = "") -> QuerySet[Patient]:
    patients = scope(Patient.objects.all(), user)
    if "\x00" in search:  # no name holds one, and PostgreSQL refuses it as a parameter
        return patients.none()
    for word in search.split():
        patients = patients.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
        )
    return patients


def local_day_bounds(clinic: Clinic, day: date) -> tuple[datetime, datetime]:
    """The UTC-aware start and end of a calendar day in the clinic's time zone."""
    tz = clinic.tz
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def appointments_on_day(*, clinic: Clinic, day: date, clinician=None) -> QuerySet[Appointment]:
    start, end = local_day_bounds(clinic, day)
    appointments = Appointment.objects.filter(
        clinic=clinic, start__gte=start, start__lt=end, status__in=ACTIVE_STATUSES
    ).select_related("patient", "clinician", "appointment_type")
    if clinician is not None:
        appointments = appointments.filter(clinician=clinician)
    return appointments.order_by("start")


def upcoming_for_patient(*, user, patient: Patient, now: datetime, limit: int = 5) -> list[dict]:
    """The patient's next booked appointments as plain values (start, type, clinician): what
    their home page lists, small enough to keep in the shared cache."""
    appointments = (
        scope(patient.appointments.all(), user)
        .filter(start__gte=now, status=AppointmentStatus.BOOKED)
        .select_related("clinician", "appointment_type")
        .order_by("start")[:limit]
    )
    return [
        {"start": a.start, "type": a.appointment_type.name, "clinician": str(a.clinician)}
        for a in appointments
    ]


def responsible_clinicians(*, clinic_id: int, preferred: Iterable[User | None] = ()) -> list[User]:
    """Who hears about a patient's program: the first of `preferred` who still works at the
    clinic as a clinician or clinic admin, else every active clinician (else its admins)."""
    members = list(
        StaffMembership.objects.filter(
            clinic_id=clinic_id,
            role__in=(Role.CLINIC_ADMIN, Role.CLINICIAN),
            is_active=True,
            user__is_active=True,
        ).select_related("user")
    )
    present = {m.user_id for m in members}
    for user in preferred:
        if user is not None and user.pk in present:
            return [user]
    clinicians = [m.user for m in members if m.role == Role.CLINICIAN]
    return clinicians or [m.user for m in members]
