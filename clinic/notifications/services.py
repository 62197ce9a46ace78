"""Write-side operations of the outbox: schedule, cancel and move messages; record consent
and preferences. It knows recipients, kinds and payloads, not the programs or appointments
the messages are about: those apps schedule their own messages through this module."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext

from clinic.models import Clinic, Patient, User
from clinic.phones import is_e164

from . import signals, timing
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
from .preferences import preference_of, quiet_hours_of, unsubscribe_token_read
from .tasks import dispatch_due
from .transports import sms_available

log = logging.getLogger(__name__)

DEFAULT_REMINDER_HOURS = (24, 2)
# A patient's reminders (home program, questionnaires, self-tests, re-screen) come at the time
# they chose, else at this local time.
DEFAULT_REMINDER_TIME = time(7, 30)
# Messages due this soon get a sweep right after commit instead of waiting for the next beat.
KICK_WINDOW = timedelta(minutes=2)
REVIVED_STATUSES = (Status.CANCELLED,)

Subject = models.Model | str


def subject_parts(subject: Subject) -> tuple[ContentType | None, int | None, str]:
    """The content type, id and stable string reference of a model instance or a plain string."""
    if isinstance(subject, str):
        return None, None, subject
    content_type = ContentType.objects.get_for_model(subject)
    return content_type, subject.pk, f"{content_type.app_label}.{content_type.model}:{subject.pk}"


def idempotency_key(
    *,
    patient: Patient | None,
    user: User | None,
    channel: str,
    kind: str,
    ref: str,
    at: datetime,
    version: str = "",
) -> str:
    recipient = f"user:{user.pk}" if user is not None else f"patient:{patient.pk}"
    stamp = at.astimezone(UTC).replace(microsecond=0).isoformat()
    text = f"{recipient}|{channel}|{kind}|{ref}|{stamp}"
    if version:  # only when given, so every key made before `version` existed stays the same
        text += f"|{version}"
    return hashlib.sha256(text.encode()).hexdigest()


def reminder_time_of(preference: ChannelPreference) -> time:
    """The local time of day the patient's reminders come at."""
    return preference.reminder_time or DEFAULT_REMINDER_TIME


def reminder_moment(patient: Patient) -> datetime:
    """The patient's next reminder time: today's, or tomorrow's once today's has passed. In
    their own morning rather than whenever a nightly task ran, and never at the same moment
    as a booking confirmation."""
    tz = patient.tz
    at = reminder_time_of(preference_of(patient))
    day = patient.today()
    due = timing.local_moment(day, at, tz)
    if due <= timezone.now():
        due = timing.local_moment(day + timedelta(days=1), at, tz)
    return due


def can_text(patient: Patient) -> bool:
    """Whether a text could reach the patient: a provider is set up and the number on file
    is a valid one (a number kept as typed because it could not be read never is)."""
    return sms_available() and is_e164(patient.phone)


def patient_channels(patient: Patient, preference: ChannelPreference | None = None) -> list[str]:
    """Channels the patient has agreed to and has an address for. A patient who chose texts
    when none can reach them gets e-mail, unless they turned e-mail off themselves."""
    preference = preference or preference_of(patient)
    channels = []
    if preference.email_enabled and patient.email:
        channels.append(Channel.EMAIL)
    if preference.sms_enabled and can_text(patient):
        channels.append(Channel.SMS)
    return channels


def _kick_after_commit() -> None:
    if not settings.NOTIFICATIONS_SWEEP_ON_COMMIT:
        return  # the test suite sweeps explicitly; the beat sweeps every minute regardless
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
    refresh_payload: bool = False,
    key_version: str = "",
) -> Notification:
    """Create (or return the existing) row for one message, in the caller's transaction.

    `key_time` is the moment that identifies the message (the appointment start for a
    confirmation); it defaults to `due_at`. `key_version` tells apart messages that share
    that moment but say something new (a booking moved back to a time the patient heard of
    before, then told again). Patient messages move out of quiet hours, but
    never past `not_after`. Scheduling again is harmless and revives a cancelled row; with
    `refresh_payload` a row still waiting to go out takes the new payload (one message that
    says everything, never a second one).
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
        version=key_version,
    )
    if recipient_user is None:
        preference = preference_of(patient)
        due_at = timing.outside_quiet_hours(
            due_at,
            quiet_hours_of(preference),
            patient.tz,
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
    elif (
        refresh_payload
        and not created
        and notification.status == Status.PENDING
        and notification.payload != (payload or {})
    ):
        notification.payload = payload or {}
        notification.save(update_fields=["payload"])
    if (
        notification.status == Status.PENDING
        and notification.due_at <= timezone.now() + KICK_WINDOW
    ):
        _kick_after_commit()
    return notification


@transaction.atomic
def notifications_cancel_for(
    *,
    subject: Subject,
    reason: str = "",
    kinds: Iterable[str] | None = None,
    due_after: datetime | None = None,
) -> int:
    """Cancel the subject's messages that have not gone out yet (only those due after
    `due_after`, when given); returns how many."""
    _, _, ref = subject_parts(subject)
    pending = Notification.objects.filter(subject_ref=ref, status=Status.PENDING)
    if kinds is not None:
        pending = pending.filter(kind__in=list(kinds))
    if due_after is not None:
        pending = pending.filter(due_at__gt=due_after)
    return pending.update(
        status=Status.CANCELLED, cancel_reason=reason[:200], updated_at=timezone.now()
    )


@transaction.atomic
def notifications_pending_replace(
    *,
    subject: Subject,
    kind: str,
    payload: dict[str, Any],
    due_at: datetime,
    not_after: datetime | None = None,
) -> list[Notification]:
    """Rewrite the subject's messages of `kind` that have not gone out yet with a new payload
    and due time: a change inside a grace period replaces the waiting message instead of
    adding a second one. Returns the rows rewritten; none when no such message waits (a sweep
    that already claimed one is sending it, so the caller sends a message of its own)."""
    _, _, ref = subject_parts(subject)
    waiting = list(
        Notification.objects.select_for_update(of=("self",))
        .filter(subject_ref=ref, kind=kind, status=Status.PENDING)
        .select_related("patient__clinic")
    )
    for notification in waiting:
        notification.payload = {**notification.payload, **payload}
        notification.due_at = due_at
        if notification.recipient_user_id is None:  # patients: out of quiet hours, as scheduled
            preference = preference_of(notification.patient)
            notification.due_at = timing.outside_quiet_hours(
                due_at,
                quiet_hours_of(preference),
                notification.patient.tz,
                not_after=not_after,
            )
        notification.save(update_fields=["payload", "due_at", "updated_at"])
    return waiting


def notifications_went_out(*, subject: Subject, kinds: Iterable[str]) -> bool:
    """Whether any of the subject's messages of these kinds left the outbox (or is leaving)."""
    _, _, ref = subject_parts(subject)
    return (
        Notification.objects.filter(subject_ref=ref, kind__in=list(kinds))
        .exclude(status__in=(Status.PENDING, Status.CANCELLED))
        .exists()
    )


def pending_cancel(queryset: models.QuerySet[Notification], reason: str) -> int:
    """Cancel the given rows (the caller filtered them to pending ones); returns how many."""
    return queryset.update(
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
        tz = old.patient.tz if old.recipient_user_id is None else old.clinic.tz
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


def day_key(day: date) -> datetime:
    """The moment that names a calendar day in an idempotency key: midnight UTC, so the key
    stays the same whatever time zone or reminder time the patient picks later."""
    return datetime.combine(day, time(0), tzinfo=UTC)


@transaction.atomic
def patient_message_schedule(
    *,
    patient: Patient,
    kind: str,
    subject: Subject,
    payload: dict[str, Any],
    key_time: datetime,
    refresh_payload: bool = False,
    due_at: datetime | None = None,
) -> list[Notification]:
    """A one-off patient message such as a progression update or re-screen due, on each
    channel the patient accepts, now or at `due_at` (e.g. reminder_moment). `payload` fills
    the e-mail; SMS never shows it. With `refresh_payload`, a message not sent yet takes the
    new payload."""
    due_at = due_at or timezone.now()
    return [
        notification_schedule(
            clinic=patient.clinic,
            kind=kind,
            channel=channel,
            due_at=due_at,
            key_time=key_time,
            subject=subject,
            patient=patient,
            payload=payload,
            refresh_payload=refresh_payload,
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


@transaction.atomic
def unsubscribe(*, token: str) -> ChannelPreference:
    patient_id, channel = unsubscribe_token_read(token)
    patient = Patient.objects.get(pk=patient_id)
    return channel_preference_set(
        patient=patient, channel=channel, enabled=False, source=ConsentSource.UNSUBSCRIBE_LINK
    )


# Preferences -----------------------------------------------------------------------------

TIMING_FIELDS = ("reminder_time", "quiet_start", "quiet_end")


@transaction.atomic
def channel_preferences_update(
    *,
    patient: Patient,
    source: str,
    actor: User | None = None,
    email_enabled: bool,
    sms_enabled: bool,
    reminder_time: time | None,
    quiet_start: time | None,
    quiet_end: time | None,
    time_zone: str,
) -> ChannelPreference:
    """Save every preference at once: each channel turned on or off gets a consent record,
    and pending messages follow the new choices. Bad input stores nothing."""
    preference, _ = ChannelPreference.objects.select_for_update().get_or_create(patient=patient)
    errors: dict[str, list[str]] = {}
    if sms_enabled and not preference.sms_enabled:
        if not sms_available():
            errors["sms_enabled"] = [
                gettext("This clinic does not send texts; choose e-mail instead.")
            ]
        elif not patient.phone:
            errors["sms_enabled"] = [
                gettext("There is no mobile number on file, so texts cannot be sent.")
            ]
        elif not is_e164(patient.phone):
            errors["sms_enabled"] = [
                gettext(
                    "The phone number on file is not a valid number; correct it before turning "
                    "texts on."
                )
            ]
    if email_enabled and not preference.email_enabled and not patient.email:
        errors["email_enabled"] = [gettext("There is no e-mail address on file.")]
    if (quiet_start is None) != (quiet_end is None):
        errors["quiet_end" if quiet_end is None else "quiet_start"] = [
            gettext("Give both the start and the end of the quiet hours, or neither.")
        ]
    elif quiet_start is not None and quiet_start == quiet_end:
        errors["quiet_end"] = [
            gettext("The quiet hours must end at a different time than they start.")
        ]
    if time_zone:
        try:
            ZoneInfo(time_zone)
        except (ValueError, KeyError, OSError):
            errors["time_zone"] = [gettext("Unknown time zone %(zone)r.") % {"zone": time_zone}]
    if errors:
        raise ValidationError(errors)

    before = {name: getattr(preference, name) for name in TIMING_FIELDS}
    before["time_zone"] = patient.time_zone
    turned_on = False
    for channel, enabled in ((Channel.EMAIL, email_enabled), (Channel.SMS, sms_enabled)):
        if preference.allows(channel) != enabled:
            channel_preference_set(
                patient=patient, channel=channel, enabled=enabled, source=source, actor=actor
            )
            turned_on = turned_on or enabled
    preference.refresh_from_db()
    preference.reminder_time = reminder_time
    preference.quiet_start = quiet_start
    preference.quiet_end = quiet_end
    preference.save(update_fields=[*TIMING_FIELDS, "updated_at"])
    if patient.time_zone != time_zone:
        # The patient's one zone (Patient.time_zone): their pages follow it too.
        patient.time_zone = time_zone
        patient.save(update_fields=["time_zone", "updated_at"])
    patient.notification_preference = preference
    after = {name: getattr(preference, name) for name in TIMING_FIELDS}
    after["time_zone"] = patient.time_zone
    if turned_on or after != before:
        # Programs and booking put their pending messages at the new time and channels.
        signals.preferences_changed.send(sender=ChannelPreference, patient=patient)
    return preference


def parse_reminder_hours(text: str) -> list[float]:
    """ "24, 2" -> [24, 2]; raises ValueError with a sentence for anything else."""
    hours: list[float] = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            value = float(part)
        except ValueError:
            raise ValueError(
                gettext("%(part)r is not a number of hours.") % {"part": part}
            ) from None
        if not 0 < value <= 24 * 14:
            raise ValueError(
                gettext("Each reminder must be more than 0 and at most 336 hours before.")
            )
        hours.append(int(value) if value.is_integer() else value)
    if len(hours) > 4:
        raise ValueError(gettext("At most four reminders per appointment."))
    if len(set(hours)) != len(hours):
        raise ValueError(gettext("The same time is listed twice."))
    return sorted(hours, reverse=True)


@transaction.atomic
def clinic_reminder_hours_set(*, clinic: Clinic, hours: list[float]) -> ClinicNotificationSettings:
    """Save the clinic's appointment reminder times and re-plan upcoming appointments:
    reminders at times no longer wanted are cancelled, new times get reminders."""
    clinic_settings, _ = ClinicNotificationSettings.objects.select_for_update().get_or_create(
        clinic=clinic
    )
    clinic_settings.reminder_hours_before = list(hours)
    clinic_settings.full_clean()
    clinic_settings.save()
    wanted = set(reminder_hours_for(clinic))
    pending = Notification.objects.filter(
        clinic=clinic, kind=Kind.APPOINTMENT_REMINDER, status=Status.PENDING
    ).only("pk", "payload")
    dropped = [row.pk for row in pending if row.payload.get("hours_before") not in wanted]
    if dropped:
        pending_cancel(
            Notification.objects.filter(pk__in=dropped), "The clinic changed its reminder times."
        )
    # Booking schedules the new times for its upcoming appointments.
    signals.reminder_hours_changed.send(sender=ClinicNotificationSettings, clinic=clinic)
    return clinic_settings
