"""Signal receivers of assessments: cached screen pages follow every write they are built from
(see `assessments.page_cache`)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from clinic.models import Clinic, Patient, User

from . import page_cache
from .models import ClinicThresholds, Screen, ScreenChange


@receiver([post_save, post_delete], sender=Screen, dispatch_uid="gw_pages_screen")
def _screen_changed(sender, instance, **kwargs):
    page_cache.patients_changed([instance.patient_id])


@receiver([post_save, post_delete], sender=ScreenChange, dispatch_uid="gw_pages_screen_change")
def _edit_logged(sender, instance, **kwargs):
    if page_cache.seconds():
        patient_ids = Screen.objects.filter(pk=instance.screen_id).values_list("patient_id")
        page_cache.patients_changed(pk for (pk,) in patient_ids)


@receiver([post_save, post_delete], sender=Patient, dispatch_uid="gw_pages_patient")
def _patient_changed(sender, instance, **kwargs):
    page_cache.patients_changed([instance.pk])


@receiver([post_save, post_delete], sender=ClinicThresholds, dispatch_uid="gw_pages_thresholds")
def _thresholds_changed(sender, instance, **kwargs):
    page_cache.clinics_changed([instance.clinic_id])


@receiver([post_save, post_delete], sender=Clinic, dispatch_uid="gw_pages_clinic")
def _clinic_changed(sender, instance, **kwargs):
    page_cache.clinics_changed([instance.pk])


@receiver([post_save, post_delete], sender=User, dispatch_uid="gw_pages_user")
def _user_changed(sender, instance, update_fields=None, **kwargs):
    # Signing in stamps last_login on every login: that changes no name shown on a page.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    page_cache.staff_changed()
