"""Django admin for the drill library and programs (support staff only)."""

from django.contrib import admin

from .models import Drill, HiddenDrill, Program, ProgramChange, ProgramItem


@admin.register(Drill)
class DrillAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "category", "clinic", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["slug", "name"]


class ProgramItemInline(admin.TabularInline):
    model = ProgramItem
    extra = 0
    raw_id_fields = ["drill"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["patient", "version", "status", "clinic", "published_at"]
    list_filter = ["status"]
    raw_id_fields = ["patient", "screen", "created_by", "published_by"]
    inlines = [ProgramItemInline]


admin.site.register(HiddenDrill)
admin.site.register(ProgramChange)
