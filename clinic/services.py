"""Write-side operations of the clinic domain."""

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Clinic, Patient
from .phones import phone_for_clinic


def _phone_of(fields: dict, clinic: Clinic) -> None:
    """Put a given phone number in E.164 with the clinic's region; a number that cannot be
    read is refused on the `phone` field."""
    if "phone" in fields:
        try:
            fields["phone"] = phone_for_clinic(fields["phone"], clinic)
        except ValidationError as error:
            raise ValidationError({"phone": error.messages}) from None


@transaction.atomic
def patient_create(*, clinic: Clinic, **fields) -> Patient:
    _phone_of(fields, clinic)
    patient = Patient(clinic=clinic, **fields)
    patient.email = (patient.email or "").strip().lower()
    patient.full_clean()
    patient.save()
    return patient


@transaction.atomic
def patient_update(*, patient: Patient, **fields) -> Patient:
    _phone_of(fields, patient.clinic)
    for name, value in fields.items():
        setattr(patient, name, value)
    patient.email = (patient.email or "").strip().lower()
    patient.full_clean()
    patient.save()
    return patient
