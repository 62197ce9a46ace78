"""The patient shares their progress report (issue 21): a link valid for a few days that a
referring doctor opens without signing in, revocable by the patient at any time.

The link is the only credential, so it carries a long secret: derived from the row's random
nonce with SECRET_KEY (salted HMAC), compared in constant time against the SHA-256 the row
keeps. The URL holds the row's number and that secret, nothing about the patient. An expired
or revoked link, a changed SECRET_KEY or a wrong secret all answer 404 alike. Each opening
is counted on the row (the patient sees it) and written to the audit trail."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from clinic.audit.models import AccessAction
from clinic.audit.services import link_access_record
from clinic.models import Patient

from .models import ReportShare

SALT = "programs.report_sharing"
# How long a link may work, in days: the patient chooses one of these.
SHARE_DAYS = (7, 14, 30)
# At most this many links may work at once for one patient.
MAX_LIVE_SHARES = 5


def _secret(share: ReportShare) -> str:
    return salted_hmac(SALT, share.nonce, algorithm="sha256").hexdigest()


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def share_token(share: ReportShare) -> str:
    """The URL's credential: the row's number and its secret."""
    return f"{share.pk}-{_secret(share)}"


def share_path(share: ReportShare) -> str:
    return reverse("shared_progress", kwargs={"token": share_token(share)})


def share_pdf_path(share: ReportShare) -> str:
    return reverse("shared_progress_pdf", kwargs={"token": share_token(share)})


def live_shares(patient: Patient):
    """The patient's links that still work, newest first."""
    return ReportShare.objects.filter(
        patient=patient, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at", "-id")


@transaction.atomic
def report_share_create(*, patient: Patient, days: int) -> ReportShare:
    """A new link to the patient's progress report, working for `days` days."""
    if days not in SHARE_DAYS:
        allowed = ", ".join(str(d) for d in SHARE_DAYS)
        raise ValidationError({"days": _("Choose %(allowed)s days.") % {"allowed": allowed}})
    Patient.objects.select_for_update().filter(pk=patient.pk).first()  # one at a time
    if live_shares(patient).count() >= MAX_LIVE_SHARES:
        raise ValidationError(
            {
                "days": _("You already have %(count)s links that work. Stop sharing one first.")
                % {"count": MAX_LIVE_SHARES}
            }
        )
    share = ReportShare(
        clinic_id=patient.clinic_id,
        patient=patient,
        nonce=secrets.token_hex(32),
        expires_at=timezone.now() + timedelta(days=days),
    )
    share.secret_hash = _hash(_secret(share))
    share.save()
    return share


@transaction.atomic
def report_share_revoke(*, patient: Patient, pk: int) -> bool:
    """Stop one of the patient's links now; False when it is not theirs or already stopped."""
    return bool(
        ReportShare.objects.filter(pk=pk, patient=patient, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def report_share_from_token(token: str) -> ReportShare | None:
    """The working link `token` names, with its patient and clinic; None otherwise (the caller
    answers 404 whatever the reason)."""
    number, _sep, secret = (token or "").partition("-")
    share = None
    if number.isdigit() and len(number) < 19:
        share = (
            ReportShare.objects.select_related("patient__clinic", "clinic")
            .filter(pk=int(number), revoked_at__isnull=True, expires_at__gt=timezone.now())
            .first()
        )
    # Compare even when there is no row, so a wrong number costs the same as a wrong secret.
    expected = share.secret_hash if share is not None else "0" * 64
    if not hmac.compare_digest(expected, _hash(secret)) or share is None:
        return None
    if not hmac.compare_digest(share.secret_hash, _hash(_secret(share))):
        return None  # SECRET_KEY changed since: the old URL no longer works
    return share


def report_share_opened(share: ReportShare, *, pdf: bool) -> None:
    """Count the opening on the row and write it to the audit trail (no signed-in actor)."""
    ReportShare.objects.filter(pk=share.pk).update(
        opened_count=F("opened_count") + 1, last_opened_at=timezone.now()
    )
    link_access_record(
        clinic_id=share.clinic_id,
        patient_id=share.patient_id,
        object_type="progress_report_share",
        object_id=share.pk,
        action=AccessAction.EXPORT if pdf else AccessAction.VIEW,
        detail="progress report pdf, shared link" if pdf else "progress report, shared link",
    )
