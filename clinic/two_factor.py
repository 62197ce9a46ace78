"""Staff two-factor authentication: an authenticator app (TOTP) plus one-time recovery codes."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import membership_of

RECOVERY_CODES = 10


def applies_to(user) -> bool:
    """Whether an account signs in as staff: a clinic membership, or access to the Django
    admin (`is_staff`/`is_superuser`, which a `createsuperuser` account has without any
    membership). Patients never use a second factor."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser) or membership_of(user) is not None


def required_for(user) -> bool:
    """Staff, admin accounts included, must use a second factor when the setting is on."""
    return bool(settings.STAFF_TWO_FACTOR_REQUIRED) and applies_to(user)


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def may_set_up(user) -> bool:
    """Whether this session may show a new authenticator secret and enrol it.

    A password alone is enough only while the account has no confirmed authenticator. Once it
    has one, replacing it needs a session verified with that device or a recovery code:
    otherwise a stolen password would enrol the thief's phone and lock the owner out.
    """
    verified = getattr(user, "is_verified", None)  # set on request.user by OTPMiddleware
    return not has_device(user) or bool(verified and verified())


def pending_device(user) -> TOTPDevice:
    """The authenticator being set up: one unconfirmed device per user, reused on reload."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def confirm_device(user, code: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from it; returns fresh recovery codes.

    Replacing a confirmed authenticator is refused unless `may_set_up(user)`; the owner is
    e-mailed whenever their second factor changes, so a change they did not make is noticed.
    """
    if not may_set_up(user):
        raise PermissionDenied(
            gettext("Verify with your current authenticator or a recovery code first.")
        )
    replacing = has_device(user)
    device = pending_device(user)
    if not device.verify_token(code.strip()):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save()
    codes = regenerate_recovery_codes(user)
    transaction.on_commit(lambda: _tell_owner(user, replaced=replacing))
    return codes


def _tell_owner(user, *, replaced: bool) -> None:
    context = {"user": user, "replaced": replaced}
    send_mail(
        render_to_string("clinic/email/two_factor_changed_subject.txt", context).strip(),
        render_to_string("clinic/email/two_factor_changed.txt", context),
        None,
        [user.email],
    )


@transaction.atomic
def regenerate_recovery_codes(user) -> list[str]:
    static, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": "Recovery codes"})
    static.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


def verify(user, code: str):
    """The device (authenticator or a recovery code, used up) that accepts `code`, or None."""
    code = (code or "").strip().replace(" ", "")
    if not code:
        return None
    return match_token(user, code)
