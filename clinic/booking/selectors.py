"""Read-side queries of booking: settings, schedules fed to `availability`, calendars."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.validators import slug_re
from django.db.models import F, FilteredRelation, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import dateformat, timezone
from django.utils.translation import gettext

from clinic.access import STAFF_ROLES, scope
from clinic.models import Clinic, Patient, Role, User

from . import availability as av
from . import time_grid
from .models import (
    ACTIVE_STATUSES,
    HOLDING_STATUSES,
    MAX_APPOINTMENT_SPAN,
    OPEN_WAITLIST_STATUSES,
    Appointment,
    AppointmentStatus,
    AppointmentType,
    BookingRequest,
    BookingRequestStatus,
    BookingSettings,
    BookingSource,
    ClinicClosure,
    TimeOff,
    WaitlistEntry,
    WorkingHours,
)

DEFAULT_PUBLIC_CLINIC = "demo"


def booking_settings(*, clinic: Clinic) -> BookingSettings:
    """The clinic's booking rules; an unsaved row with the defaults when none was set. Read
    with the clinic when it was loaded with `select_related("booking_settings")` (public
    availability), else in one query."""
    try:
        return clinic.booking_settings
    except BookingSettings.DoesNotExist:
        return BookingSettings(clinic=clinic)


def rules_for(*, clinic: Clinic, for_staff: bool = False) -> av.Rules:
    """Booking rules; staff are not held to the minimum notice or the horizon."""
    current = booking_settings(clinic=clinic)
    if for_staff:
        return av.Rules(
            time_zone=clinic.time_zone,
            slot_step_minutes=current.slot_step_minutes,
            min_notice=timedelta(0),
            horizon_days=3650,
        )
    return av.Rules(
        time_zone=clinic.time_zone,
        slot_step_minutes=current.slot_step_minutes,
        min_notice=timedelta(hours=current.min_notice_hours),
        horizon_days=current.horizon_days,
    )


def public_clinic(*, slug: str | None) -> Clinic | None:
    """The clinic a public request means: `?clinic=<slug>`, else the demo clinic, else the
    only clinic when there is just one (a single-clinic install needs no parameter)."""
    if slug:
        # Only a valid slug can name a clinic (and PostgreSQL refuses NUL characters).
        if not slug_re.match(slug):
            return None
        return Clinic.objects.filter(slug=slug).first()
    default = getattr(settings, "BOOKING_DEFAULT_CLINIC", DEFAULT_PUBLIC_CLINIC)
    found = Clinic.objects.filter(slug=default).first()
    if found is not None:
        return found
    clinics = list(Clinic.objects.all()[:2])
    return clinics[0] if len(clinics) == 1 else None


def public_type_of(*, clinic_slug: str | None, slug: str) -> AppointmentType | None:
    """The active, public type `slug` of the clinic `clinic_slug`, with its clinic; None when
    there is none (or no clinic slug is given)."""
    if not clinic_slug or not slug_re.match(clinic_slug):
        return None
    # A list, not .first(): (clinic, slug) is unique, so no ORDER BY is needed to pick one.
    found = list(
        AppointmentType.objects.select_related("clinic__booking_settings").filter(
            clinic__slug=clinic_slug, slug=slug, is_active=True, is_public=True
        )
    )
    return found[0] if found else None


def public_types(*, clinic: Clinic) -> QuerySet[AppointmentType]:
    return AppointmentType.objects.filter(clinic=clinic, is_public=True, is_active=True).order_by(
        "name"
    )


def clinicians_of(*, clinic: Clinic) -> QuerySet[User]:
    """Active staff who see patients: clinicians, and anyone offering an appointment type."""
    # A subquery rather than a join on the types: each user once, without a DISTINCT over
    # every column of the user row (and cheaper to plan than EXISTS).
    offering_a_type = AppointmentType.clinicians.through.objects.filter(
        appointmenttype__clinic=clinic, appointmenttype__is_active=True
    ).values("user_id")
    return User.objects.filter(
        Q(membership__role=Role.CLINICIAN) | Q(pk__in=offering_a_type),
        membership__clinic=clinic,
        membership__is_active=True,
        is_active=True,
    ).order_by("full_name", "pk")


def clinicians_for_type(*, appointment_type: AppointmentType) -> list[User]:
    """Who offers this type: its listed clinicians who are active staff of its clinic."""
    return list(
        appointment_type.clinicians.filter(
            membership__clinic_id=appointment_type.clinic_id,
            membership__is_active=True,
            is_active=True,
        ).order_by("full_name", "pk")
    )


def closures_between(*, clinic: Clinic, first: date, last: date) -> list[tuple[date, date]]:
    return list(
        ClinicClosure.objects.filter(
            clinic=clinic, first_day__lte=last, last_day__gte=first
        ).values_list("first_day", "last_day")
    )


def closures_from(*, clinic: Clinic, first: date) -> QuerySet[ClinicClosure]:
    return ClinicClosure.objects.filter(clinic=clinic, last_day__gte=first).order_by("first_day")


def _day_span(clinic: Clinic, first: date, last: date) -> tuple[datetime, datetime]:
    tz = clinic.tz
    return (
        datetime.combine(first, time.min, tzinfo=tz),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz),
    )


def local_midnight(clinic: Clinic, day: str | date, *, next_day: bool = False) -> datetime:
    """Midnight (aware) at the start of a local day given as a date or YYYY-MM-DD."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    if next_day:
        day += timedelta(days=1)
    return datetime.combine(day, time.min, tzinfo=clinic.tz)


def clinician_days(
    *,
    clinic: Clinic,
    clinician_ids: Iterable[int],
    first: date,
    last: date | None = None,
    exclude_appointment_id: int | None = None,
) -> list[av.ClinicianDay]:
    """Hours and busy intervals of the given clinicians over local days first..last.

    Three queries whatever the number of clinicians or appointments. Busy time is taken a
    day wider on each side so long appointments and buffers across midnight still count.
    """
    ids = list(dict.fromkeys(clinician_ids))
    last = last or first
    span_start, span_end = _day_span(clinic, first - timedelta(days=1), last + timedelta(days=1))
    hours: dict[int, list[av.WorkingBlock]] = {i: [] for i in ids}
    for row in WorkingHours.objects.filter(clinic=clinic, clinician_id__in=ids):
        hours[row.clinician_id].append(av.WorkingBlock(row.weekday, row.start_time, row.end_time))
    busy: dict[int, list[av.Interval]] = {i: [] for i in ids}
    appointments = (
        Appointment.objects.filter(
            clinician_id__in=ids,
            status__in=HOLDING_STATUSES,
            # No appointment's busy time is longer than MAX_APPOINTMENT_SPAN, so one that ends
            # after span_start began after this bound: an index range, not the whole history.
            start__gte=span_start - MAX_APPOINTMENT_SPAN,
            start__lt=span_end,
        )
        .annotate(blocked_until=Coalesce("busy_until", "end"))
        .filter(blocked_until__gt=span_start)
    )
    if exclude_appointment_id is not None:
        appointments = appointments.exclude(pk=exclude_appointment_id)
    for clinician_id, start, blocked_until in appointments.values_list(
        "clinician_id", "start", "blocked_until"
    ):
        busy[clinician_id].append(av.Interval(start, blocked_until))
    for clinician_id, start, end in TimeOff.objects.filter(
        clinician_id__in=ids, start__lt=span_end, end__gt=span_start
    ).values_list("clinician_id", "start", "end"):
        busy[clinician_id].append(av.Interval(start, end))
    return [
        av.ClinicianDay(clinician_id=i, hours=tuple(hours[i]), busy=tuple(busy[i])) for i in ids
    ]


def shape_of(appointment_type: AppointmentType) -> av.AppointmentShape:
    return av.AppointmentShape(appointment_type.duration_minutes, appointment_type.buffer_minutes)


def available_slots(
    *,
    appointment_type: AppointmentType,
    day: date,
    clinician: User | None = None,
    for_staff: bool = False,
    now: datetime | None = None,
) -> list[av.Slot]:
    """Free slots of a type on a local day, for one clinician or one per start for anyone."""
    clinic = appointment_type.clinic
    offering = clinicians_for_type(appointment_type=appointment_type)
    if clinician is not None:
        offering = [c for c in offering if c.pk == clinician.pk]
    rules = rules_for(clinic=clinic, for_staff=for_staff)
    if not offering:
        return []
    days = clinician_days(clinic=clinic, clinician_ids=[c.pk for c in offering], first=day)
    grid = av.free_slots(
        day=day,
        shape=shape_of(appointment_type),
        clinicians=days,
        rules=rules,
        now=None,
        closures=closures_between(clinic=clinic, first=day, last=day),
    )
    slots = av.within_window(grid, rules=rules, now=now or timezone.now())
    return slots if clinician is not None else av.one_per_start(slots, days)


def nearest_free_slots(
    *,
    appointment_type: AppointmentType,
    near: datetime,
    clinician: User | None = None,
    for_staff: bool = False,
    count: int = 3,
    days_ahead: int = 7,
) -> list[av.Slot]:
    """Free slots closest to `near`: that day first, then the following days until some."""
    day = near.astimezone(appointment_type.clinic.tz).date()
    for offset in range(days_ahead + 1):
        slots = available_slots(
            appointment_type=appointment_type,
            day=day + timedelta(days=offset),
            clinician=clinician,
            for_staff=for_staff,
        )
        if slots:
            return av.nearest(slots, near, count)
    return []


# Who keeps the waitlist: the people who answer the phone and run the calendar.
WAITLIST_ROLES = (Role.FRONT_DESK, Role.CLINIC_ADMIN)


def waitlist_list(*, user) -> QuerySet[WaitlistEntry]:
    """The open waitlist entries of the staff member's clinic, first come first."""
    return (
        scope(WaitlistEntry.objects.all(), user, roles=WAITLIST_ROLES)
        .filter(status__in=OPEN_WAITLIST_STATUSES)
        .select_related("appointment_type", "clinician", "patient")
        .order_by("created_at", "pk")
    )


def appointment_list(
    *, user, start: datetime | None = None, end: datetime | None = None, clinician_id=None
) -> QuerySet[Appointment]:
    """Appointments the staff member may see (their clinic), optionally within a span."""
    appointments = scope(Appointment.objects.all(), user, roles=STAFF_ROLES).select_related(
        "patient", "clinician", "appointment_type"
    )
    if start is not None:
        appointments = appointments.filter(end__gt=start)
    if end is not None:
        appointments = appointments.filter(start__lt=end)
    if clinician_id:
        appointments = appointments.filter(clinician_id=clinician_id)
    return appointments.order_by("start", "pk")


@dataclass(frozen=True, slots=True)
class CalendarAppointment:
    """An appointment as the calendars show it: names, labels and local times, ready to print."""

    pk: int
    clinician_id: int
    clinician_name: str
    patient_name: str
    type_name: str
    type_color: str
    status: str
    status_label: str
    source: str
    cancelled_source: str
    starts: str  # HH:MM in the clinic's time zone
    ends: str
    start: datetime  # aware, for the time grid
    end: datetime

    @property
    def movable(self) -> bool:
        """Holds time, so the calendar offers to move it."""
        return self.status in (AppointmentStatus.BOOKED, AppointmentStatus.PENDING)

    @property
    def remarks(self) -> str:
        """What the card says after the type (and clinician): status, and online bookings or
        cancellations, as one line of text."""
        parts = [] if self.status == AppointmentStatus.BOOKED else [str(self.status_label)]
        if self.source == BookingSource.PUBLIC:
            parts.append(gettext("booked online"))
        if self.cancelled_source == BookingSource.PUBLIC:
            parts.append(gettext("cancelled by the patient"))
        return " · ".join(parts)


@dataclass(frozen=True, slots=True)
class CalendarTimeOff:
    clinician_id: int
    clinician_name: str
    reason: str
    starts: str  # HH:MM in the clinic's time zone
    ends: str
    start: datetime  # aware, for the time grid
    end: datetime


@dataclass
class CalendarColumn:
    day: date
    appointments: list[CalendarAppointment]
    time_off: list[CalendarTimeOff]
    closed: bool
    # The column's date as its links and headings print it, formatted once here rather than by
    # three template filters per column; `dateformat` names days and months in the language
    # of the request, as the `date` filter would.
    iso: str = field(init=False)  # 2026-11-23
    heading: str = field(init=False)  # Mon 23 Nov
    label: str = field(init=False)  # Monday 23 November

    def __post_init__(self) -> None:
        day = self.day
        self.iso = day.isoformat()
        self.heading = dateformat.format(day, "D j M")
        self.label = dateformat.format(day, "l j F")


@dataclass
class Calendar:
    clinic: Clinic
    first: date
    last: date
    clinicians: list[User]
    clinician: User | None
    columns: list[CalendarColumn]
    # Each clinician's regular hours as (weekday, start, end) in local time, read with the
    # clinicians themselves (the same query) so the time grid can shade them.
    hours: dict[int, list[tuple[int, time, time]]] = field(default_factory=dict)


def _user_name(full_name: str, email: str) -> str:
    return full_name or email  # as User.__str__


_STATUS_LABELS = dict(AppointmentStatus.choices)

# The shape of the calendar's two big reads, built once like a class-based view's `queryset`:
# each request only clones one and adds its clinic, span and clinician. Resolving the joins,
# columns and ordering cost about as much CPU as running the query did.
_APPOINTMENT_ROWS = Appointment.objects.order_by("start", "clinician__full_name").values_list(
    "pk",
    "clinician_id",
    "clinician__full_name",
    "clinician__email",
    "patient__first_name",
    "patient__last_name",
    # A booking request's hold has no patient yet: the name typed with it instead.
    "booking_request__name",
    "appointment_type__name",
    "appointment_type__color",
    "status",
    "source",
    "cancelled_source",
    "start",
    "end",
)
_TIME_OFF_ROWS = TimeOff.objects.order_by("start").values_list(
    "clinician_id", "clinician__full_name", "clinician__email", "reason", "start", "end"
)


def calendar(
    *,
    clinic: Clinic,
    first: date,
    days: int,
    clinician_id: int | None,
    max_clinicians: int | None = None,
) -> Calendar:
    """Appointments (all statuses), time off, closures and working hours per local day; four
    queries. With more than `max_clinicians` and none chosen, the first clinician's only.

    A week is drawn on every visit to the front desk, so each query reads only the columns
    the calendars print, as plain values; times are turned into local HH:MM once, here.
    """
    last = first + timedelta(days=days - 1)
    span_start, span_end = _day_span(clinic, first, last)
    # The clinicians with their working hours joined in: a row per block of hours (or one
    # with NULLs), folded back into one user each below, so the hours cost no extra query.
    rows = (
        clinicians_of(clinic=clinic)
        .only("pk", "full_name", "email")
        .annotate(
            clinic_hours=FilteredRelation(
                "working_hours", condition=Q(working_hours__clinic_id=clinic.pk)
            ),
            hours_weekday=F("clinic_hours__weekday"),
            hours_start=F("clinic_hours__start_time"),
            hours_end=F("clinic_hours__end_time"),
        )
    )
    clinicians: list[User] = []
    hours: dict[int, list[tuple[int, time, time]]] = {}
    for row in rows:
        if row.pk not in hours:
            clinicians.append(row)
            hours[row.pk] = []
        if row.hours_weekday is not None:
            hours[row.pk].append((row.hours_weekday, row.hours_start, row.hours_end))
    chosen = next((c for c in clinicians if c.pk == clinician_id), None)
    if chosen is None and max_clinicians is not None and len(clinicians) > max_clinicians:
        chosen = clinicians[0]
    whose = {} if chosen is None else {"clinician_id": chosen.pk}
    appointments = _APPOINTMENT_ROWS.filter(
        clinic_id=clinic.pk, start__gte=span_start, start__lt=span_end, **whose
    )
    time_off = _TIME_OFF_ROWS.filter(
        clinic_id=clinic.pk, start__lt=span_end, end__gt=span_start, **whose
    )
    closures = closures_between(clinic=clinic, first=first, last=last)
    tz = clinic.tz
    columns = {
        first + timedelta(days=i): CalendarColumn(first + timedelta(days=i), [], [], False)
        for i in range(days)
    }
    for column in columns.values():
        column.closed = any(a <= column.day <= b for a, b in closures)
    for (
        pk,
        owner_id,
        owner_name,
        owner_email,
        first_name,
        last_name,
        typed_name,
        type_name,
        type_color,
        status,
        source,
        cancelled_source,
        start,
        end,
    ) in appointments:
        local_start = start.astimezone(tz)
        columns[local_start.date()].appointments.append(
            CalendarAppointment(
                pk=pk,
                clinician_id=owner_id,
                clinician_name=_user_name(owner_name, owner_email),
                patient_name=f"{first_name} {last_name}"  # as Patient.full_name
                if first_name is not None
                else typed_name or "",
                type_name=type_name,
                type_color=type_color,
                status=status,
                status_label=_STATUS_LABELS.get(status, status),
                source=source,
                cancelled_source=cancelled_source,
                starts=local_start.strftime("%H:%M"),
                ends=end.astimezone(tz).strftime("%H:%M"),
                start=start,
                end=end,
            )
        )
    for owner_id, owner_name, owner_email, reason, start, end in time_off:
        block = CalendarTimeOff(
            clinician_id=owner_id,
            clinician_name=_user_name(owner_name, owner_email),
            reason=reason,
            starts=start.astimezone(tz).strftime("%H:%M"),
            ends=end.astimezone(tz).strftime("%H:%M"),
            start=start,
            end=end,
        )
        for column in columns.values():
            day_start, day_end = _day_span(clinic, column.day, column.day)
            if start < day_end and end > day_start:
                column.time_off.append(block)
    return Calendar(clinic, first, last, clinicians, chosen, list(columns.values()), hours)


def calendar_grid(*, cal: Calendar, by_clinician: bool, now: datetime) -> time_grid.TimeGrid:
    """The calendar laid out on a time grid: a column per day (the week: the chosen clinician's
    or the whole clinic's), or with `by_clinician` a column per clinician (one day). Only
    arithmetic on what `calendar` read: no query."""
    shown = [cal.clinician] if cal.clinician else cal.clinicians
    shown_ids = [c.pk for c in shown]
    inputs = []
    if by_clinician:
        column = cal.columns[0]
        for c in shown:
            inputs.append(
                time_grid.ColumnInput(
                    day=column.day,
                    clinician_id=c.pk,
                    clinician_ids=[c.pk],
                    closed=column.closed,
                    appointments=[a for a in column.appointments if a.clinician_id == c.pk],
                    time_off=column.time_off,
                )
            )
    else:
        whose = cal.clinician.pk if cal.clinician else None
        for column in cal.columns:
            inputs.append(
                time_grid.ColumnInput(
                    day=column.day,
                    clinician_id=whose,
                    clinician_ids=shown_ids,
                    closed=column.closed,
                    appointments=column.appointments,
                    time_off=column.time_off,
                )
            )
    hours = {
        i: [
            time_grid.Hours(weekday, time_grid.clock_minutes(a), time_grid.clock_minutes(b))
            for weekday, a, b in blocks
        ]
        for i, blocks in cal.hours.items()
    }
    grid = time_grid.build(inputs, hours=hours, tz=cal.clinic.tz, now=now)
    names = {c.pk: str(c) for c in shown}
    for grid_column, calendar_column in zip(
        grid.columns, cal.columns * len(inputs) if by_clinician else cal.columns, strict=True
    ):
        whose = {"clinician": grid_column.clinician_id} if grid_column.clinician_id else {}
        query = urlencode({"date": calendar_column.iso, **whose})
        grid_column.link_query = query
        grid_column.book_query = query
        if by_clinician:
            grid_column.heading = grid_column.label = names[grid_column.clinician_id]
        else:
            grid_column.heading = calendar_column.heading
            grid_column.label = calendar_column.label
    return grid


def recent_online_activity(*, clinic: Clinic, days: int = 2) -> list[Appointment]:
    """Bookings and cancellations patients made online lately, newest first (one query)."""
    since = timezone.now() - timedelta(days=days)
    return list(
        Appointment.objects.filter(clinic=clinic)
        .filter(
            Q(source=BookingSource.PUBLIC, created_at__gte=since)
            | Q(cancelled_source=BookingSource.PUBLIC, cancelled_at__gte=since)
        )
        .select_related("patient", "clinician", "appointment_type", "booking_request")
        .order_by("-updated_at")[:10]
    )


def booking_requests_waiting(*, clinic: Clinic, patient=None) -> list[BookingRequest]:
    """Booking requests still waiting for confirmation (not run out), soonest time first."""
    requests = BookingRequest.objects.filter(
        clinic=clinic, status=BookingRequestStatus.PENDING, expires_at__gt=timezone.now()
    )
    if patient is not None:
        requests = requests.filter(patient=patient)
    return list(
        requests.select_related(
            "patient", "appointment__clinician", "appointment__appointment_type"
        ).order_by("appointment__start", "pk")
    )


def appointments_on_day(*, clinic: Clinic, day: date, clinician=None) -> QuerySet[Appointment]:
    """The clinic's appointments (or one clinician's) on a local day, earliest first: the
    staff home pages' list."""
    start, end = _day_span(clinic, day, day)
    appointments = Appointment.objects.filter(
        clinic=clinic, start__gte=start, start__lt=end, status__in=ACTIVE_STATUSES
    ).select_related("patient", "clinician", "appointment_type")
    if clinician is not None:
        appointments = appointments.filter(clinician=clinician)
    return appointments.order_by("start")


def upcoming_for_patient(*, user, patient: Patient, now: datetime, limit: int = 5) -> list[dict]:
    """The patient's next booked appointments as plain values (start, type, clinician): what
    their home page lists."""
    rows = (
        scope(patient.appointments.all(), user)
        .filter(start__gte=now, status=AppointmentStatus.BOOKED)
        .order_by("start")
        .values_list("start", "appointment_type__name", "clinician__full_name", "clinician__email")[
            :limit
        ]
    )
    return [
        {"start": start, "type": type_name, "clinician": _user_name(full_name, email)}
        for start, type_name, full_name, email in rows
    ]


@dataclass
class PatientAppointments:
    """A patient's appointments for their chart: the next ones, soonest first, and the latest
    past ones, most recent first (each list bounded)."""

    upcoming: list[Appointment]
    past: list[Appointment]
    more_past: bool  # older appointments exist beyond `past`


def patient_appointments(
    *, user, patient: Patient, now: datetime, upcoming: int = 10, past: int = 6
) -> PatientAppointments:
    """The patient's appointments around `now`, every status (cancelled ones say so), as a
    staff `user` of their clinic may read them; one under way counts as upcoming. Two queries
    whatever the history."""
    appointments = (
        scope(Appointment.objects.all(), user, roles=STAFF_ROLES)
        .filter(patient=patient)
        .select_related("clinician", "appointment_type")
    )
    recent = list(appointments.filter(end__lte=now).order_by("-start", "-pk")[: past + 1])
    return PatientAppointments(
        upcoming=list(appointments.filter(end__gt=now).order_by("start", "pk")[:upcoming]),
        past=recent[:past],
        more_past=len(recent) > past,
    )
