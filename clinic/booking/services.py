"""Write-side operations of booking: book, reschedule, cancel, arrive, no-show, find patients.

Booking, rescheduling and cancelling each happen in one function so that notifications can be
hooked in at one place each.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from clinic.models import Clinic, Language, Patient, Role, User
from clinic.notifications import services as notify
from clinic.notifications.models import Notification

from . import availability as av
from . import notices, selectors
from . import series as repeat
from .models import (
    HOLDING_STATUSES,
    OVERLAP_CONSTRAINT,
    Appointment,
    AppointmentStatus,
    AppointmentType,
    BookingRequest,
    BookingRequestStatus,
    BookingSettings,
    BookingSource,
    ClinicClosure,
    TimeOff,
)
from .signals import appointment_booked, slot_freed

MANAGE_SALT = "groundwork.booking.manage"
# A manage link works until a week after its appointment ends (the patient can still see what
# happened to it), and never for longer than a year whatever the appointment's date.
MANAGE_LINK_AFTER_END = timedelta(days=7)
MANAGE_LINK_MAX_AGE = timedelta(days=366)
REQUEST_SALT = "groundwork.booking.request"


# Dates far outside this range are typing mistakes or probes; refusing them early also keeps
# date arithmetic away from datetime's year 1 and year 9999 limits.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def validate_start(start: datetime) -> None:
    if timezone.is_naive(start):
        raise ValidationError({"start": gettext("Give the time with its UTC offset.")})
    if not EARLIEST_YEAR <= start.year <= LATEST_YEAR:
        raise ValidationError(
            {
                "start": gettext("Give a year between {earliest} and {latest}.").format(
                    earliest=EARLIEST_YEAR, latest=LATEST_YEAR
                )
            }
        )


# A refusal in the reader's language (the availability engine is pure and names them in English).
REFUSAL_MESSAGES = {
    av.Refusal.PAST: gettext_lazy("That time is in the past."),
    av.Refusal.TOO_SOON: gettext_lazy("That time is too soon; book further ahead."),
    av.Refusal.BEYOND_HORIZON: gettext_lazy("That time is too far ahead to book yet."),
    av.Refusal.CLOSED: gettext_lazy("The clinic is closed on that day."),
    av.Refusal.NOT_A_SLOT: gettext_lazy(
        "That time is not one of the offered start times (outside hours or off the grid)."
    ),
    av.Refusal.BUSY: gettext_lazy("That time is no longer free."),
}


class SlotTaken(Exception):
    """The time was free when asked but is not now; carries the nearest free slots."""

    def __init__(self, nearest: list[av.Slot]):
        super().__init__(av.Refusal.BUSY.value)
        self.nearest = nearest


class LateChange(Exception):
    """A patient tried to cancel or move inside the clinic's late-cancel window."""


@dataclass(frozen=True)
class Intake:
    what_hurts: str = ""
    weekly_km: int | None = None
    goal_race: str = ""

    def as_note(self, *, when: datetime, type_name: str) -> str:
        lines = [f"Booked {type_name} for {when:%Y-%m-%d %H:%M}:"]
        if self.what_hurts:
            lines.append(f"- What hurts: {self.what_hurts}")
        if self.weekly_km is not None:
            lines.append(f"- Weekly running: {self.weekly_km} km")
        if self.goal_race:
            lines.append(f"- Goal race: {self.goal_race}")
        return "\n".join(lines)

    @property
    def is_empty(self) -> bool:
        return not (self.what_hurts or self.goal_race or self.weekly_km is not None)


@dataclass(frozen=True)
class Contact:
    """Who a public booking is for, as typed on the form."""

    name: str
    email: str
    phone: str = ""
    date_of_birth: date | None = None
    sex: str = ""
    # The language the visitor used ("es", "en"); empty: the clinic's default. A new patient
    # gets it; a patient the clinic already has keeps the language they chose.
    language: str = ""

    @property
    def language_code(self) -> str:
        codes = {code for code, _ in Language.choices}
        return self.language if self.language in codes else Language.ENGLISH


def _intake_append(patient: Patient, intake: Intake, *, appointment: Appointment) -> None:
    """Add a booking's intake to the patient's notes (staff read them before the visit)."""
    if intake.is_empty:
        return
    note = intake.as_note(
        when=appointment.start.astimezone(appointment.clinic.tz),
        type_name=appointment.appointment_type.name,
    )
    patient.intake_notes = "\n\n".join(filter(None, [patient.intake_notes, note]))
    patient.save(update_fields=["intake_notes", "updated_at"])


def _split_name(name: str) -> tuple[str, str]:
    words = name.split()
    if len(words) < 2:
        return (words[0] if words else ""), ""
    return " ".join(words[:-1]), words[-1]


def patient_find_or_create(
    *, clinic: Clinic, contact: Contact, fill_phone: bool = True
) -> tuple[Patient, bool]:
    """The clinic's patient with this e-mail and False, or a new one and True; never a second
    patient with the same e-mail.

    `fill_phone` gives a found patient without a phone the typed one: for staff, who know who
    they are booking. A public booking passes False and never writes to a found patient.
    """
    email = contact.email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": gettext("Enter a valid e-mail address.")}) from None
    # The name is checked whether or not the e-mail is known, so a public form answers the
    # same for both.
    first, last = _split_name(contact.name)
    if not first:
        raise ValidationError({"name": gettext("Enter your name.")})
    existing = Patient.objects.filter(clinic=clinic, email__iexact=email).first()
    if existing is not None:
        if fill_phone and contact.phone and not existing.phone:
            existing.phone = contact.phone[:40]
            existing.save(update_fields=["phone", "updated_at"])
        return existing, False
    patient = Patient(
        clinic=clinic,
        first_name=first[:80],
        last_name=last[:80],
        email=email,
        phone=contact.phone[:40],
        date_of_birth=contact.date_of_birth,
        sex=contact.sex,
        language=contact.language_code,
    )
    missing = [
        label
        for label, value in (("date of birth", contact.date_of_birth), ("sex", contact.sex))
        if not value
    ]
    if missing:
        patient.intake_notes = (
            f"Not given at booking: {' and '.join(missing)}; confirm at the first visit."
        )
    try:
        with transaction.atomic():
            patient.save()
    except IntegrityError:
        # Someone booked with the same e-mail a moment ago: that patient is the one.
        existing = Patient.objects.filter(clinic=clinic, email__iexact=email).first()
        if existing is None:
            raise
        return existing, False
    return patient, True


def _is_overlap_violation(error: IntegrityError) -> bool:
    cause = error.__cause__
    diag = getattr(cause, "diag", None)
    name = getattr(diag, "constraint_name", None)
    return name == OVERLAP_CONSTRAINT or OVERLAP_CONSTRAINT in str(error)


def _check(
    *,
    appointment_type: AppointmentType,
    clinician: User,
    start: datetime,
    for_staff: bool,
    exclude_appointment_id: int | None = None,
) -> av.Refusal | None:
    clinic = appointment_type.clinic
    local_day = start.astimezone(clinic.tz).date()
    days = selectors.clinician_days(
        clinic=clinic,
        clinician_ids=[clinician.pk],
        first=local_day,
        exclude_appointment_id=exclude_appointment_id,
    )
    return av.check_start(
        start=start,
        shape=selectors.shape_of(appointment_type),
        clinician=days[0],
        rules=selectors.rules_for(clinic=clinic, for_staff=for_staff),
        now=timezone.now(),
        closures=selectors.closures_between(clinic=clinic, first=local_day, last=local_day),
    )


def _refuse(refusal: av.Refusal, **nearest_kwargs) -> None:
    if refusal is av.Refusal.BUSY:
        raise SlotTaken(selectors.nearest_free_slots(**nearest_kwargs))
    raise ValidationError({"start": str(REFUSAL_MESSAGES.get(refusal, refusal.value))})


def slot_is_free(*, appointment_type: AppointmentType, clinician: User, start: datetime) -> bool:
    """Whether the public could book this start with this clinician now (the same check
    appointment_book makes: hours, closures, notice, horizon, offered starts, busy time)."""
    return (
        _check(appointment_type=appointment_type, clinician=clinician, start=start, for_staff=False)
        is None
    )


def _slot_freed(appointment: Appointment, *, start: datetime, clinician_id: int) -> None:
    """Tell whoever listens (the waitlist) that this appointment's old time is free now."""
    if start > timezone.now():
        slot_freed.send(
            sender=Appointment,
            appointment_type_id=appointment.appointment_type_id,
            clinician_id=clinician_id,
            start=start,
        )


def _pick_clinician(
    *, appointment_type: AppointmentType, start: datetime, clinician: User | None, for_staff: bool
) -> tuple[User, av.Refusal | None]:
    """The requested clinician, or for "anyone" the first who is free at `start`."""
    offering = selectors.clinicians_for_type(appointment_type=appointment_type)
    if clinician is not None:
        if clinician.pk not in {c.pk for c in offering}:
            raise ValidationError(
                {"clinician": gettext("This clinician does not offer that type.")}
            )
        refusal = _check(
            appointment_type=appointment_type, clinician=clinician, start=start, for_staff=for_staff
        )
        return clinician, refusal
    if not offering:
        raise ValidationError({"type": gettext("Nobody offers this appointment type yet.")})
    first_refusal = None
    for candidate in offering:
        refusal = _check(
            appointment_type=appointment_type, clinician=candidate, start=start, for_staff=for_staff
        )
        if refusal is None:
            return candidate, None
        if first_refusal is None or refusal is av.Refusal.BUSY:
            first_refusal = refusal
    return offering[0], first_refusal


def validate_type(appointment_type: AppointmentType, *, clinic: Clinic, public: bool) -> None:
    if appointment_type.clinic_id != clinic.pk or not appointment_type.is_active:
        raise ValidationError({"type": gettext("Unknown appointment type.")})
    if public and not appointment_type.is_public:
        raise ValidationError({"type": gettext("This appointment type cannot be booked online.")})


def appointment_book(
    *,
    clinic: Clinic,
    appointment_type: AppointmentType,
    start: datetime,
    clinician: User | None = None,
    patient: Patient | None = None,
    contact: Contact | None = None,
    intake: Intake | None = None,
    source: str = BookingSource.STAFF,
    booked_by: User | None = None,
    notes: str = "",
    series: uuid.UUID | None = None,
    confirm: bool = True,
) -> Appointment:
    """Book an appointment, or raise ValidationError (bad input) or SlotTaken (conflict).

    `confirm=False` books with reminders but no confirmation of its own: a series sends one
    confirmation for all its dates.

    Public bookings give `contact` and are held to the public rules (public types, minimum
    notice, horizon); staff give `patient` or `contact`. The overlap check runs inside the
    transaction; on PostgreSQL the exclusion constraint settles any race.

    A public booking whose e-mail is a known patient's only holds the time: the appointment
    stays pending, with no patient, beside a BookingRequest that the address on record (or
    staff) must confirm. The caller gets the appointment either way, so the public answers
    look the same whether or not the e-mail is known.
    """
    public = source == BookingSource.PUBLIC
    validate_type(appointment_type, clinic=clinic, public=public)
    validate_start(start)
    if patient is not None and patient.clinic_id != clinic.pk:
        raise ValidationError({"patient": gettext("Unknown patient.")})
    if patient is None and contact is None:
        raise ValidationError({"patient": gettext("Choose a patient or enter their details.")})
    intake = intake or Intake()
    for_staff = not public
    # With "any clinician" a lost race may still leave another clinician free: try once more.
    attempts = 1 if clinician is not None else 2
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                # Holds nobody confirmed in time must not keep this time from anyone.
                booking_requests_expire(clinic=clinic)
                chosen, refusal = _pick_clinician(
                    appointment_type=appointment_type,
                    start=start,
                    clinician=clinician,
                    for_staff=for_staff,
                )
                if refusal is not None:
                    _refuse(
                        refusal,
                        appointment_type=appointment_type,
                        near=start,
                        clinician=clinician,
                        for_staff=for_staff,
                    )
                request_for = None
                if patient is None:
                    patient, created = patient_find_or_create(
                        clinic=clinic, contact=contact, fill_phone=not public
                    )
                    if public and not created:
                        # Anyone can type a known address: hold the time, touch nothing of
                        # the patient's until the address confirms.
                        request_for, patient = patient, None
                end = start + timedelta(minutes=appointment_type.duration_minutes)
                appointment = Appointment(
                    clinic=clinic,
                    patient=patient,
                    status=AppointmentStatus.PENDING
                    if request_for is not None
                    else AppointmentStatus.BOOKED,
                    clinician=chosen,
                    appointment_type=appointment_type,
                    start=start,
                    end=end,
                    busy_until=end + timedelta(minutes=appointment_type.buffer_minutes),
                    source=source,
                    booked_by=booked_by,
                    intake_what_hurts=intake.what_hurts[:500],
                    intake_weekly_km=intake.weekly_km,
                    intake_goal_race=intake.goal_race[:200],
                    notes=notes,
                    series=series,
                )
                with transaction.atomic():
                    appointment.save()
                # Messages are rows written in this same transaction: a booking that rolls
                # back leaves no message behind.
                if request_for is not None:
                    _request_open(appointment=appointment, patient=request_for, contact=contact)
                else:
                    _intake_append(patient, intake, appointment=appointment)
                    notices.appointment_booked_notify(appointment=appointment, confirm=confirm)
                    appointment_booked.send(sender=Appointment, appointment=appointment)
                    if public:
                        _tell_staff(appointment, "booked", "booked online")
        except IntegrityError as error:
            if not _is_overlap_violation(error):
                raise
            if attempt + 1 < attempts:
                patient = None if contact is not None else patient
                continue
            raise SlotTaken(
                selectors.nearest_free_slots(
                    appointment_type=appointment_type,
                    near=start,
                    clinician=clinician,
                    for_staff=for_staff,
                )
            ) from error
        return appointment
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass
class SeriesConflict:
    start: datetime
    reason: str


@dataclass
class SeriesResult:
    """What a series booking did (or, on a dry run, would do): the occurrences booked (unsaved
    on a dry run) and those refused with the booking service's reason."""

    series: uuid.UUID | None
    booked: list[Appointment] = field(default_factory=list)
    conflicts: list[SeriesConflict] = field(default_factory=list)


def _start_refusal(error: ValidationError) -> str | None:
    """The reason a booking refused one time (outside hours, closed, too soon), or None when
    the error is about the request itself (type, patient, clinician)."""
    messages = getattr(error, "message_dict", {}).get("start")
    return " ".join(messages) if messages else None


def _rule_message(error: repeat.RuleError) -> str:
    """A series rule's refusal in the reader's language."""
    return gettext(error.template) % error.params if error.params else gettext(error.template)


@dataclass(frozen=True)
class Occurrence:
    start: datetime
    clinician: User
    reason: str = ""  # empty when the time is free

    @property
    def is_free(self) -> bool:
        return not self.reason


def series_preview(
    *,
    appointment_type: AppointmentType,
    start: datetime,
    rule: repeat.Rule,
    clinician: User | None = None,
) -> list[Occurrence]:
    """Each occurrence of a rule and whether the booking checks would take it (a staff form's
    preview; books nothing). Raises ValidationError naming the rule's field for a bad rule."""
    validate_start(start)
    try:
        starts = repeat.occurrences(start=start, rule=rule, tz=appointment_type.clinic.tz)
    except repeat.RuleError as error:
        raise ValidationError({error.field: _rule_message(error)}) from None
    found = []
    for when in starts:
        chosen, refusal = _pick_clinician(
            appointment_type=appointment_type, start=when, clinician=clinician, for_staff=True
        )
        found.append(Occurrence(when, chosen, refusal.value if refusal is not None else ""))
    return found


def appointment_series_book(
    *,
    clinic: Clinic,
    appointment_type: AppointmentType,
    start: datetime,
    rule: repeat.Rule,
    patient: Patient,
    clinician: User | None = None,
    booked_by: User | None = None,
    notes: str = "",
    dry_run: bool = False,
) -> SeriesResult:
    """Book each occurrence of a repeating rule where it is free; report the others.

    Every occurrence goes through appointment_book, so working hours, closures, conflicts and
    the PostgreSQL no-overlap constraint hold for each; one refused occurrence does not stop
    the rest. A dry run books nothing and runs the same checks. Raises ValidationError for a
    bad rule (naming the rule's field) or a request no occurrence could be booked with."""
    validate_type(appointment_type, clinic=clinic, public=False)
    validate_start(start)
    if patient.clinic_id != clinic.pk:
        raise ValidationError({"patient": gettext("Unknown patient.")})
    if clinician is not None and clinician.pk not in {
        c.pk for c in selectors.clinicians_for_type(appointment_type=appointment_type)
    }:
        raise ValidationError({"clinician": gettext("This clinician does not offer that type.")})
    if dry_run:
        result = SeriesResult(series=None)
        for occurrence in series_preview(
            appointment_type=appointment_type, start=start, rule=rule, clinician=clinician
        ):
            if occurrence.is_free:
                result.booked.append(
                    Appointment(
                        clinic=clinic,
                        patient=patient,
                        clinician=occurrence.clinician,
                        appointment_type=appointment_type,
                        start=occurrence.start,
                        end=occurrence.start + timedelta(minutes=appointment_type.duration_minutes),
                        status=AppointmentStatus.BOOKED,
                        source=BookingSource.STAFF,
                        notes=notes,
                    )
                )
            else:
                result.conflicts.append(SeriesConflict(occurrence.start, occurrence.reason))
        return result
    try:
        starts = repeat.occurrences(start=start, rule=rule, tz=clinic.tz)
    except repeat.RuleError as error:
        raise ValidationError({error.field: _rule_message(error)}) from None
    result = SeriesResult(series=uuid.uuid4())
    with transaction.atomic():
        for when in starts:
            try:
                result.booked.append(
                    appointment_book(
                        clinic=clinic,
                        appointment_type=appointment_type,
                        start=when,
                        clinician=clinician,
                        patient=patient,
                        booked_by=booked_by,
                        notes=notes,
                        series=result.series,
                        confirm=False,
                    )
                )
            except SlotTaken as error:
                result.conflicts.append(SeriesConflict(when, str(error)))
            except ValidationError as error:
                reason = _start_refusal(error)
                if reason is None:
                    raise
                result.conflicts.append(SeriesConflict(when, reason))
        # One e-mail for the whole series, listing every date, instead of one per date.
        notices.series_booked_notify(appointments=result.booked)
    return result


class SeriesScope:
    """Which appointments of a series a move or a cancellation touches."""

    THIS = "this"
    FOLLOWING = "following"
    CHOICES = (THIS, FOLLOWING)


def appointment_series_cancel(
    *,
    appointment: Appointment,
    reason: str,
    cancelled_by: User | None = None,
    scope: str = SeriesScope.FOLLOWING,
) -> list[Appointment]:
    """Cancel this occurrence of a series and every later one that still holds time (scope
    "following"), or this one only (scope "this"); the earlier ones stay as they are.
    Returns the cancelled appointments, earliest first."""
    if scope not in SeriesScope.CHOICES:
        raise ValidationError({"scope": gettext('Give "this" or "following".')})
    if scope == SeriesScope.THIS:
        return [
            appointment_cancel(appointment=appointment, reason=reason, cancelled_by=cancelled_by)
        ]
    if appointment.series is None:
        raise ValidationError({"detail": gettext("This appointment is not part of a series.")})
    if not reason.strip():
        raise ValidationError({"reason": gettext("Give a reason for cancelling.")})
    later = list(
        Appointment.objects.filter(
            clinic=appointment.clinic_id,
            series=appointment.series,
            start__gte=appointment.start,
            status__in=HOLDING_STATUSES,
        )
        .select_related("clinic", "clinician", "patient", "appointment_type")
        .order_by("start")
    )
    if not later:
        raise ValidationError({"detail": gettext("No active appointment of this series is left.")})
    with transaction.atomic():
        for occurrence in later:
            appointment_cancel(appointment=occurrence, reason=reason, cancelled_by=cancelled_by)
    return later


@dataclass
class SeriesMoveConflict:
    appointment: Appointment
    start: datetime  # where it was asked to go
    reason: str


class SeriesMoveRefused(Exception):
    """Moving a series' later occurrences would put at least one where it cannot go: nothing
    was moved. `conflicts` names each occurrence refused, with the booking service's reason."""

    def __init__(self, conflicts: list[SeriesMoveConflict]):
        super().__init__(f"{len(conflicts)} of the appointments cannot move there.")
        self.conflicts = conflicts


def _shifted(moment: datetime, *, by: timedelta, tz) -> datetime:
    """`moment` moved by a wall-clock difference in the clinic's zone: a weekly 09:00 moved to
    10:00 stays 10:00 local on both sides of a daylight-saving change."""
    local = moment.astimezone(tz).replace(tzinfo=None) + by
    return local.replace(tzinfo=tz)


def appointment_series_reschedule(
    *,
    appointment: Appointment,
    start: datetime,
    scope: str = SeriesScope.THIS,
    clinician: User | None = None,
    by_user: User | None = None,
) -> list[Appointment]:
    """Move one appointment of a series (scope "this") or it and every later one that still
    holds time (scope "following"), each by the same wall-clock difference as this one.

    Every occurrence goes through appointment_reschedule, so hours, closures and conflicts
    are checked as for a single move. All or nothing: if any occurrence cannot go, nothing
    moves and SeriesMoveRefused lists every refused one. The patient gets one e-mail with
    the new dates. Returns the moved appointments, earliest first."""
    if scope not in SeriesScope.CHOICES:
        raise ValidationError({"scope": gettext('Give "this" or "following".')})
    validate_start(start)
    if scope == SeriesScope.THIS:
        return [
            appointment_reschedule(
                appointment=appointment, start=start, clinician=clinician, by_user=by_user
            )
        ]
    if appointment.series is None:
        raise ValidationError({"detail": gettext("This appointment is not part of a series.")})
    if appointment.status != AppointmentStatus.BOOKED:
        raise ValidationError({"detail": gettext("Only a booked appointment can be moved.")})
    tz = appointment.clinic.tz
    by = start.astimezone(tz).replace(tzinfo=None) - appointment.start.astimezone(tz).replace(
        tzinfo=None
    )
    later = list(
        Appointment.objects.filter(
            clinic=appointment.clinic_id,
            series=appointment.series,
            start__gte=appointment.start,
            status=AppointmentStatus.BOOKED,
        )
        .select_related("clinic", "clinician", "patient", "appointment_type")
        .order_by("start")
    )
    # Moving later, the last goes first (and moving earlier, the first), so no occurrence is
    # refused for the time a sibling still holds and is about to leave.
    if by > timedelta(0):
        later.reverse()
    conflicts: list[SeriesMoveConflict] = []
    try:
        with transaction.atomic():
            for occurrence in later:
                target = _shifted(occurrence.start, by=by, tz=tz)
                try:
                    with transaction.atomic():
                        appointment_reschedule(
                            appointment=occurrence,
                            start=target,
                            clinician=clinician,
                            by_user=by_user,
                            tell=False,
                        )
                except SlotTaken as error:
                    conflicts.append(SeriesMoveConflict(occurrence, target, str(error)))
                except ValidationError as error:
                    reason = _start_refusal(error) or " ".join(
                        " ".join(m) for m in getattr(error, "message_dict", {}).values()
                    )
                    conflicts.append(SeriesMoveConflict(occurrence, target, reason))
            if conflicts:
                raise SeriesMoveRefused(sorted(conflicts, key=lambda c: c.start))
            later.sort(key=lambda a: a.start)
            notices.series_moved_notify(appointments=later)
    except SeriesMoveRefused:
        for occurrence in later:  # the rollback restored the rows, not these objects
            occurrence.refresh_from_db()
        raise
    return later


def appointment_reschedule(
    *,
    appointment: Appointment,
    start: datetime,
    clinician: User | None = None,
    by_user: User | None = None,
    source: str = BookingSource.STAFF,
    tell: bool = True,
) -> Appointment:
    """Move an active appointment, or the hold of a booking request, to a new start (and
    optionally another clinician). `tell=False` moves the reminders but leaves telling the
    patient to the caller (a series moved together sends one e-mail)."""
    if not appointment.holds_time:
        raise ValidationError({"detail": gettext("Only a booked appointment can be moved.")})
    validate_start(start)
    kind = appointment.appointment_type
    for_staff = source != BookingSource.PUBLIC
    target = clinician or appointment.clinician
    if clinician is not None and clinician.pk not in {
        c.pk for c in selectors.clinicians_for_type(appointment_type=kind)
    }:
        raise ValidationError({"clinician": gettext("This clinician does not offer that type.")})
    try:
        with transaction.atomic():
            booking_request = None
            if appointment.is_pending:
                booking_request = _open_request_of(appointment)
            booking_requests_expire(clinic=appointment.clinic)
            refusal = _check(
                appointment_type=kind,
                clinician=target,
                start=start,
                for_staff=for_staff,
                exclude_appointment_id=appointment.pk,
            )
            if refusal is not None:
                _refuse(
                    refusal,
                    appointment_type=kind,
                    near=start,
                    clinician=target,
                    for_staff=for_staff,
                )
            old_start, old_clinician_id = appointment.start, appointment.clinician_id
            appointment.clinician = target
            appointment.start = start
            appointment.end = start + timedelta(minutes=kind.duration_minutes)
            appointment.busy_until = appointment.end + timedelta(minutes=kind.buffer_minutes)
            # A move is a change to the calendar event: calendars take the higher SEQUENCE.
            appointment.ics_sequence += 1
            with transaction.atomic():
                appointment.save(
                    update_fields=[
                        "clinician",
                        "start",
                        "end",
                        "busy_until",
                        "ics_sequence",
                        "updated_at",
                    ]
                )
            if (old_start, old_clinician_id) != (appointment.start, appointment.clinician_id):
                _slot_freed(appointment, start=old_start, clinician_id=old_clinician_id)
            if booking_request is not None:
                _request_moved(booking_request, appointment=appointment)
            else:
                notices.appointment_moved_notify(
                    appointment=appointment, old_start=old_start, tell=tell
                )
                if source == BookingSource.PUBLIC:
                    _tell_staff(
                        appointment, "moved", "moved online by the patient", old_start=old_start
                    )
    except IntegrityError as error:
        if not _is_overlap_violation(error):
            raise
        appointment.refresh_from_db()
        raise SlotTaken(
            selectors.nearest_free_slots(
                appointment_type=kind, near=start, clinician=target, for_staff=for_staff
            )
        ) from error
    return appointment


@transaction.atomic
def appointment_cancel(
    *,
    appointment: Appointment,
    reason: str,
    cancelled_by: User | None = None,
    source: str = BookingSource.STAFF,
) -> Appointment:
    """Cancel an active appointment with a reason; its time becomes free at once.

    Cancelling the hold of a booking request closes the request: withdrawn when whoever
    booked cancels it through the manage link, rejected when staff cancel it.
    """
    if not appointment.holds_time:
        raise ValidationError({"detail": gettext("This appointment is not active.")})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": gettext("Give a reason for cancelling.")})
    if appointment.is_pending:
        booking_request = _open_request_of(appointment)
        _request_close(
            booking_request,
            appointment=appointment,
            status=BookingRequestStatus.WITHDRAWN
            if source == BookingSource.PUBLIC
            else BookingRequestStatus.REJECTED,
            reason=reason,
            by_user=cancelled_by,
            source=source,
        )
        return appointment
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancel_reason = reason[:200]
    appointment.cancelled_by = cancelled_by
    appointment.cancelled_source = source
    appointment.cancelled_at = timezone.now()
    appointment.ics_sequence += 1  # the METHOD:CANCEL must outrank the last event sent
    appointment.save(
        update_fields=[
            "status",
            "cancel_reason",
            "cancelled_by",
            "cancelled_source",
            "cancelled_at",
            "ics_sequence",
            "updated_at",
        ]
    )
    notices.appointment_cancelled_notify(appointment=appointment)
    if source == BookingSource.PUBLIC:
        _tell_staff(appointment, "cancelled", "cancelled online by the patient")
    _slot_freed(appointment, start=appointment.start, clinician_id=appointment.clinician_id)
    return appointment


@transaction.atomic
def appointment_set_notes(*, appointment: Appointment, notes: str) -> Appointment:
    appointment.notes = notes
    appointment.save(update_fields=["notes", "updated_at"])
    return appointment


def _set_status(appointment: Appointment, status: str) -> Appointment:
    if appointment.status == AppointmentStatus.CANCELLED:
        raise ValidationError({"detail": gettext("A cancelled appointment cannot change status.")})
    if appointment.is_pending:
        raise ValidationError({"detail": gettext("Confirm the online booking first.")})
    appointment.status = status
    appointment.save(update_fields=["status", "updated_at"])
    return appointment


def arrival_allowed(appointment: Appointment) -> bool:
    """A patient can arrive on the appointment's day (clinic-local) or later, never before:
    a visit tomorrow cannot be marked "Arrived" tonight."""
    clinic = appointment.clinic
    return timezone.localdate(appointment.start, clinic.tz) <= clinic.today()


@transaction.atomic
def appointment_mark_arrived(*, appointment: Appointment) -> Appointment:
    if appointment.status != AppointmentStatus.ARRIVED and not arrival_allowed(appointment):
        day = timezone.localdate(appointment.start, appointment.clinic.tz)
        raise ValidationError(
            {
                "detail": gettext(
                    "This appointment is on %(day)s: "
                    "a patient can be marked arrived only on or after that day."
                )
                % {"day": dateformat.format(day, "D j M Y")}
            }
        )
    return _set_status(appointment, AppointmentStatus.ARRIVED)


@transaction.atomic
def appointment_mark_no_show(*, appointment: Appointment) -> Appointment:
    if appointment.start > timezone.now():
        raise ValidationError(
            {"detail": gettext("A patient can only miss an appointment that has begun.")}
        )
    return _set_status(appointment, AppointmentStatus.NO_SHOW)


# The signed manage link -------------------------------------------------------------------


def manage_token(appointment: Appointment) -> str:
    """A signed token naming exactly this appointment (and the clinic it belongs to).

    It also names the appointment's patient, none for a booking request's hold: once the
    address on record confirms the request, the link handed to whoever typed that address
    stops working and the patient manages the booking with the link in their confirmation.
    """
    return manage_token_for(
        appointment_id=appointment.pk,
        clinic_id=appointment.clinic_id,
        patient_id=appointment.patient_id,
    )


def manage_token_for(*, appointment_id: int, clinic_id: int, patient_id: int | None) -> str:
    """`manage_token` from the ids alone (messages know them without loading the booking)."""
    return signing.dumps({"a": appointment_id, "c": clinic_id, "p": patient_id}, salt=MANAGE_SALT)


def notice_manage_path(notification: Notification) -> str:
    """The manage page of a message's appointment, signed as the message is written: the
    outbox calls this (registered in BookingConfig.ready), so no row keeps the credential."""
    token = manage_token_for(
        appointment_id=notification.subject_id,
        clinic_id=notification.clinic_id,
        patient_id=notification.patient_id,
    )
    return reverse("booking_manage", args=[token])


def manage_url(appointment: Appointment) -> str:
    """The absolute manage link for e-mails (no request at hand)."""
    path = reverse("booking_manage", args=[manage_token(appointment)])
    return settings.SITE_URL.rstrip("/") + path


def _front_desk_and_clinician(appointment: Appointment) -> list[User]:
    """Who hears of what patients do to a booking: the clinic's front desk and its clinician."""
    staff = [
        membership.user
        for membership in appointment.clinic.staff.filter(
            role=Role.FRONT_DESK, is_active=True
        ).select_related("user")
    ]
    staff.append(appointment.clinician)
    return list({user.pk: user for user in staff}.values())


def _tell_staff(
    appointment: Appointment, change: str, what: str, *, old_start: datetime | None = None
) -> None:
    """Front desk and the appointment's clinician hear of changes patients make themselves.
    `change` ("booked", "moved" or "cancelled") picks the e-mail's subject line."""
    staff = _front_desk_and_clinician(appointment)
    moved = {"old_start": old_start.isoformat()} if old_start is not None else {}
    notify.staff_alert_schedule(
        clinic=appointment.clinic,
        kind=notify.Kind.STAFF_PATIENT_BOOKING_CHANGE,
        staff=staff,
        subject=appointment,
        key_time=timezone.now(),
        patient=appointment.patient,
        payload={
            **notices.appointment_payload(appointment),
            **moved,
            "change": change,
            "detail": f"The appointment was {what}.",
            "link_path": reverse("booking_appointment", args=[appointment.pk]),
            "link_label": gettext_noop("Open the booking"),
        },
    )


def appointment_from_token(token: str) -> Appointment | None:
    """The appointment a manage link names; None when the link is forged, older than
    MANAGE_LINK_MAX_AGE or its appointment ended more than MANAGE_LINK_AFTER_END ago."""
    try:
        data = signing.loads(token, salt=MANAGE_SALT, max_age=MANAGE_LINK_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired included
        return None
    if not isinstance(data, dict):
        return None
    appointment = (
        Appointment.objects.select_related("clinic", "clinician", "appointment_type", "patient")
        .filter(
            pk=data.get("a"),
            clinic_id=data.get("c"),
            end__gt=timezone.now() - MANAGE_LINK_AFTER_END,
        )
        .first()
    )
    # Links from before tokens named the patient carry no "p" and stay valid.
    if appointment is not None and "p" in data and data["p"] != appointment.patient_id:
        return None
    return appointment


def patient_may_change(appointment: Appointment, *, now: datetime | None = None) -> bool:
    """Outside the late-cancel window a patient may cancel or move their own booking."""
    hours = selectors.booking_settings(clinic=appointment.clinic).late_cancel_hours
    now = now or timezone.now()
    # Whoever made a request's hold manages it like a booking: the manage page must not tell
    # them whether the e-mail they typed belongs to a patient.
    return appointment.holds_time and appointment.start - timedelta(hours=hours) > now


def appointment_cancel_by_patient(*, appointment: Appointment, reason: str = "") -> Appointment:
    if not patient_may_change(appointment):
        raise LateChange(gettext("It is too late to cancel online; please call the clinic."))
    return appointment_cancel(
        appointment=appointment,
        reason=reason.strip() or "Cancelled by the patient online.",
        source=BookingSource.PUBLIC,
    )


def appointment_reschedule_by_patient(*, appointment: Appointment, start: datetime) -> Appointment:
    if not patient_may_change(appointment):
        raise LateChange(
            gettext("It is too late to move this appointment online; please call the clinic.")
        )
    return appointment_reschedule(appointment=appointment, start=start, source=BookingSource.PUBLIC)


# Booking requests: public bookings made with a known patient's e-mail ----------------------


class RequestLinkExpired(Exception):
    """A confirmation link we signed, but older than a request may wait."""


def request_hours() -> int:
    """How long a booking request holds its time unconfirmed (never past its start)."""
    return getattr(settings, "BOOKING_REQUEST_HOURS", 24)


def request_token(booking_request: BookingRequest) -> str:
    """A signed, dated token naming exactly this request (and its clinic)."""
    return signing.dumps(
        {"r": booking_request.pk, "c": booking_request.clinic_id}, salt=REQUEST_SALT
    )


def request_path(booking_request: BookingRequest) -> str:
    return reverse("booking_request_confirm", args=[request_token(booking_request)])


def booking_request_from_token(token: str) -> BookingRequest | None:
    """The request a confirmation link names; None for a link we did not sign. Raises
    RequestLinkExpired for one of ours that is older than any request may wait."""
    try:
        data = signing.loads(token, salt=REQUEST_SALT, max_age=timedelta(hours=request_hours()))
    except signing.SignatureExpired:
        raise RequestLinkExpired from None
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return (
        BookingRequest.objects.select_related(
            "clinic",
            "patient",
            "appointment__clinic",
            "appointment__clinician",
            "appointment__appointment_type",
        )
        .filter(pk=data.get("r"), clinic_id=data.get("c"))
        .first()
    )


def _request_open(*, appointment: Appointment, patient: Patient, contact: Contact) -> None:
    """Keep what was typed beside the held appointment, ask the address on record to confirm
    and tell the front desk. Nothing is written to the patient."""
    now = timezone.now()
    booking_request = BookingRequest.objects.create(
        clinic=appointment.clinic,
        appointment=appointment,
        patient=patient,
        name=contact.name.strip()[:150],
        email=contact.email.strip().lower(),
        phone=contact.phone.strip()[:40],
        date_of_birth=contact.date_of_birth,
        sex=contact.sex,
        language=contact.language_code,
        expires_at=min(now + timedelta(hours=request_hours()), appointment.start),
    )
    notices.booking_request_notify(
        booking_request=booking_request, link_path=request_path(booking_request)
    )
    _tell_staff_of_request(
        booking_request,
        "The time is held, but nothing is added to the patient's record until they confirm "
        "through the link we e-mailed them, or you confirm it on the appointment's page. "
        "Unconfirmed, the time is released when the request runs out.",
        key_time=booking_request.created_at,
    )


def _open_request_of(appointment: Appointment) -> BookingRequest:
    """The pending request that holds this appointment, locked; refused once it has run out."""
    booking_request = (
        BookingRequest.objects.select_for_update()
        .filter(appointment_id=appointment.pk, status=BookingRequestStatus.PENDING)
        .first()
    )
    if booking_request is None:
        raise ValidationError({"detail": gettext("This booking request was already answered.")})
    if booking_request.expires_at <= timezone.now():
        raise ValidationError(
            {"detail": gettext("This booking request has run out; the time is no longer held.")}
        )
    return booking_request


def _request_close(
    booking_request: BookingRequest,
    *,
    appointment: Appointment,
    status: str,
    reason: str,
    by_user: User | None,
    source: str = "",
) -> None:
    """End a request without a booking: its hold is cancelled, its unsent e-mail too."""
    now = timezone.now()
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancel_reason = reason[:200]
    appointment.cancelled_by = by_user
    appointment.cancelled_source = source
    appointment.cancelled_at = now
    appointment.save(
        update_fields=[
            "status",
            "cancel_reason",
            "cancelled_by",
            "cancelled_source",
            "cancelled_at",
            "updated_at",
        ]
    )
    booking_request.status = status
    booking_request.decided_at = now
    booking_request.decided_by = by_user
    booking_request.save(update_fields=["status", "decided_at", "decided_by"])
    notify.notifications_cancel_for(
        subject=booking_request, reason=reason, kinds=[notify.Kind.BOOKING_REQUEST]
    )
    _slot_freed(appointment, start=appointment.start, clinician_id=appointment.clinician_id)


def _request_moved(booking_request: BookingRequest, *, appointment: Appointment) -> None:
    """The hold moved: the request still runs out by the (new) start, and the address on
    record is asked about the new time."""
    if booking_request.expires_at > appointment.start:
        booking_request.expires_at = appointment.start
        booking_request.save(update_fields=["expires_at"])
    booking_request.appointment = appointment
    notify.notifications_cancel_for(
        subject=booking_request,
        reason="Moved to a new time.",
        kinds=[notify.Kind.BOOKING_REQUEST],
    )
    notices.booking_request_notify(
        booking_request=booking_request, link_path=request_path(booking_request)
    )


@transaction.atomic
def booking_request_confirm(
    *, booking_request: BookingRequest, by_user: User | None = None
) -> Appointment:
    """The address on record (through the e-mailed link, `by_user` None) or staff confirm a
    booking request: the appointment becomes the patient's, the typed phone fills the
    record's phone only when it has none, the intake is added to the notes, and the usual
    confirmation and reminders follow. Confirming twice is harmless."""
    current = (
        BookingRequest.objects.select_for_update()
        .filter(pk=booking_request.pk)
        .values_list("status", flat=True)
        .first()
    )
    if current == BookingRequestStatus.CONFIRMED:
        return Appointment.objects.get(pk=booking_request.appointment_id)
    appointment = Appointment.objects.select_related("clinic", "clinician", "appointment_type").get(
        pk=booking_request.appointment_id
    )
    booking_request = _open_request_of(appointment)
    patient = Patient.objects.select_for_update().get(pk=booking_request.patient_id)
    if booking_request.phone and not patient.phone:
        patient.phone = booking_request.phone
        patient.save(update_fields=["phone", "updated_at"])
    _intake_append(
        patient,
        Intake(
            what_hurts=appointment.intake_what_hurts,
            weekly_km=appointment.intake_weekly_km,
            goal_race=appointment.intake_goal_race,
        ),
        appointment=appointment,
    )
    appointment.patient = patient
    appointment.status = AppointmentStatus.BOOKED
    appointment.save(update_fields=["patient", "status", "updated_at"])
    booking_request.status = BookingRequestStatus.CONFIRMED
    booking_request.decided_at = timezone.now()
    booking_request.decided_by = by_user
    booking_request.save(update_fields=["status", "decided_at", "decided_by"])
    notify.notifications_cancel_for(
        subject=booking_request, reason="Confirmed.", kinds=[notify.Kind.BOOKING_REQUEST]
    )
    notices.appointment_booked_notify(appointment=appointment)
    appointment_booked.send(sender=Appointment, appointment=appointment)
    if by_user is None:
        _tell_staff(
            appointment, "booked", "booked online and confirmed by the patient through our e-mail"
        )
    return appointment


@transaction.atomic
def booking_request_reject(
    *, booking_request: BookingRequest, by_user: User | None = None
) -> BookingRequest:
    """Staff reject a booking request, or the patient says through the e-mailed link that it
    was not theirs (`by_user` None): the held time is free again, nothing reaches the record."""
    appointment = Appointment.objects.select_related("clinic", "clinician").get(
        pk=booking_request.appointment_id
    )
    booking_request = _open_request_of(appointment)
    if by_user is None:
        reason = "The patient said through our e-mail that they did not make this booking."
    else:
        reason = "The online booking was rejected by staff."
    _request_close(
        booking_request,
        appointment=appointment,
        status=BookingRequestStatus.REJECTED,
        reason=reason,
        by_user=by_user,
        source=BookingSource.STAFF if by_user is not None else BookingSource.PUBLIC,
    )
    if by_user is None:
        # Keyed by the expiry, which no later answer shares with the creation.
        _tell_staff_of_request(
            booking_request,
            f"{reason} The time is free again.",
            key_time=booking_request.expires_at,
        )
    return booking_request


def booking_requests_expire(*, clinic: Clinic | None = None, now: datetime | None = None) -> int:
    """Release the time of requests nobody confirmed before they ran out; how many.

    The periodic task runs it for every clinic; booking and moving run it for their clinic
    first, so a hold that ran out a moment ago never refuses a new booking."""
    now = now or timezone.now()
    due = BookingRequest.objects.filter(status=BookingRequestStatus.PENDING, expires_at__lte=now)
    if clinic is not None:
        due = due.filter(clinic=clinic)
    released = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            booking_request = (
                BookingRequest.objects.select_for_update()
                .filter(pk=pk, status=BookingRequestStatus.PENDING, expires_at__lte=now)
                .first()
            )
            if booking_request is None:
                continue  # answered meanwhile
            _request_close(
                booking_request,
                appointment=Appointment.objects.get(pk=booking_request.appointment_id),
                status=BookingRequestStatus.EXPIRED,
                reason="The online booking was not confirmed in time.",
                by_user=None,
            )
            released += 1
    return released


@transaction.atomic
def booking_requests_forget(*, patient: Patient, by_user: User | None = None) -> int:
    """For a patient's anonymisation: requests made with their e-mail that still wait are
    rejected (their time released), and what was typed with any of them is cleared."""
    waiting = BookingRequest.objects.select_for_update().filter(
        patient=patient, status=BookingRequestStatus.PENDING
    )
    for booking_request in waiting:
        _request_close(
            booking_request,
            appointment=Appointment.objects.get(pk=booking_request.appointment_id),
            status=BookingRequestStatus.REJECTED,
            reason="Patient data anonymised on request",
            by_user=by_user,
            source=BookingSource.STAFF,
        )
    Appointment.objects.filter(booking_request__patient=patient).update(
        notes="", intake_what_hurts="", intake_goal_race="", updated_at=timezone.now()
    )
    return BookingRequest.objects.filter(patient=patient).update(
        name="", email="", phone="", date_of_birth=None, sex=""
    )


def _tell_staff_of_request(
    booking_request: BookingRequest, detail: str, *, key_time: datetime
) -> None:
    """Front desk and the clinician hear of a booking made with a known patient's e-mail.
    `key_time` tells this message from the request's other one (made, or declined)."""
    appointment = booking_request.appointment
    staff = _front_desk_and_clinician(appointment)
    notify.staff_alert_schedule(
        clinic=appointment.clinic,
        kind=notify.Kind.STAFF_BOOKING_REQUEST,
        staff=staff,
        subject=booking_request,
        key_time=key_time,
        patient=booking_request.patient,
        payload={
            **notices.appointment_payload(appointment),
            "detail": detail,
            "link_path": reverse("booking_appointment", args=[appointment.pk]),
            "link_label": gettext_noop("Open the booking"),
        },
    )


# Time off, closures and settings -----------------------------------------------------------


@transaction.atomic
def time_off_create(
    *, clinic: Clinic, clinician: User, start: datetime, end: datetime, reason: str = ""
) -> TimeOff:
    """Block a clinician's time. Existing bookings in it stay; the form lists them to move."""
    if end <= start:
        raise ValidationError({"end": gettext("The end must be after the start.")})
    time_off = TimeOff(clinic=clinic, clinician=clinician, start=start, end=end, reason=reason)
    time_off.full_clean()
    time_off.save()
    return time_off


@transaction.atomic
def closure_create(*, clinic: Clinic, first_day: date, last_day: date, reason: str = ""):
    if last_day < first_day:
        raise ValidationError({"last_day": gettext("The last day cannot be before the first.")})
    return ClinicClosure.objects.create(
        clinic=clinic, first_day=first_day, last_day=last_day, reason=reason
    )


@transaction.atomic
def booking_settings_update(*, clinic: Clinic, **values) -> BookingSettings:
    current = BookingSettings.objects.filter(clinic=clinic).first() or BookingSettings(
        clinic=clinic
    )
    for name, value in values.items():
        setattr(current, name, value)
    current.full_clean()
    current.save()
    # selectors.booking_settings reads the rules cached on the clinic object: a caller that
    # goes on to compute times with this clinic must see the new ones.
    clinic.booking_settings = current
    return current
