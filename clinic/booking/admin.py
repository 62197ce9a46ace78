"""Django admin for booking: types, hours, time off, closures, settings and appointments."""

from django.contrib import admin

from .models import (
    Appointment,
    AppointmentType,
    BookingRequest,
    BookingSettings,
    ClinicClosure,
    TimeOff,
    WorkingHours,
)


@admin.register(AppointmentType)
class AppointmentTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "clinic", "slug", "duration_minutes", "buffer_minutes", "is_public")
    list_filter = ("clinic", "is_public")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("clinicians",)


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ("clinician", "clinic", "weekday", "start_time", "end_time")
    list_filter = ("clinic", "weekday")


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ("clinician", "clinic", "start", "end", "reason")
    list_filter = ("clinic",)
    date_hierarchy = "start"


@admin.register(ClinicClosure)
class ClinicClosureAdmin(admin.ModelAdmin):
    list_display = ("clinic", "first_day", "last_day", "reason")
    list_filter = ("clinic",)


@admin.register(BookingSettings)
class BookingSettingsAdmin(admin.ModelAdmin):
    list_display = (
        "clinic",
        "min_notice_hours",
        "horizon_days",
        "late_cancel_hours",
        "slot_step_minutes",
    )


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ("start", "clinician", "patient", "appointment_type", "status", "source")
    list_filter = ("clinic", "status", "source")
    date_hierarchy = "start"
    raw_id_fields = ("patient",)
    readonly_fields = ("busy_until", "cancelled_at", "cancelled_by", "booked_by")


@admin.register(BookingRequest)
class BookingRequestAdmin(admin.ModelAdmin):
    """Read-only: confirming or rejecting goes through the services (messages, the record)."""

    list_display = ("created_at", "clinic", "patient", "name", "status", "expires_at")
    list_filter = ("clinic", "status")
    raw_id_fields = ("patient", "appointment")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
