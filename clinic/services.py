"""Write-side operations of the clinic domain."""

from importlib import import_module

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token

from .languages import language_of
from .models import Clinic, Patient, User
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


# A patient's time zone changed (sent inside the saving transaction with `patient=`): the
# outbox, which this app does not know, re-times the messages it holds for them.
patient_time_zone_changed = Signal()


@transaction.atomic
def patient_update(*, patient: Patient, **fields) -> Patient:
    _phone_of(fields, patient.clinic)
    # As stored: a ModelForm has already put the new values on the instance.
    zone_before = Patient.objects.filter(pk=patient.pk).values_list("time_zone", flat=True).first()
    for name, value in fields.items():
        setattr(patient, name, value)
    patient.email = (patient.email or "").strip().lower()
    patient.full_clean()
    patient.save()
    if patient.time_zone != zone_before:
        patient_time_zone_changed.send(sender=Patient, patient=patient)
    return patient


@transaction.atomic
def patient_preferences_set(
    *, patient: Patient, language: str | None = None, units: str | None = None
) -> Patient:
    """The patient's language and units, each left as it is when None. Only these two
    columns are written, so a legacy value elsewhere on the record does not block the choice."""
    changed = []
    if language is not None:
        patient.language = language
        changed.append("language")
    if units is not None:
        patient.units = units
        changed.append("units")
    if changed:
        patient.full_clean(exclude=[f.name for f in Patient._meta.fields if f.name not in changed])
        patient.save(update_fields=[*changed, "updated_at"])
    return patient


@transaction.atomic
def api_token_issue(*, user: User) -> Token:
    """A new API token for `user`, replacing the one they had: each sign-in starts a fresh
    lifetime, and a token copied earlier stops working."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # one sign-in at a time
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def api_tokens_end(*, user_id: int) -> None:
    Token.objects.filter(user_id=user_id).delete()


def sign_out_everywhere(*, user_id: int) -> None:
    """End every way `user_id` is signed in: API tokens and browser sessions."""
    api_tokens_end(user_id=user_id)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    # Sessions are not indexed by user: read each live one (this runs rarely, by an admin).
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            store(session_key=session.session_key).delete()  # from the cache too


class _ResetInAccountLanguage(PasswordResetForm):
    """Each account's e-mail in its own language (issue 22): a patient's Patient.language,
    staff the default. The worker decides, as it is the one that finds the accounts."""

    def send_mail(self, *args, **kwargs):
        context = kwargs.get("context") if "context" in kwargs else args[2]
        language = language_of(context["user"]) or settings.LANGUAGE_CODE
        with translation.override(language):
            super().send_mail(*args, **kwargs)


def send_password_reset(*, email: str, domain: str, use_https: bool) -> None:
    """What Django's password-reset form does in the request, done by a worker
    (clinic.tasks.password_reset_send): a one-time link to each active account with a password
    and this address (none for an unknown one)."""
    form = _ResetInAccountLanguage({"email": email})
    if form.is_valid():
        form.save(domain_override=domain, use_https=use_https)
