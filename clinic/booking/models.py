"""Appointment types, clinicians' working hours and appointments."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from clinic.models import Clinic, Patient


class AppointmentType(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="appointment_types")
    name = models.CharField(max_length=100)
    slug = models.SlugField()
    duration_minutes = models.PositiveIntegerField()
    buffer_minutes = models.PositiveIntegerField(
        default=0, help_text="Free time kept after the appointment before the next one."
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
            models.UniqueConstraint(fields=["clinic", "slug"], name="appointment_type_slug_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.duration_minutes} min)"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


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
            raise ValidationError({"end_time": "The end must be after the start."})


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    ARRIVED = "arrived", "Arrived"
    NO_SHOW = "no_show", "No-show"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)


class Appointment(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="appointments")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.PROTECT, related_name="appointments"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    cancel_reason = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
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
            )
        ]

    def __str__(self) -> str:
        return f"{self.appointment_type.name} with {self.patient} at {self.start:%Y-%m-%d %H:%M}"
