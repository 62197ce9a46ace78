"""Signal receivers of the clinic app: cached sign-in users follow every write that changes
who a user is in the clinic (see `clinic.auth_backend`); signing out ends API tokens too."""

from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_otp.models import Device

from .auth_backend import caching_users, forget_device, forget_users
from .models import Clinic, Patient, StaffMembership, User
from .services import api_tokens_end


@receiver([post_save, post_delete], sender=User, dispatch_uid="gw_forget_user")
def _user_changed(sender, instance, **kwargs):
    forget_users([instance.pk])


@receiver([post_save, post_delete], sender=StaffMembership, dispatch_uid="gw_forget_member")
@receiver([post_save, post_delete], sender=Patient, dispatch_uid="gw_forget_patient")
def _profile_changed(sender, instance, **kwargs):
    forget_users([instance.user_id])


@receiver([post_save, post_delete], sender=Clinic, dispatch_uid="gw_forget_clinic")
def _clinic_changed(sender, instance, **kwargs):
    if not caching_users():
        return
    staff = StaffMembership.objects.filter(clinic_id=instance.pk).values_list("user_id", flat=True)
    patients = Patient.objects.filter(clinic_id=instance.pk, user__isnull=False)
    forget_users([*staff, *patients.values_list("user_id", flat=True)])


@receiver([post_save, post_delete], dispatch_uid="gw_forget_device")
def _device_changed(sender, instance, **kwargs):
    # Devices are several models (authenticator, recovery codes); all derive from Device.
    if isinstance(instance, Device) and caching_users():
        forget_device(instance.persistent_id)


@receiver(user_logged_out, dispatch_uid="gw_logout_ends_tokens")
def _signed_out(sender, request, user, **kwargs):
    # "Sign out" means everywhere this person chose to be signed in, their API clients too.
    if user is not None:
        api_tokens_end(user_id=user.pk)
