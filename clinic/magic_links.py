"""Password-free sign-in for patients: signed, single-use, expiring links sent by e-mail.

The token signs the user's id and a fingerprint of their last sign-in time and password hash.
Signing in changes `last_login`, so a used link stops matching: single use without storing
anything. The signature's timestamp gives the expiry.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from .models import Patient, StaffMembership, User

SALT = "groundwork.magic-link"


class MagicLinkError(Exception):
    """The link is malformed, expired, already used, or not a patient's."""


def _fingerprint(user: User) -> str:
    material = f"{user.pk}|{user.password}|{user.last_login and user.last_login.isoformat()}"
    return hashlib.sha256(material.encode()).hexdigest()[:24]


def make_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "f": _fingerprint(user)}, salt=SALT, compress=True)


def is_patient_only(user: User) -> bool:
    """An account that may sign in by e-mailed link: no staff role and no admin rights.

    A magic link is only as strong as the mailbox it goes to, and front desk staff can edit a
    patient's e-mail; so it must never open an account that could do more than see one
    patient's own program.
    """
    return not (
        user.is_staff or user.is_superuser or StaffMembership.objects.filter(user=user).exists()
    )


def user_for_token(token: str) -> User:
    """The patient user a token signs in, or MagicLinkError saying why not."""
    max_age = settings.MAGIC_LINK_MAX_AGE_MINUTES * 60
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise MagicLinkError(
            gettext("This sign-in link has expired. Ask for a new one below.")
        ) from error
    except signing.BadSignature as error:
        raise MagicLinkError(
            gettext("This sign-in link is not valid. Ask for a new one below.")
        ) from error
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or _fingerprint(user) != data.get("f"):
        raise MagicLinkError(
            gettext("This sign-in link has already been used. Ask for a new one below.")
        )
    # Staff and admin accounts sign in with a password (and, in production, a second factor).
    if not is_patient_only(user) or not hasattr(user, "patient_profile"):
        raise MagicLinkError(
            gettext("This link can only sign in a patient. Staff sign in with a password.")
        )
    return user


def patient_login_user(patient: Patient) -> User:
    """The patient's sign-in account, created (without a password) on first invitation.

    An existing account with the same e-mail is adopted only when it is patient-only and signs
    in no other patient; anything else is refused, so that typing a staff member's or an
    administrator's address into a patient record can never hand out a link to their account.
    """
    if patient.user_id:
        user = patient.user
        if not is_patient_only(user):
            raise ValueError(gettext("This patient's sign-in account is not a patient account."))
        return user
    if not patient.email:
        raise ValueError(gettext("The patient needs an e-mail address before they can be invited."))
    user = User.objects.filter(email__iexact=patient.email).first()
    if user is None:
        user = User.objects.create_user(
            email=patient.email, password=None, full_name=patient.full_name
        )
    elif not is_patient_only(user) or (
        user.has_usable_password() and not hasattr(user, "patient_profile")
    ):
        # A password-holding account that is no patient's (a former staff member, say) was
        # made for someone else: it is not ours to hand out.
        raise ValueError(
            gettext("This e-mail belongs to a staff account; use another for the patient.")
        )
    elif Patient.objects.filter(user=user).exclude(pk=patient.pk).exists():
        raise ValueError(gettext("This e-mail already signs in another patient record."))
    patient.user = user
    patient.save(update_fields=["user", "updated_at"])
    return user


def send_magic_link(patient: Patient, *, base_url: str | None = None) -> User:
    """E-mail a sign-in link to the account's own address (not the editable record's)."""
    user = patient_login_user(patient)
    link = (base_url or settings.SITE_URL).rstrip("/") + reverse(
        "magic_link", args=[make_token(user)]
    )
    context = {
        "patient": patient,
        "clinic": patient.clinic,
        "link": link,
        "minutes": settings.MAGIC_LINK_MAX_AGE_MINUTES,
    }
    with translation.override(str(patient.language or settings.LANGUAGE_CODE)):  # the reader's
        subject = render_to_string("clinic/email/magic_link_subject.txt", context).strip()
        text = render_to_string("clinic/email/magic_link.txt", context)
        html = render_to_string("clinic/email/magic_link.html", context)
    send_mail(subject, text, None, [user.email], html_message=html)
    return user


def send_magic_links_to(*, email: str, base_url: str | None = None) -> int:
    """E-mail a sign-in link to each patient the address finds, by the record's address or
    the account's; how many were sent. Runs in a worker (clinic.tasks.magic_links_send), so
    the request that asked answers in the same time whether or not the address is known."""
    patients = (
        Patient.objects.filter(Q(user__email__iexact=email) | Q(email__iexact=email))
        .select_related("clinic", "user")
        .distinct()
    )
    sent = 0
    for patient in patients:
        try:
            send_magic_link(patient, base_url=base_url)
        except ValueError:
            continue  # not a patient-only account: no link, and nobody is told why
        sent += 1
    return sent
