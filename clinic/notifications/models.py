"""Notification rows (the source of truth for every message), consent and delivery records."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from clinic.models import Clinic, Patient, validate_time_zone_or_blank


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class Kind(models.TextChoices):
    BOOKING_CONFIRMATION = "booking_confirmation", _("Booking confirmation")
    BOOKING_CHANGED = "booking_changed", _("Booking changed")
    BOOKING_CANCELLED = "booking_cancelled", _("Booking cancelled")
    BOOKING_REQUEST = "booking_request", _("Booking request to confirm")
    WAITLIST_OFFER = "waitlist_offer", _("Waitlist: a time came free")
    APPOINTMENT_REMINDER = "appointment_reminder", _("Appointment reminder")
    PROGRAM_REMINDER = "program_reminder", _("Home-program reminder")
    CHECKIN_PROMPT = "checkin_prompt", _("Check-in prompt")
    PROGRESSION_UPDATE = "progression_update", _("Progression update")
    RESCREEN_DUE = "rescreen_due", _("Re-screen due")
    QUESTIONNAIRE_DUE = "questionnaire_due", _("Questionnaire to fill in")
    SELF_TEST_DUE = "self_test_due", _("Home self-test due")
    STAFF_RED_FLAG = "staff_red_flag", _("Staff: red flag")
    STAFF_T_STOP = "staff_t_stop", _("Staff: T-STOP")
    STAFF_NO_PROGRESS = "staff_no_progress", _("Staff: no progress")
    STAFF_LOW_ADHERENCE = "staff_low_adherence", _("Staff: low adherence")
    STAFF_PATIENT_BOOKING_CHANGE = (
        "staff_patient_booking_change",
        _("Staff: patient booking change"),
    )
    STAFF_BOOKING_REQUEST = "staff_booking_request", _("Staff: online booking to confirm")
    STAFF_RESCREEN_DUE = "staff_rescreen_due", _("Staff: re-screen due")


STAFF_KINDS = frozenset(kind for kind in Kind if kind.value.startswith("staff_"))


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class Notification(models.Model):
    """One message to one recipient on one channel, due at one moment.

    Messages to a patient have `patient` set and no `recipient_user`; messages to staff have
    `recipient_user` set and `patient` names the patient they are about, when there is one.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="notifications")
    patient = models.ForeignKey(
        Patient, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    # Always set: "booking.appointment:42" for a model, or the caller's own string. Cancelling
    # and rescheduling look rows up by it, so it works for subjects that are not rows too.
    subject_ref = models.CharField(max_length=120)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    # A sweep that claims a row sets both: `claimed_at` names the claim, `lease_expires_at` is
    # how long it holds without the sweep's heartbeat pushing it forward.
    claimed_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-due_at"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="notification_due_idx"),
            models.Index(fields=["subject_ref", "status"], name="notification_subject_idx"),
            models.Index(fields=["clinic", "-due_at"], name="notification_clinic_idx"),
            models.Index(fields=["patient", "-due_at"], name="notification_patient_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(patient__isnull=False) | models.Q(recipient_user__isnull=False),
                name="notification_has_recipient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.channel} ({self.status}, due {self.due_at})"

    @property
    def to_patient(self) -> bool:
        return self.recipient_user_id is None


class ClinicNotificationSettings(models.Model):
    """A clinic's choices for reminders: how long before an appointment they go out."""

    clinic = models.OneToOneField(
        Clinic, on_delete=models.CASCADE, related_name="notification_settings"
    )
    reminder_hours_before = models.JSONField(
        default=list,
        blank=True,
        help_text="Hours before an appointment to remind the patient, e.g. [24, 2].",
    )

    class Meta:
        verbose_name_plural = "clinic notification settings"

    def __str__(self) -> str:
        return f"Notification settings of {self.clinic}"

    def clean(self):
        hours = self.reminder_hours_before
        if not isinstance(hours, list) or not all(
            isinstance(h, int | float) and 0 < h <= 24 * 14 for h in hours
        ):
            raise ValidationError(
                {"reminder_hours_before": _("Give a list of hours between 0 and 336.")}
            )


# Named by migrations from when the patient's time zone was kept here.
_time_zone_or_blank = validate_time_zone_or_blank


class ChannelPreference(models.Model):
    """A patient's consent per channel, preferred reminder time and quiet hours."""

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_enabled = models.BooleanField(default=True)
    # Text messages need the patient's explicit yes, so they start off.
    sms_enabled = models.BooleanField(default=False)
    reminder_time = models.TimeField(
        null=True, blank=True, help_text="Local time for home-program reminders."
    )
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    # The patient's time zone is on Patient (one zone per person, for pages and messages).
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Preferences of {self.patient_id}"

    def allows(self, channel: str) -> bool:
        return self.sms_enabled if channel == Channel.SMS else self.email_enabled


class ConsentSource(models.TextChoices):
    UNSUBSCRIBE_LINK = "unsubscribe_link", _("Unsubscribe link")
    PATIENT = "patient", _("Patient")
    STAFF = "staff", _("Staff")


class ConsentEvent(models.Model):
    """An append-only record of who turned which channel on or off, and when."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="consent_events")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    granted = models.BooleanField()
    source = models.CharField(max_length=20, choices=ConsentSource.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        verb = "on" if self.granted else "off"
        return f"{self.channel} {verb} for patient {self.patient_id} ({self.source})"


class Outcome(models.TextChoices):
    SENT = "sent", "Sent"
    RETRY = "retry", "Failed, will retry"
    FAILED = "failed", "Failed for good"
    SKIPPED = "skipped", "Skipped (no consent)"
    DEFERRED = "deferred", "Held until quiet hours end"
    LEASE_EXPIRED = "lease_expired", "Claim expired, back to pending"


class DeliveryLog(models.Model):
    """One row per attempt to deliver a notification, whatever came of it."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    attempted_at = models.DateTimeField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-attempted_at"]
        indexes = [models.Index(fields=["notification", "-attempted_at"])]

    def __str__(self) -> str:
        return f"{self.channel} {self.outcome} at {self.attempted_at}"
