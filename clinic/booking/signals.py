"""Signal receivers of booking: cached free times and calendar weeks follow every change they
are built from (see `clinic.booking.slot_cache`)."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from clinic.models import Clinic, Patient, StaffMembership, User

from .models import (
    Appointment,
    AppointmentType,
    BookingSettings,
    ClinicClosure,
    TimeOff,
    WorkingHours,
)
from .slot_cache import clinic_changed

_CLINIC_ROWS = (Appointment, AppointmentType, BookingSettings, ClinicClosure, TimeOff, WorkingHours)


def _clinic_row_changed(sender, instance, **kwargs):
    clinic_changed([instance.clinic_id])


for _model in (*_CLINIC_ROWS, StaffMembership):
    for _signal in (post_save, post_delete):
        _signal.connect(
            _clinic_row_changed, sender=_model, dispatch_uid=f"gw_slots_{_model.__name__}"
        )


@receiver([post_save, post_delete], sender=Clinic, dispatch_uid="gw_slots_clinic")
def _clinic_saved(sender, instance, **kwargs):
    clinic_changed([instance.pk])


# What of a patient the calendar prints (Patient.full_name on every card).
_PATIENT_SHOWN = frozenset({"first_name", "last_name"})


@receiver([post_save, post_delete], sender=Patient, dispatch_uid="gw_slots_patient")
def _patient_changed(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and not _PATIENT_SHOWN & set(update_fields):
        return  # e.g. the login linked, intake notes: nothing the calendar shows
    clinic_changed([instance.clinic_id])


@receiver([post_save, post_delete], sender=User, dispatch_uid="gw_slots_user")
def _user_changed(sender, instance, **kwargs):
    # A clinician's name or active flag is part of who offers a type.
    clinic_changed(
        StaffMembership.objects.filter(user_id=instance.pk).values_list("clinic_id", flat=True)
    )


@receiver(m2m_changed, sender=AppointmentType.clinicians.through, dispatch_uid="gw_slots_offer")
def _offer_changed(sender, instance, **kwargs):
    if not kwargs["action"].startswith("post_"):
        return
    if isinstance(instance, AppointmentType):
        clinic_changed([instance.clinic_id])
    else:  # from the clinician's side: the clinician's clinic
        _user_changed(User, instance)
