"""Appointment types, clinicians' hours, time off, closures, booking settings and appointments."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from clinic.models import Clinic, Language, Patient, Sex

# The longest appointment (8 hours) and buffer (4 hours) a type may have. An appointment's
# busy time is therefore never longer than MAX_APPOINTMENT_SPAN, which lets the availability
# query look back a bounded time from a day's start and use the (clinician, start) index.
MAX_DURATION_MINUTES = 8 * 60
MAX_BUFFER_MINUTES = 4 * 60
MAX_APPOINTMENT_SPAN = timedelta(minutes=MAX_DURATION_MINUTES + MAX_BUFFER_MINUTES)


class AppointmentType(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="appointment_types")
    name = models.CharField(max_length=100)
    slug = models.SlugField()
    duration_minutes = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_MINUTES)],
        help_text=f"1 to {MAX_DURATION_MINUTES} minutes.",
    )
    buffer_minutes = models.PositiveIntegerField(
        default=0,
        validators=[MaxValueValidator(MAX_BUFFER_MINUTES)],
        help_text=f"Free time kept after the appointment before the next one (at most "
        f"{MAX_BUFFER_MINUTES} minutes).",
    )
    is_public = models.BooleanField(default=False, help_text="Bookable from the public page.")
    color = models.CharField(max_length=7, default="#2f6f4f")
    clinicians = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="appointment_types"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["clinic", "name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "slug"], name="appointment_type_slug_unique"),
            models.CheckConstraint(
                condition=models.Q(
                    duration_minutes__gte=1,
                    duration_minutes__lte=MAX_DURATION_MINUTES,
                    buffer_minutes__lte=MAX_BUFFER_MINUTES,
                ),
                name="appointment_type_length_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.duration_minutes} min)"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WorkingHours(models.Model):
    """A clinician's regular hours on one weekday, in the clinic's local time."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="working_hours")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_hours"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["clinician", "weekday", "start_time"]
        verbose_name_plural = "working hours"

    def __str__(self) -> str:
        return f"{self.clinician} {self.get_weekday_display()} {self.start_time}-{self.end_time}"

    def clean(self):
        if self.start_time and self.end_time and self.start_time >= self.end_time:
            raise ValidationError({"end_time": _("The end must be after the start.")})


class BookingSettings(models.Model):
    """A clinic's booking rules; a clinic without a row uses the defaults below."""

    clinic = models.OneToOneField(Clinic, on_delete=models.CASCADE, related_name="booking_settings")
    min_notice_hours = models.PositiveIntegerField(
        default=2, help_text="Patients cannot book closer to now than this."
    )
    horizon_days = models.PositiveIntegerField(
        default=60, help_text="Patients can book at most this many days ahead."
    )
    late_cancel_hours = models.PositiveIntegerField(
        default=24,
        help_text="Inside this many hours before the start, patients must call to cancel or move.",
    )
    slot_step_minutes = models.PositiveIntegerField(
        default=15, help_text="Offered start times are this many minutes apart."
    )

    class Meta:
        verbose_name_plural = "booking settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(slot_step_minutes__gte=5), name="booking_slot_step_at_least_5"
            ),
            models.CheckConstraint(
                condition=models.Q(horizon_days__gte=1), name="booking_horizon_at_least_1"
            ),
        ]

    def __str__(self) -> str:
        return f"Booking settings of {self.clinic}"


class TimeOff(models.Model):
    """Time a clinician is not bookable: leave, a course, blocked admin time."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="time_off")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_off"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name_plural = "time off"
        indexes = [models.Index(fields=["clinician", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="time_off_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.clinician} off {self.start:%Y-%m-%d %H:%M}"


class ClinicClosure(models.Model):
    """Whole days the clinic is closed (public holidays, moves), in the clinic's calendar."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="closures")
    first_day = models.DateField()
    last_day = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="closure_last_day_not_before_first",
            )
        ]

    def __str__(self) -> str:
        return f"{self.clinic} closed {self.first_day}–{self.last_day}"


class AppointmentStatus(models.TextChoices):
    # A public booking made with the e-mail of a patient the clinic already has: the time is
    # held, but nothing is linked to that patient until the address (or staff) confirms it.
    PENDING = "pending", _("To confirm")
    BOOKED = "booked", _("Booked")
    ARRIVED = "arrived", _("Arrived")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)
# What occupies a clinician's time: active appointments and the holds of booking requests
# (the PostgreSQL exclusion constraint covers the same statuses, migration 0007).
HOLDING_STATUSES = (AppointmentStatus.PENDING, *ACTIVE_STATUSES)


class BookingSource(models.TextChoices):
    STAFF = "staff", _("Staff")
    PUBLIC = "public", _("Public booking page")


class Appointment(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="appointments")
    patient = models.ForeignKey(
        Patient,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
        help_text="Empty while a booking request waits for confirmation (see BookingRequest).",
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.PROTECT, related_name="appointments"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    busy_until = models.DateTimeField(
        null=True,
        blank=True,
        help_text="End plus the type's buffer: the clinician is not bookable before this.",
    )
    status = models.CharField(
        max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    source = models.CharField(
        max_length=10, choices=BookingSource.choices, default=BookingSource.STAFF
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancel_reason = models.CharField(max_length=200, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the patient cancelled through the manage link.",
    )
    cancelled_source = models.CharField(max_length=10, choices=BookingSource.choices, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    intake_what_hurts = models.CharField(max_length=500, blank=True)
    intake_weekly_km = models.PositiveIntegerField(null=True, blank=True)
    intake_goal_race = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    series = models.UUIDField(
        null=True,
        blank=True,
        db_index=True,
        help_text="Shared by the occurrences of a repeating booking; empty for a single one.",
    )
    ics_sequence = models.PositiveIntegerField(
        default=0,
        help_text="The calendar SEQUENCE of the appointment's event: one more on every move "
        "and on cancelling, so calendars update the event they have instead of adding one.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        indexes = [
            models.Index(fields=["clinic", "start"]),
            models.Index(fields=["clinician", "start"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="appointment_end_after_start"
            ),
            # Only a request's hold (pending, or cancelled once it is refused or expires) may
            # lack a patient: a booked, arrived or missed appointment always has one.
            models.CheckConstraint(
                condition=models.Q(patient__isnull=False)
                | models.Q(status__in=[AppointmentStatus.PENDING, AppointmentStatus.CANCELLED]),
                name="appointment_patient_unless_request",
            ),
        ]
        # On PostgreSQL migration 0004 adds the exclusion constraint OVERLAP_CONSTRAINT (0007
        # widens it to HOLDING_STATUSES): no two appointments of one clinician that hold time
        # overlap over [start, busy_until).

    def __str__(self) -> str:
        who = self.patient if self.patient_id else "a booking request"
        return f"{self.appointment_type.name} with {who} at {self.start:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_pending(self) -> bool:
        return self.status == AppointmentStatus.PENDING

    @property
    def holds_time(self) -> bool:
        """Booked, arrived, or held for a booking request: the clinician is not free."""
        return self.status in HOLDING_STATUSES

    def clean(self):
        if self.start and self.end:
            if self.end <= self.start:
                raise ValidationError({"end": _("The end must be after the start.")})
            if (self.busy_until or self.end) - self.start > MAX_APPOINTMENT_SPAN:
                hours = MAX_APPOINTMENT_SPAN.total_seconds() / 3600
                raise ValidationError(
                    {
                        "end": _("An appointment and its buffer last at most %(hours)s hours.")
                        % {"hours": f"{hours:g}"}
                    }
                )


OVERLAP_CONSTRAINT = "appointment_no_overlap_per_clinician"


class BookingRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Cancelled by whoever booked")
    EXPIRED = "expired", _("Expired unconfirmed")


class BookingRequest(models.Model):
    """A public booking made with the e-mail of a patient the clinic already has.

    Anyone can type any address into the public form, so such a booking proves nothing about
    who made it. Its appointment holds the time (status pending, no patient) and the details
    typed with it wait here, apart from the patient's record, until the address on record
    confirms through a signed link or staff confirm it; then the appointment is the patient's
    and the phone (when the record has none) and intake are applied. Unconfirmed requests
    expire and release the time.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="booking_requests")
    appointment = models.OneToOneField(
        Appointment, on_delete=models.CASCADE, related_name="booking_request"
    )
    patient = models.ForeignKey(
        Patient,
        on_delete=models.PROTECT,
        related_name="booking_requests",
        help_text="The patient whose e-mail was typed: who must confirm.",
    )
    # As typed on the public form; never copied to the patient before confirmation.
    name = models.CharField(max_length=150)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, blank=True)
    language = models.CharField(
        max_length=2,
        choices=Language.choices,
        default=Language.ENGLISH,
        help_text="The language the booking was made in: the request's e-mail is in it.",
    )
    status = models.CharField(
        max_length=10, choices=BookingRequestStatus.choices, default=BookingRequestStatus.PENDING
    )
    expires_at = models.DateTimeField(
        help_text="Unconfirmed by then, the request expires and its time is free again."
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the patient answered through the e-mailed link, or it expired.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["expires_at"]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"Booking request for {self.patient} ({self.get_status_display().lower()})"

    @property
    def is_open(self) -> bool:
        """Still waiting; whether it has run out is a question of the time (see expires_at)."""
        return self.status == BookingRequestStatus.PENDING


class CalendarFeed(models.Model):
    """A staff member's private iCal feed URL: one clinician's appointments or, with no
    clinician, the whole clinic's.

    The URL's secret is derived from `nonce` with the server's SECRET_KEY, so the database
    alone never holds a working URL; `secret_hash` (SHA-256 of the secret) is what a request
    is compared against, in constant time. Revoking sets `revoked_at`; the old URL then 404s
    and the next request for a feed makes a new one.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="calendar_feeds")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Whose appointments; empty for the whole clinic.",
    )
    nonce = models.CharField(max_length=64)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "clinician"],
                condition=models.Q(revoked_at__isnull=True, clinician__isnull=False),
                name="calendar_feed_one_live_per_clinician",
            ),
            models.UniqueConstraint(
                fields=["owner"],
                condition=models.Q(revoked_at__isnull=True, clinician__isnull=True),
                name="calendar_feed_one_live_per_clinic",
            ),
        ]

    def __str__(self) -> str:
        whose = self.clinician if self.clinician_id else self.clinic
        return f"Calendar feed of {whose} for {self.owner}"


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Offered a time")
    BOOKED = "booked", _("Booked")
    EXPIRED = "expired", _("Window passed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Entries that still want a time: an offer that went to someone else leaves them waiting.
OPEN_WAITLIST_STATUSES = (WaitlistStatus.WAITING, WaitlistStatus.OFFERED)


class WaitlistEntry(models.Model):
    """Someone who found no time that suits them and asked to hear when one frees up.

    The window is stored as instants; a date given for `latest` covers that whole day in the
    clinic's time zone. What was typed stays here as typed: `patient` is filled when the
    e-mail is one the clinic knows, or when the first offer needs someone to write to, and
    nothing is ever written to that patient from the entry.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="waitlist")
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.CASCADE, related_name="waitlist"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty: any clinician who offers the type.",
    )
    earliest = models.DateTimeField(help_text="Offers start at this instant or later.")
    latest = models.DateTimeField(help_text="Offers start at this instant or earlier.")
    name = models.CharField(max_length=150)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    language = models.CharField(
        max_length=2,
        choices=Language.choices,
        default=Language.ENGLISH,
        help_text="The language the entry was made in: its offers are e-mailed in it.",
    )
    patient = models.ForeignKey(
        Patient, null=True, blank=True, on_delete=models.SET_NULL, related_name="waitlist"
    )
    status = models.CharField(
        max_length=10, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    appointment = models.ForeignKey(
        Appointment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The appointment an accepted offer booked.",
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # First come, first offered.
        ordering = ["created_at", "pk"]
        verbose_name_plural = "waitlist entries"
        indexes = [models.Index(fields=["clinic", "appointment_type", "status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latest__gte=models.F("earliest")),
                name="waitlist_latest_not_before_earliest",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} waiting for {self.appointment_type.name}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_WAITLIST_STATUSES


class WaitlistOffer(models.Model):
    """One freed time offered to one waitlist entry. Several entries are offered the same
    time at once; the booking service decides who gets it (the first to confirm)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="+")
    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    start = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "clinician", "start"], name="waitlist_offer_once_per_time"
            )
        ]

    def __str__(self) -> str:
        return f"Offer of {self.start:%Y-%m-%d %H:%M} to {self.entry.name}"
