"""Write-side operations: schedule, cancel and move notifications; record consent."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import models, transaction
from django.utils import timezone

from clinic.models import Clinic, Patient, User

from . import timing
from .models import (
    STAFF_KINDS,
    Channel,
    ChannelPreference,
    ClinicNotificationSettings,
    ConsentEvent,
    ConsentSource,
    Kind,
    Notification,
    Status,
)

log = logging.getLogger(__name__)

DEFAULT_REMINDER_HOURS = (24, 2)
DEFAULT_PROGRAM_REMINDER_TIME = time(7, 30)
# Messages due this soon get a sweep right after commit instead of waiting for the next beat.
KICK_WINDOW = timedelta(minutes=2)
UNSUBSCRIBE_SALT = "notifications.unsubscribe"
REVIVED_STATUSES = (Status.CANCELLED,)

Subject = models.Model | str


def subject_parts(subject: Subject) -> tuple[ContentType | None, int | None, str]:
    """The content type, id and stable string reference of a model instance or a plain string."""
    if isinstance(subject, str):
        return None, None, subject
    content_type = ContentType.objects.get_for_model(subject)
    return content_type, subject.pk, f"{content_type.app_label}.{content_type.model}:{subject.pk}"


def idempotency_key(
    *, patient: Patient | None, user: User | None, channel: str, kind: str, ref: str, at: datetime
) -> str:
    recipient = f"user:{user.pk}" if user is not None else f"patient:{patient.pk}"
    stamp = at.astimezone(UTC).replace(microsecond=0).isoformat()
    return hashlib.sha256(f"{recipient}|{channel}|{kind}|{ref}|{stamp}".encode()).hexdigest()


def preference_of(patient: Patient) -> ChannelPreference:
    """The patient's saved preferences, or unsaved defaults (e-mail on, SMS off)."""
    try:
        return patient.notification_preference
    except ChannelPreference.DoesNotExist:
        return ChannelPreference(patient=patient)


def patient_time_zone(patient: Patient, preference: ChannelPreference | None = None) -> ZoneInfo:
    preference = preference or preference_of(patient)
    return preference.tz or patient.clinic.tz


def quiet_hours_of(preference: ChannelPreference) -> timing.QuietHours | None:
    if preference.quiet_start is None or preference.quiet_end is None:
        return None
    return timing.QuietHours(preference.quiet_start, preference.quiet_end)


def patient_channels(patient: Patient, preference: ChannelPreference | None = None) -> list[str]:
    """Channels the patient has agreed to and has an address for."""
    preference = preference or preference_of(patient)
    channels = []
    if preference.email_enabled and patient.email:
        channels.append(Channel.EMAIL)
    if preference.sms_enabled and patient.phone:
        channels.append(Channel.SMS)
    return channels


def _kick_after_commit() -> None:
    if not settings.NOTIFICATIONS_SWEEP_ON_COMMIT:
        return  # the test suite sweeps explicitly; the beat sweeps every minute regardless
    from .tasks import dispatch_due  # the task module imports the sweep, which imports us

    # robust: a broker hiccup after commit must not break the booking; the beat sweeps anyway.
    transaction.on_commit(dispatch_due.delay, robust=True)


@transaction.atomic
def notification_schedule(
    *,
    clinic: Clinic,
    kind: str,
    channel: str,
    due_at: datetime,
    subject: Subject,
    patient: Patient | None = None,
    recipient_user: User | None = None,
    payload: dict[str, Any] | None = None,
    key_time: datetime | None = None,
    not_after: datetime | None = None,
) -> Notification:
    """Create (or return the existing) row for one message, in the caller's transaction.

    `key_time` is the moment that identifies the message (the appointment start for a
    confirmation); it defaults to `due_at`. Patient messages move out of quiet hours, but
    never past `not_after`. Scheduling again is harmless and revives a cancelled row.
    """
    if patient is None and recipient_user is None:
        raise ValueError("A notification needs a patient or a staff recipient.")
    if (recipient_user is None) == (kind in STAFF_KINDS):
        raise ValueError(f"{kind} is not a message for this kind of recipient.")
    content_type, subject_id, ref = subject_parts(subject)
    key = idempotency_key(
        patient=patient,
        user=recipient_user,
        channel=channel,
        kind=kind,
        ref=ref,
        at=key_time or due_at,
    )
    if recipient_user is None:
        preference = preference_of(patient)
        due_at = timing.outside_quiet_hours(
            due_at,
            quiet_hours_of(preference),
            patient_time_zone(patient, preference),
            not_after=not_after,
        )
    notification, created = Notification.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "clinic": clinic,
            "patient": patient,
            "recipient_user": recipient_user,
            "channel": channel,
            "kind": kind,
            "subject_type": content_type,
            "subject_id": subject_id,
            "subject_ref": ref,
            "due_at": due_at,
            "payload": payload or {},
        },
    )
    if not created and notification.status in REVIVED_STATUSES:
        notification.status = Status.PENDING
        notification.cancel_reason = ""
        notification.due_at = due_at
        notification.payload = payload or {}
        notification.save(update_fields=["status", "cancel_reason", "due_at", "payload"])
    if (
        notification.status == Status.PENDING
        and notification.due_at <= timezone.now() + KICK_WINDOW
    ):
        _kick_after_commit()
    return notification


@transaction.atomic
def notifications_cancel_for(
    *, subject: Subject, reason: str = "", kinds: Iterable[str] | None = None
) -> int:
    """Cancel the subject's messages that have not gone out yet; returns how many."""
    _, _, ref = subject_parts(subject)
    pending = Notification.objects.filter(subject_ref=ref, status=Status.PENDING)
    if kinds is not None:
        pending = pending.filter(kind__in=list(kinds))
    return pending.update(
        status=Status.CANCELLED, cancel_reason=reason[:200], updated_at=timezone.now()
    )


@transaction.atomic
def notifications_reschedule_for(
    *, subject: Subject, new_time: datetime, payload_update: dict[str, Any] | None = None
) -> list[Notification]:
    """Move the subject's pending messages that are timed relative to it (they carry
    `hours_before` in their payload, like appointment reminders) to a new event time."""
    _, _, ref = subject_parts(subject)
    moving = list(
        # Lock only the notification rows: PostgreSQL refuses to lock the outer-joined ones.
        Notification.objects.select_for_update(of=("self",))
        .filter(subject_ref=ref, status=Status.PENDING, payload__has_key="hours_before")
        .select_related("clinic", "patient__clinic", "recipient_user")
    )
    Notification.objects.filter(pk__in=[n.pk for n in moving]).update(
        status=Status.CANCELLED, cancel_reason="Moved to a new time.", updated_at=timezone.now()
    )
    moved = []
    for old in moving:
        tz = patient_time_zone(old.patient) if old.recipient_user_id is None else old.clinic.tz
        payload = {**old.payload, **(payload_update or {}), "start": new_time.isoformat()}
        moved.append(
            notification_schedule(
                clinic=old.clinic,
                kind=old.kind,
                channel=old.channel,
                due_at=timing.before(new_time, old.payload["hours_before"], tz),
                subject=subject,
                patient=old.patient,
                recipient_user=old.recipient_user,
                payload=payload,
                not_after=new_time,
            )
        )
    return moved


def reminder_hours_for(clinic: Clinic) -> list[float]:
    clinic_settings = ClinicNotificationSettings.objects.filter(clinic=clinic).first()
    if clinic_settings is None or not clinic_settings.reminder_hours_before:
        return list(DEFAULT_REMINDER_HOURS)
    return list(clinic_settings.reminder_hours_before)


def appointment_payload(appointment) -> dict[str, Any]:
    from clinic.booking.services import manage_url  # booking calls these hooks

    return {
        "manage_url": manage_url(appointment),
        "start": appointment.start.isoformat(),
        "end": appointment.end.isoformat(),
        "appointment_type": appointment.appointment_type.name,
        "clinician": str(appointment.clinician),
        "clinic_address": appointment.clinic.address,
        "clinic_phone": appointment.clinic.phone,
    }


@transaction.atomic
def appointment_reminders_schedule(*, appointment) -> list[Notification]:
    """Reminders before an appointment (clinic's hours, default 24 h and 2 h), on each channel
    the patient accepts; reminders whose time has already passed are skipped."""
    patient = appointment.patient
    preference = preference_of(patient)
    tz = patient_time_zone(patient, preference)
    now = timezone.now()
    created = []
    for hours in reminder_hours_for(appointment.clinic):
        due = timing.before(appointment.start, hours, tz)
        if due <= now:
            continue
        for channel in patient_channels(patient, preference):
            created.append(
                notification_schedule(
                    clinic=appointment.clinic,
                    kind=Kind.APPOINTMENT_REMINDER,
                    channel=channel,
                    due_at=due,
                    subject=appointment,
                    patient=patient,
                    payload={**appointment_payload(appointment), "hours_before": hours},
                    not_after=appointment.start,
                )
            )
    return created


def _patient_notice(*, appointment, kind: str, payload: dict[str, Any]) -> list[Notification]:
    patient = appointment.patient
    return [
        notification_schedule(
            clinic=appointment.clinic,
            kind=kind,
            channel=channel,
            due_at=timezone.now(),
            key_time=appointment.start,
            subject=appointment,
            patient=patient,
            payload=payload,
            not_after=appointment.start,
        )
        for channel in patient_channels(patient)
    ]


@transaction.atomic
def appointment_booked_notify(*, appointment) -> list[Notification]:
    """Hook for booking: a confirmation now (with a calendar file) and the reminders."""
    notices = _patient_notice(
        appointment=appointment,
        kind=Kind.BOOKING_CONFIRMATION,
        payload=appointment_payload(appointment),
    )
    return notices + appointment_reminders_schedule(appointment=appointment)


@transaction.atomic
def appointment_moved_notify(*, appointment, old_start: datetime) -> list[Notification]:
    """Hook for booking: reminders follow the new time and the patient hears of the change."""
    payload = appointment_payload(appointment)
    moved = notifications_reschedule_for(subject=appointment, new_time=appointment.start)
    if not moved:
        moved = appointment_reminders_schedule(appointment=appointment)
    notices = _patient_notice(
        appointment=appointment,
        kind=Kind.BOOKING_CHANGED,
        payload={**payload, "old_start": old_start.isoformat()},
    )
    return notices + moved


@transaction.atomic
def appointment_cancelled_notify(*, appointment) -> list[Notification]:
    """Hook for booking: pending reminders are cancelled and the patient is told."""
    notifications_cancel_for(subject=appointment, reason="The appointment was cancelled.")
    return _patient_notice(
        appointment=appointment,
        kind=Kind.BOOKING_CANCELLED,
        payload=appointment_payload(appointment),
    )


@transaction.atomic
def program_reminders_schedule(
    *, patient: Patient, subject: Subject, days: Iterable[date], kind: str = Kind.PROGRAM_REMINDER
) -> list[Notification]:
    """Home-program reminders (or check-in prompts) on the given days at the patient's
    preferred local time, whatever the clocks did that night."""
    preference = preference_of(patient)
    tz = patient_time_zone(patient, preference)
    at = preference.reminder_time or DEFAULT_PROGRAM_REMINDER_TIME
    now = timezone.now()
    created = []
    for day in days:
        due = timing.local_moment(day, at, tz)
        if due <= now:
            continue
        for channel in patient_channels(patient, preference):
            created.append(
                notification_schedule(
                    clinic=patient.clinic,
                    kind=kind,
                    channel=channel,
                    due_at=due,
                    key_time=timing.local_moment(day, time(0), tz),
                    subject=subject,
                    patient=patient,
                    payload={"day": day.isoformat()},
                )
            )
    return created


@transaction.atomic
def patient_message_schedule(
    *, patient: Patient, kind: str, subject: Subject, payload: dict[str, Any], key_time: datetime
) -> list[Notification]:
    """A one-off patient message such as a progression update or re-screen due, on each
    channel the patient accepts. `payload` fills the e-mail; SMS never shows it."""
    return [
        notification_schedule(
            clinic=patient.clinic,
            kind=kind,
            channel=channel,
            due_at=timezone.now(),
            key_time=key_time,
            subject=subject,
            patient=patient,
            payload=payload,
        )
        for channel in patient_channels(patient)
    ]


@transaction.atomic
def staff_alert_schedule(
    *,
    clinic: Clinic,
    kind: str,
    staff: Iterable[User],
    subject: Subject,
    key_time: datetime,
    patient: Patient | None = None,
    payload: dict[str, Any] | None = None,
) -> list[Notification]:
    """An e-mail now to each of the given staff members about something that needs them."""
    return [
        notification_schedule(
            clinic=clinic,
            kind=kind,
            channel=Channel.EMAIL,
            due_at=timezone.now(),
            key_time=key_time,
            subject=subject,
            patient=patient,
            recipient_user=user,
            payload=payload,
        )
        for user in staff
        if user.email
    ]


@transaction.atomic
def channel_preference_set(
    *, patient: Patient, channel: str, enabled: bool, source: str, actor: User | None = None
) -> ChannelPreference:
    """Turn a channel on or off for a patient and record who did it and when."""
    preference, _ = ChannelPreference.objects.select_for_update().get_or_create(patient=patient)
    field = "sms_enabled" if channel == Channel.SMS else "email_enabled"
    setattr(preference, field, enabled)
    preference.save(update_fields=[field, "updated_at"])
    ConsentEvent.objects.create(
        patient=patient, channel=channel, granted=enabled, source=source, actor=actor
    )
    if not enabled:
        Notification.objects.filter(
            patient=patient, recipient_user__isnull=True, channel=channel, status=Status.PENDING
        ).update(
            status=Status.CANCELLED,
            cancel_reason=f"The patient turned {channel} off.",
            updated_at=timezone.now(),
        )
    return preference


def unsubscribe_token(*, patient: Patient, channel: str) -> str:
    return signing.dumps({"p": patient.pk, "c": channel}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_token_read(token: str) -> tuple[int, str]:
    """The patient id and channel a token stands for; raises signing.BadSignature."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if data.get("c") not in Channel.values:
        raise signing.BadSignature("Unknown channel.")
    return int(data["p"]), data["c"]


@transaction.atomic
def unsubscribe(*, token: str) -> ChannelPreference:
    patient_id, channel = unsubscribe_token_read(token)
    patient = Patient.objects.get(pk=patient_id)
    return channel_preference_set(
        patient=patient, channel=channel, enabled=False, source=ConsentSource.UNSUBSCRIBE_LINK
    )
