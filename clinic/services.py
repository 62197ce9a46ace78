"""Write-side operations of the clinic domain."""

from django.db import transaction

from .models import Clinic, Patient


@transaction.atomic
def patient_create(*, clinic: Clinic, **fields) -> Patient:
    patient = Patient(clinic=clinic, **fields)
    patient.email = (patient.email or "").strip().lower()
    patient.full_clean()
    patient.save()
    return patient


@transaction.atomic
def patient_update(*, patient: Patient, **fields) -> Patient:
    for name, value in fields.items():
        setattr(patient, name, value)
    patient.email = (patient.email or "").strip().lower()
    patient.full_clean()
    patient.save()
    return patient
