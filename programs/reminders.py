"""Home-program messages: the daily exercise reminders, the next morning's check-in prompt
and the re-screen notes to patient and clinician. Programs decides who is told what and on
which days; the outbox (clinic.notifications) stores, times and sends the messages."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from assessments import questionnaires
from assessments.models import Screen
from clinic import selectors as selectors_clinic
from clinic.booking.models import Appointment, AppointmentStatus
from clinic.models import Patient, User
from clinic.notifications import services as outbox
from clinic.notifications import timing
from clinic.notifications.models import Kind, Notification, Status
from clinic.notifications.services import Subject

from . import reminder_rules as rules
from . import self_test_schedule
from .models import CheckIn, Program, ProgramStatus, SessionLog
from .selectors import week_plan

log = logging.getLogger(__name__)


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
    preference = outbox.preference_of(patient)
    tz = patient.tz
    at = outbox.reminder_time_of(preference)
    now = timezone.now()
    created = []
    for day in days:
        due = timing.local_moment(day, at, tz)
        if due <= now:
            continue
        for channel in outbox.patient_channels(patient, preference):
            created.append(
                outbox.notification_schedule(
                    clinic=patient.clinic,
                    kind=kind,
                    channel=channel,
                    due_at=due,
                    key_time=outbox.day_key(day),
                    subject=subject,
                    patient=patient,
                    payload={**(payload or {}), "day": day.isoformat()},
                )
            )
    return created


# Home programs ---------------------------------------------------------------------------

# Messages tied to one day of a home program; they follow the patient's reminder time.
DAILY_KINDS = (Kind.PROGRAM_REMINDER, Kind.CHECKIN_PROMPT)


def _program_ref(program) -> str:
    return outbox.subject_parts(program)[2]


@transaction.atomic
def program_reminders_roll_for(*, program) -> list[Notification]:
    """Reminders for the program's drill days in the coming week, at the patient's time.

    Idempotent: days that already have a row keep it. Days the patient has already logged
    and days that stopped being drill days are left without a pending reminder.
    """
    if program.status != ProgramStatus.PUBLISHED:
        return []
    patient = program.patient
    first = patient.today()
    items = list(program.items.select_related("drill"))
    plan = week_plan(items)
    weekdays = rules.drill_weekdays(plan)
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
        outbox.pending_cancel(Notification.objects.filter(pk__in=stale), "No longer a drill day.")
    by_pk = {item.pk: item for item in items}
    created = []
    for weekday in sorted({day.weekday() for day in days}):
        drills = [by_pk[pk] for pk in plan[weekday] if not by_pk[pk].paused]
        # The drill lines are kept in the row: written in the patient's language, as the
        # e-mail around them will be (clinic.notifications.content.reader_language).
        with translation.override(str(patient.language or "") or None):
            lines = [reminder_drill(item) for item in drills]
        created += program_reminders_schedule(
            patient=patient,
            subject=program,
            days=[day for day in days if day.weekday() == weekday],
            payload={"link_path": "/", "drills": lines},
        )
    return created


def reminder_drill(item) -> dict[str, Any]:
    """What the e-mail reminder says of one drill: the variant's name and words, how often a
    day and the precautions (docs/clinical-rules.md §10); never sent by text message."""
    variant = item.patient_variant
    times = item.times_words if item.times_per_day > 1 else ""
    return {
        "name": item.how_to.name,
        "variant": variant,
        "times_per_day": item.times_per_day,
        "times": "" if times and times in variant else times,  # said once
        "precautions": list(item.how_to.precautions),
    }


@transaction.atomic
def program_published_notify(*, program, replaced: Iterable = ()) -> list[Notification]:
    """Hook for programs: the versions it replaces stop reminding; the new one starts."""
    for old in replaced:
        outbox.notifications_cancel_for(
            subject=old,
            reason="The program was replaced by a new version.",
            kinds=[Kind.PROGRAM_REMINDER],
        )
    return program_reminders_roll_for(program=program)


@transaction.atomic
def program_paused_notify(*, program) -> int:
    """Hook for programs: a paused program sends no reminders or check-in prompts."""
    return outbox.notifications_cancel_for(
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
    program = session.program
    patient = program.patient
    outbox.pending_cancel(
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
    return outbox.pending_cancel(
        Notification.objects.filter(pk__in=done), "The check-in was already answered."
    )


def _cancel_stale_program_messages() -> int:
    """Pending reminders of programs that are no longer published (and prompts of paused
    ones), whatever path changed their status."""
    program_type = ContentType.objects.get_for_model(Program)
    ours = Notification.objects.filter(status=Status.PENDING, subject_type=program_type)
    published = Program.objects.filter(status=ProgramStatus.PUBLISHED).values("pk")
    paused = Program.objects.filter(status=ProgramStatus.PAUSED).values("pk")
    return outbox.pending_cancel(
        ours.filter(kind=Kind.PROGRAM_REMINDER).exclude(subject_id__in=published),
        "The program is no longer active.",
    ) + outbox.pending_cancel(
        ours.filter(kind=Kind.CHECKIN_PROMPT, subject_id__in=paused), "The program was paused."
    )


def program_reminders_roll() -> dict[str, int]:
    """The daily task: every published program gets reminders for the coming week.

    Safe to run any number of times; one program that fails does not stop the others.
    """
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


def rescreen_staff(*, screen, program) -> list[User]:
    """Who hears that a re-screen is due: the clinician who screened the patient, else the
    one who published the program, else every active clinician of the clinic."""
    return selectors_clinic.responsible_clinicians(
        clinic_id=program.clinic_id, preferred=(screen.created_by, program.published_by)
    )


@transaction.atomic
def rescreen_due_notify(*, program, screen, due_on: date) -> list[Notification]:
    """A re-screen is due: the patient is asked to book (unless a visit is already booked)
    and the clinician gets a note. One of each per screen, however often the check runs."""
    patient = program.patient
    booked = (
        Appointment.objects.filter(
            patient=patient, status=AppointmentStatus.BOOKED, start__gt=timezone.now()
        )
        .order_by("start")
        .first()
    )
    key = outbox.day_key(due_on)
    rows = []
    if booked is None:
        book_path = f"{reverse('booking_public')}?clinic={patient.clinic.slug}"
        rows += outbox.patient_message_schedule(
            patient=patient,
            kind=Kind.RESCREEN_DUE,
            subject=screen,
            payload={
                "link_path": book_path,
                "link_label": gettext_noop("Book a time"),
                "last_screen": screen.performed_on.isoformat(),
                "due_on": due_on.isoformat(),
            },
            key_time=key,
            due_at=outbox.reminder_moment(patient),
        )
    detail = (
        f"Last screen on {screen.performed_on:%d %b %Y}; a re-screen was due on {due_on:%d %b %Y}."
    )
    if booked is not None:
        detail += (
            f" A visit is booked for {booked.start.astimezone(patient.clinic.tz):%d %b %Y %H:%M}."
        )
    else:
        detail += " The patient was asked to book a visit."
    rows += outbox.staff_alert_schedule(
        clinic=patient.clinic,
        kind=Kind.STAFF_RESCREEN_DUE,
        staff=rescreen_staff(screen=screen, program=program),
        subject=screen,
        key_time=key,
        patient=patient,
        payload={
            "detail": detail,
            "link_path": reverse("patient_detail", args=[patient.pk]),
            "link_label": gettext_noop("Open the patient"),
        },
    )
    return rows


def rescreen_due_check() -> dict[str, int]:
    """The daily task: patients on a published program whose last screen is at least the
    re-screen interval old (docs/clinical-rules.md §9) get the re-screen messages."""
    report = {"due": 0, "failed": 0}
    programs = Program.objects.filter(status=ProgramStatus.PUBLISHED).select_related(
        "clinic", "patient__clinic", "patient__notification_preference", "published_by"
    )
    for program in programs.order_by("pk").iterator(chunk_size=500):
        today = program.patient.today()
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


def _published_since() -> Iterable[tuple[Program, date]]:
    """Each published program (with its patient, the patient's clinic and message settings),
    with the day, on the patient's own calendar, its patient's first published version was
    published: where the periodic asks (questionnaires, self-tests) count from, on the
    patient's days as their home page counts the program's weeks. Patients never published
    are left out."""
    started = dict(
        Program.objects.filter(published_at__isnull=False)
        .values("patient_id")
        .annotate(first=Min("published_at"))
        .values_list("patient_id", "first")
    )
    programs = Program.objects.filter(status=ProgramStatus.PUBLISHED).select_related(
        "patient__clinic", "patient__notification_preference"
    )
    for program in programs.order_by("pk").iterator(chunk_size=500):
        first = started.get(program.patient_id)
        if first is not None:
            yield program, timezone.localdate(first, timezone=program.patient.tz)


def questionnaires_due_check() -> dict[str, int]:
    """The daily task: every 4 weeks while a program is published, its patient is asked the
    questionnaires again (assessments decides which, and keeps one of each pending). The
    4 weeks run from the first version of the patient's programs that was published."""
    report = {"asked": 0, "failed": 0}
    for program, since in _published_since():
        try:
            asked = questionnaires.periodic_questionnaires_schedule(
                patient=program.patient,
                program_since=since,
                today=program.patient.today(),
            )
        except Exception:
            log.exception("questionnaires of program %s failed", program.pk)
            report["failed"] += 1
        else:
            report["asked"] += bool(asked)
    return report


def self_tests_due_check() -> dict[str, int]:
    """The daily task: every two weeks while a program is published, its patient is asked
    for home self-tests (docs/clinical-rules.md §7), counted from the first version of the
    patient's programs that was published; one open request at a time."""
    report = {"asked": 0, "failed": 0}
    for program, since in _published_since():
        try:
            asked = self_test_schedule.periodic_self_tests_schedule(
                patient=program.patient,
                program_since=since,
                today=program.patient.today(),
            )
        except Exception:
            log.exception("self-tests of program %s failed", program.pk)
            report["failed"] += 1
        else:
            report["asked"] += asked is not None
    return report


# Preferences -----------------------------------------------------------------------------


def replan_for_patient(sender, *, patient: Patient, **kwargs) -> None:
    """Receiver of the outbox's `preferences_changed`: put the patient's day-based messages
    at their (new) time and on their (new) channels.

    Pending reminders and check-in prompts are cancelled and scheduled again: the rows keep
    their idempotency keys, so the same rows come back with the new due time.
    """
    pending = Notification.objects.filter(
        patient=patient, kind__in=DAILY_KINDS, status=Status.PENDING
    )
    prompts = {
        (row.subject_ref, row.payload.get("day"), row.payload.get("session_day"))
        for row in pending
        if row.kind == Kind.CHECKIN_PROMPT
    }
    outbox.pending_cancel(pending, "Rescheduled after the patient's preferences changed.")
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
