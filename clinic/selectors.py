"""Read-side queries of the ground floor: patients, and who among the staff hears about a
patient. The appointment lists of the home pages are booking's (clinic.booking.selectors)."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from .access import scope
from .models import Patient, Role, StaffMembership, User


def patient_list(*, user, search: str = "") -> QuerySet[Patient]:
    patients = scope(Patient.objects.all(), user)
    if "\x00" in search:  # no name holds one, and PostgreSQL refuses it as a parameter
        return patients.none()
    for word in search.split():
        patients = patients.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
        )
    return patients


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
