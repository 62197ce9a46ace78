"""Django admin for screens (read-mostly) and per-clinic threshold overrides."""

from django.contrib import admin

from .models import ClinicThresholds, Screen


@admin.register(Screen)
class ScreenAdmin(admin.ModelAdmin):
    list_display = ("patient", "performed_on", "clinic", "created_by", "updated_at")
    list_filter = ("clinic",)
    date_hierarchy = "performed_on"
    raw_id_fields = ("patient",)
    readonly_fields = ("created_by", "updated_by", "created_at", "updated_at")
    search_fields = ("patient__first_name", "patient__last_name", "patient__email")


@admin.register(ClinicThresholds)
class ClinicThresholdsAdmin(admin.ModelAdmin):
    list_display = ("clinic", "updated_by", "updated_at")
    readonly_fields = ("updated_by", "updated_at")
