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
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from clinic.models import Clinic, Patient, StaffMembership, User
from clinic.phones import is_e164

from . import rules, timing
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
from .transports import sms_available

log = logging.getLogger(__name__)

DEFAULT_REMINDER_HOURS = (24, 2)
DEFAULT_PROGRAM_REMINDER_TIME = time(7, 30)
# Messages due this soon get a sweep right after commit instead of waiting for the next beat.
KICK_WINDOW = timedelta(minutes=2)
UNSUBSCRIBE_SALT = "notifications.unsubscribe"
# Each message carries a fresh link; one from a message older than this no longer works (the
# patient turns messages off under Message settings or asks the clinic).
UNSUBSCRIBE_MAX_AGE = timedelta(days=90)
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


def patient_today(patient: Patient) -> date:
    """The date where the patient is: in the zone they chose, else in the clinic's."""
    return timezone.localdate(timezone=patient_time_zone(patient))


def quiet_hours_of(preference: ChannelPreference) -> timing.QuietHours | None:
    if preference.quiet_start is None or preference.quiet_end is None:
        return None
    return timing.QuietHours(preference.quiet_start, preference.quiet_end)


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
    # No manage link: it is a credential, so content.py signs a fresh one when the message
    # is written instead of keeping it in the row (and the admin's view of it).
    return {
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
def booking_request_notify(*, booking_request, link_path: str) -> list[Notification]:
    """Hook for booking: ask the patient on record to confirm a public booking made with their
    e-mail address. E-mail only, to the address on record: the question is whether that
    address made the booking. No calendar file and no manage link until it is confirmed."""
    appointment = booking_request.appointment
    patient = booking_request.patient
    if not (preference_of(patient).email_enabled and patient.email):
        return []  # staff still see the request and can confirm it
    payload = {
        key: value for key, value in appointment_payload(appointment).items() if key != "manage_url"
    }
    return [
        notification_schedule(
            clinic=appointment.clinic,
            kind=Kind.BOOKING_REQUEST,
            channel=Channel.EMAIL,
            due_at=timezone.now(),
            key_time=appointment.start,
            subject=booking_request,
            patient=patient,
            payload={
                **payload,
                "expires_at": booking_request.expires_at.isoformat(),
                "link_path": link_path,
                "link_label": "Confirm or decline the booking",
            },
            not_after=booking_request.expires_at,
        )
    ]


def day_key(day: date) -> datetime:
    """The moment that names a calendar day in an idempotency key: midnight UTC, so the key
    stays the same whatever time zone or reminder time the patient picks later."""
    return datetime.combine(day, time(0), tzinfo=UTC)


@transaction.atomic
def program_reminders_schedule(
    *,
    patient: Patient,
    subject: Subject,
    days: Iterable[date],
    kind: str = Kind.PROGRAM_REMINDER,
    payload: dict[str, Any] | None = None,
) -> list[Notification]:
    """Home-program reminders (or check-in prompts) on the given days at the patient's
    preferred local time, whatever the clocks did that night. One row per day and channel:
    scheduling the same day again returns the row already there."""
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
                    key_time=day_key(day),
                    subject=subject,
                    patient=patient,
                    payload={**(payload or {}), "day": day.isoformat()},
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


# Home programs ---------------------------------------------------------------------------

# Messages tied to one day of a home program; they follow the patient's reminder time.
DAILY_KINDS = (Kind.PROGRAM_REMINDER, Kind.CHECKIN_PROMPT)


def _program_ref(program) -> str:
    return subject_parts(program)[2]


def _cancel(queryset, reason: str) -> int:
    return queryset.update(
        status=Status.CANCELLED, cancel_reason=reason[:200], updated_at=timezone.now()
    )


@transaction.atomic
def program_reminders_roll_for(*, program) -> list[Notification]:
    """Reminders for the program's drill days in the coming week, at the patient's time.

    Idempotent: days that already have a row keep it. Days the patient has already logged
    and days that stopped being drill days are left without a pending reminder.
    """
    from programs.models import ProgramStatus, SessionLog
    from programs.selectors import week_plan

    if program.status != ProgramStatus.PUBLISHED:
        return []
    patient = program.patient
    first = patient_today(patient)
    items = program.items.select_related("drill")
    weekdays = rules.drill_weekdays(week_plan(items))
    days = rules.drill_days(weekdays, first=first, count=rules.REMINDER_HORIZON_DAYS)
    logged = set(
        SessionLog.objects.filter(program=program, date__gte=first).values_list("date", flat=True)
    )
    days = [day for day in days if day not in logged]
    wanted = {day.isoformat() for day in days}
    stale = [
        row.pk
        for row in Notification.objects.filter(
            subject_ref=_program_ref(program), kind=Kind.PROGRAM_REMINDER, status=Status.PENDING
        ).only("pk", "payload")
        if row.payload.get("day") not in wanted
    ]
    if stale:
        _cancel(Notification.objects.filter(pk__in=stale), "No longer a drill day.")
    return program_reminders_schedule(
        patient=patient, subject=program, days=days, payload={"link_path": "/"}
    )


@transaction.atomic
def program_published_notify(*, program, replaced: Iterable = ()) -> list[Notification]:
    """Hook for programs: the versions it replaces stop reminding; the new one starts."""
    for old in replaced:
        notifications_cancel_for(
            subject=old,
            reason="The program was replaced by a new version.",
            kinds=[Kind.PROGRAM_REMINDER],
        )
    return program_reminders_roll_for(program=program)


@transaction.atomic
def program_paused_notify(*, program) -> int:
    """Hook for programs: a paused program sends no reminders or check-in prompts."""
    return notifications_cancel_for(
        subject=program, reason="The program was paused.", kinds=DAILY_KINDS
    )


@transaction.atomic
def program_resumed_notify(*, program) -> list[Notification]:
    """Hook for programs: a program published again after a pause reminds again at once
    (the daily roll would pick it up too, by the next day)."""
    return program_reminders_roll_for(program=program)


@transaction.atomic
def session_logged_notify(*, session) -> list[Notification]:
    """Hook for session logs: that day's reminder is moot, and next morning the patient is
    asked how it went (one prompt per program and day, however often the log is edited)."""
    from programs.models import CheckIn

    program = session.program
    patient = program.patient
    _cancel(
        Notification.objects.filter(
            subject_ref=_program_ref(program),
            kind=Kind.PROGRAM_REMINDER,
            status=Status.PENDING,
            payload__day=session.date.isoformat(),
        ),
        "The session of that day is already logged.",
    )
    morning = session.date + timedelta(days=1)
    if CheckIn.objects.filter(patient=patient, date__gte=morning).exists():
        return []  # a late log of a day whose morning check-in is already in
    return program_reminders_schedule(
        patient=patient,
        subject=program,
        days=[morning],
        kind=Kind.CHECKIN_PROMPT,
        payload={"session_day": session.date.isoformat(), "link_path": "/"},
    )


@transaction.atomic
def checkin_recorded_notify(*, checkin) -> int:
    """Hook for check-ins: prompts for that morning or earlier are no longer needed."""
    answered = checkin.date.isoformat()
    pending = Notification.objects.filter(
        patient_id=checkin.patient_id, kind=Kind.CHECKIN_PROMPT, status=Status.PENDING
    ).only("pk", "payload")
    done = [row.pk for row in pending if row.payload.get("day", "") <= answered]
    if not done:
        return 0
    return _cancel(Notification.objects.filter(pk__in=done), "The check-in was already answered.")


def _cancel_stale_program_messages() -> int:
    """Pending reminders of programs that are no longer published (and prompts of paused
    ones), whatever path changed their status."""
    from programs.models import Program, ProgramStatus

    program_type = ContentType.objects.get_for_model(Program)
    ours = Notification.objects.filter(status=Status.PENDING, subject_type=program_type)
    published = Program.objects.filter(status=ProgramStatus.PUBLISHED).values("pk")
    paused = Program.objects.filter(status=ProgramStatus.PAUSED).values("pk")
    return _cancel(
        ours.filter(kind=Kind.PROGRAM_REMINDER).exclude(subject_id__in=published),
        "The program is no longer active.",
    ) + _cancel(
        ours.filter(kind=Kind.CHECKIN_PROMPT, subject_id__in=paused), "The program was paused."
    )


def program_reminders_roll() -> dict[str, int]:
    """The daily task: every published program gets reminders for the coming week.

    Safe to run any number of times; one program that fails does not stop the others.
    """
    from programs.models import Program, ProgramStatus

    report = {"cancelled": _cancel_stale_program_messages(), "programs": 0, "failed": 0}
    programs = Program.objects.filter(status=ProgramStatus.PUBLISHED).select_related(
        "patient__clinic", "patient__notification_preference"
    )
    for program in programs.order_by("pk").iterator(chunk_size=500):
        try:
            program_reminders_roll_for(program=program)
        except Exception:
            log.exception("rolling reminders of program %s failed", program.pk)
            report["failed"] += 1
        else:
            report["programs"] += 1
    return report


# Re-screens -------------------------------------------------------------------------------


def _next_reminder_moment(patient: Patient, day: date) -> datetime:
    """The patient's reminder time on `day`, or on the next day when that has passed."""
    preference = preference_of(patient)
    tz = patient_time_zone(patient, preference)
    at = preference.reminder_time or DEFAULT_PROGRAM_REMINDER_TIME
    due = timing.local_moment(day, at, tz)
    if due <= timezone.now():
        due = timing.local_moment(day + timedelta(days=1), at, tz)
    return due


def responsible_clinicians(*, clinic_id: int, preferred: Iterable[User | None] = ()) -> list[User]:
    """Who hears about a patient's program: the first of `preferred` who still works at the
    clinic as a clinician or clinic admin, else every active clinician (else its admins)."""
    from clinic.models import Role

    members = list(
        StaffMembership.objects.filter(
            clinic_id=clinic_id,
            role__in=(Role.CLINIC_ADMIN, Role.CLINICIAN),
            is_active=True,
            user__is_active=True,
        ).select_related("user")
    )
    present = {m.user_id for m in members}
    for user in preferred:
        if user is not None and user.pk in present:
            return [user]
    clinicians = [m.user for m in members if m.role == Role.CLINICIAN]
    return clinicians or [m.user for m in members]


def rescreen_staff(*, screen, program) -> list[User]:
    """Who hears that a re-screen is due: the clinician who screened the patient, else the
    one who published the program, else every active clinician of the clinic."""
    return responsible_clinicians(
        clinic_id=program.clinic_id, preferred=(screen.created_by, program.published_by)
    )


@transaction.atomic
def rescreen_due_notify(*, program, screen, due_on: date) -> list[Notification]:
    """A re-screen is due: the patient is asked to book (unless a visit is already booked)
    and the clinician gets a note. One of each per screen, however often the check runs."""
    from clinic.booking.models import Appointment, AppointmentStatus

    patient = program.patient
    booked = (
        Appointment.objects.filter(
            patient=patient, status=AppointmentStatus.BOOKED, start__gt=timezone.now()
        )
        .order_by("start")
        .first()
    )
    key = day_key(due_on)
    rows = []
    if booked is None:
        due = _next_reminder_moment(patient, patient_today(patient))
        book_path = f"{reverse('booking_public')}?clinic={patient.clinic.slug}"
        rows += [
            notification_schedule(
                clinic=patient.clinic,
                kind=Kind.RESCREEN_DUE,
                channel=channel,
                due_at=due,
                key_time=key,
                subject=screen,
                patient=patient,
                payload={
                    "link_path": book_path,
                    "link_label": "Book a time",
                    "last_screen": screen.performed_on.isoformat(),
                    "due_on": due_on.isoformat(),
                },
            )
            for channel in patient_channels(patient)
        ]
    detail = (
        f"Last screen on {screen.performed_on:%d %b %Y}; a re-screen was due on {due_on:%d %b %Y}."
    )
    if booked is not None:
        detail += (
            f" A visit is booked for {booked.start.astimezone(patient.clinic.tz):%d %b %Y %H:%M}."
        )
    else:
        detail += " The patient was asked to book a visit."
    rows += staff_alert_schedule(
        clinic=patient.clinic,
        kind=Kind.STAFF_RESCREEN_DUE,
        staff=rescreen_staff(screen=screen, program=program),
        subject=screen,
        key_time=key,
        patient=patient,
        payload={
            "detail": detail,
            "link_path": reverse("patient_detail", args=[patient.pk]),
            "link_label": "Open the patient",
        },
    )
    return rows


def rescreen_due_check() -> dict[str, int]:
    """The daily task: patients on a published program whose last screen is at least the
    re-screen interval old (docs/clinical-rules.md §9) get the re-screen messages."""
    from assessments.models import Screen
    from programs.models import Program, ProgramStatus

    report = {"due": 0, "failed": 0}
    programs = Program.objects.filter(status=ProgramStatus.PUBLISHED).select_related(
        "clinic", "patient__clinic", "patient__notification_preference", "published_by"
    )
    for program in programs.order_by("pk").iterator(chunk_size=500):
        today = patient_today(program.patient)
        screen = (
            Screen.objects.filter(patient_id=program.patient_id, clinic_id=program.clinic_id)
            .select_related("created_by")
            .order_by("-performed_on", "-pk")
            .first()
        )
        if screen is None or rules.rescreen_due_on(screen.performed_on) > today:
            continue
        try:
            rescreen_due_notify(
                program=program, screen=screen, due_on=rules.rescreen_due_on(screen.performed_on)
            )
        except Exception:
            log.exception("re-screen messages of program %s failed", program.pk)
            report["failed"] += 1
        else:
            report["due"] += 1
    return report


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
    """The patient id and channel a token stands for; raises signing.BadSignature, or its
    subclass SignatureExpired for a link older than UNSUBSCRIBE_MAX_AGE."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        raise signing.BadSignature("Not an unsubscribe token.")
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


# Preferences -----------------------------------------------------------------------------

TIMING_FIELDS = ("reminder_time", "quiet_start", "quiet_end", "time_zone")


def _replan_patient(patient: Patient) -> None:
    """Put the patient's day-based messages at their (new) time and on their (new) channels.

    Pending reminders and check-in prompts are cancelled and scheduled again: the rows keep
    their idempotency keys, so the same rows come back with the new due time. Upcoming
    appointments get reminders on any channel just turned on.
    """
    from clinic.booking.models import Appointment, AppointmentStatus
    from programs.models import Program, ProgramStatus

    pending = Notification.objects.filter(
        patient=patient, kind__in=DAILY_KINDS, status=Status.PENDING
    )
    prompts = {
        (row.subject_ref, row.payload.get("day"), row.payload.get("session_day"))
        for row in pending
        if row.kind == Kind.CHECKIN_PROMPT
    }
    _cancel(pending, "Rescheduled after the patient's preferences changed.")
    program = Program.objects.filter(patient=patient, status=ProgramStatus.PUBLISHED).first()
    if program is not None:
        program_reminders_roll_for(program=program)
    programs = {
        _program_ref(p): p
        for p in Program.objects.filter(
            patient=patient, status__in=[ProgramStatus.PUBLISHED, ProgramStatus.SUPERSEDED]
        )
    }
    for ref, day, session_day in prompts:
        if ref in programs and day:
            program_reminders_schedule(
                patient=patient,
                subject=programs[ref],
                days=[date.fromisoformat(day)],
                kind=Kind.CHECKIN_PROMPT,
                payload={"session_day": session_day, "link_path": "/"},
            )
    upcoming = Appointment.objects.filter(
        patient=patient, status=AppointmentStatus.BOOKED, start__gt=timezone.now()
    ).select_related("clinic", "clinician", "appointment_type", "patient__clinic")
    for appointment in upcoming:
        appointment_reminders_schedule(appointment=appointment)


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
            errors["sms_enabled"] = ["This clinic does not send texts; choose e-mail instead."]
        elif not patient.phone:
            errors["sms_enabled"] = ["There is no mobile number on file, so texts cannot be sent."]
        elif not is_e164(patient.phone):
            errors["sms_enabled"] = [
                "The phone number on file is not a valid number; correct it before turning "
                "texts on."
            ]
    if email_enabled and not preference.email_enabled and not patient.email:
        errors["email_enabled"] = ["There is no e-mail address on file."]
    if (quiet_start is None) != (quiet_end is None):
        errors["quiet_end" if quiet_end is None else "quiet_start"] = [
            "Give both the start and the end of the quiet hours, or neither."
        ]
    elif quiet_start is not None and quiet_start == quiet_end:
        errors["quiet_end"] = ["The quiet hours must end at a different time than they start."]
    if time_zone:
        try:
            ZoneInfo(time_zone)
        except (ValueError, KeyError, OSError):
            errors["time_zone"] = [f"Unknown time zone {time_zone!r}."]
    if errors:
        raise ValidationError(errors)

    before = {name: getattr(preference, name) for name in TIMING_FIELDS}
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
    preference.time_zone = time_zone
    preference.save(update_fields=[*TIMING_FIELDS, "updated_at"])
    patient.notification_preference = preference
    after = {name: getattr(preference, name) for name in TIMING_FIELDS}
    if turned_on or after != before:
        _replan_patient(patient)
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
            raise ValueError(f"{part!r} is not a number of hours.") from None
        if not 0 < value <= 24 * 14:
            raise ValueError("Each reminder must be more than 0 and at most 336 hours before.")
        hours.append(int(value) if value.is_integer() else value)
    if len(hours) > 4:
        raise ValueError("At most four reminders per appointment.")
    if len(set(hours)) != len(hours):
        raise ValueError("The same time is listed twice.")
    return sorted(hours, reverse=True)


@transaction.atomic
def clinic_reminder_hours_set(*, clinic: Clinic, hours: list[float]) -> ClinicNotificationSettings:
    """Save the clinic's appointment reminder times and re-plan upcoming appointments:
    reminders at times no longer wanted are cancelled, new times get reminders."""
    from clinic.booking.models import Appointment, AppointmentStatus

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
        _cancel(
            Notification.objects.filter(pk__in=dropped), "The clinic changed its reminder times."
        )
    upcoming = Appointment.objects.filter(
        clinic=clinic, status=AppointmentStatus.BOOKED, start__gt=timezone.now()
    ).select_related("clinic", "clinician", "appointment_type", "patient__clinic")
    for appointment in upcoming:
        appointment_reminders_schedule(appointment=appointment)
    return clinic_settings
