"""Clinic set-up services for clinic admins: staff accounts, appointment types, working hours."""

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext

from clinic.booking.models import AppointmentType, WorkingHours
from clinic.models import Clinic, Role, StaffMembership, User
from clinic.services import sign_out_everywhere


def _send_set_password_email(user: User, *, clinic: Clinic, request) -> None:
    # Django's PasswordResetForm skips accounts without a usable password, which is exactly
    # what a new invitee has, so the same signed one-time link is built here.
    context = {
        "clinic": clinic,
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "protocol": "https" if request.is_secure() else "http",
        "domain": request.get_host(),
    }
    subject = render_to_string("registration/staff_invite_subject.txt", context).strip()
    body = render_to_string("registration/staff_invite_email.txt", context)
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def staff_add(
    *, clinic: Clinic, email: str, full_name: str, role: str, title: str = "", request=None
) -> StaffMembership:
    """Create a staff account in `clinic` and e-mail a link to choose a password."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": gettext("This e-mail already has a Groundwork account.")})
    if role not in Role.values:
        raise ValidationError({"role": gettext("Unknown role %(role)r.") % {"role": role}})
    user = User.objects.create_user(email=email, password=None, full_name=full_name.strip())
    membership = StaffMembership.objects.create(user=user, clinic=clinic, role=role, title=title)
    if request is not None:
        transaction.on_commit(
            lambda: _send_set_password_email(user, clinic=clinic, request=request)
        )
    return membership


@transaction.atomic
def staff_update(
    *, membership: StaffMembership, acting_user: User, role: str, title: str, is_active: bool
) -> StaffMembership:
    if membership.user_id == acting_user.pk and (not is_active or role != Role.CLINIC_ADMIN):
        raise ValidationError(
            gettext(
                "You cannot remove your own admin role or deactivate yourself; ask another admin."
            )
        )
    membership.role = role
    membership.title = title
    membership.is_active = is_active
    membership.full_clean()
    membership.save()
    # A deactivated staff member can no longer sign in at all, and what they were signed in
    # with ends now: re-activating them later must not bring old tokens or sessions back.
    User.objects.filter(pk=membership.user_id).update(is_active=is_active)
    if not is_active:
        sign_out_everywhere(user_id=membership.user_id)
    return membership


@transaction.atomic
def appointment_type_save(
    *, clinic: Clinic, instance: AppointmentType | None, clinicians, **fields
) -> AppointmentType:
    appointment_type = instance or AppointmentType(clinic=clinic)
    for name, value in fields.items():
        setattr(appointment_type, name, value)
    appointment_type.full_clean()
    appointment_type.save()
    appointment_type.clinicians.set(clinicians)
    return appointment_type


@transaction.atomic
def working_hours_replace(*, clinic: Clinic, clinician: User, week: dict) -> None:
    """Replace a clinician's weekly hours: `week` maps weekday -> (start, end) or None."""
    WorkingHours.objects.filter(clinic=clinic, clinician=clinician).delete()
    WorkingHours.objects.bulk_create(
        WorkingHours(clinic=clinic, clinician=clinician, weekday=day, start_time=s, end_time=e)
        for day, span in sorted(week.items())
        if span is not None
        for s, e in [span]
    )
