"""The one place that decides who may see what: every query a user makes goes through `scope`.

Staff see the records of their own clinic, limited by role; a patient sees only records that
belong to them. Models name the path to their clinic and patient with two class attributes:
`CLINIC_LOOKUP` (default "clinic") and `PATIENT_LOOKUP` (default "patient").
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext

from .models import Clinic, Patient, Role, StaffMembership

PATIENT = "patient"
STAFF_ROLES = (Role.CLINIC_ADMIN, Role.CLINICIAN, Role.FRONT_DESK)
CLINICAL_ROLES = (Role.CLINIC_ADMIN, Role.CLINICIAN)
_UNSET = object()


# The largest id a row can have (a 64-bit signed primary key).
MAX_ID = 2**63 - 1


def parse_id(value: str | None) -> int | None:
    """A record id from a query string or form value: plain ASCII digits ("²" is a digit to
    Python) of a number a primary key can hold; anything else is None."""
    if not value or not value.isascii() or not value.isdigit() or len(value) > 19:
        return None
    number = int(value)
    return number if number <= MAX_ID else None


def membership_of(user) -> StaffMembership | None:
    """The active staff membership of a user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_gw_membership", _UNSET)
    if cached is _UNSET:
        cached = (
            StaffMembership.objects.select_related("clinic")
            .filter(user=user, is_active=True)
            .first()
        )
        user._gw_membership = cached
    return cached


def patient_of(user) -> Patient | None:
    """The patient record a user signs in as, if any (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_gw_patient", _UNSET)
    if cached is _UNSET:
        cached = Patient.objects.select_related("clinic").filter(user=user).first()
        user._gw_patient = cached
    return cached


def role_of(user) -> str | None:
    membership = membership_of(user)
    if membership is not None:
        return membership.role
    if patient_of(user) is not None:
        return PATIENT
    return None


def clinic_of(user) -> Clinic | None:
    membership = membership_of(user)
    if membership is not None:
        return membership.clinic
    patient = patient_of(user)
    return patient.clinic if patient is not None else None


def scope(queryset: QuerySet, user, *, roles: Iterable[str] | None = None) -> QuerySet:
    """Limit `queryset` to what `user` may see; an empty queryset when they may see nothing.

    `roles` lists the roles allowed at all (staff roles and/or "patient"); others get nothing.
    """
    model = queryset.model
    allowed = set(roles) if roles is not None else None
    membership = membership_of(user)
    if membership is not None:
        if allowed is not None and membership.role not in allowed:
            return queryset.none()
        return queryset.filter(**{getattr(model, "CLINIC_LOOKUP", "clinic"): membership.clinic_id})
    patient = patient_of(user)
    if patient is not None:
        if allowed is not None and PATIENT not in allowed:
            return queryset.none()
        return queryset.filter(**{getattr(model, "PATIENT_LOOKUP", "patient"): patient.pk})
    return queryset.none()


def has_role(user, roles: Iterable[str]) -> bool:
    return role_of(user) in set(roles)


def role_required(*roles: str):
    """View decorator: anonymous users go to the login page, other roles get a 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, roles):
                raise PermissionDenied(gettext("Your role does not give access to this page."))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
