from django.contrib import admin

from .models import Appointment, AppointmentType, WorkingHours


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


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ("start", "clinician", "patient", "appointment_type", "status")
    list_filter = ("clinic", "status")
    date_hierarchy = "start"
    raw_id_fields = ("patient",)
