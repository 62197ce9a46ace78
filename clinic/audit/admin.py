"""Audit rows in the Django admin: read-only (the database refuses changes anyway)."""

from django.contrib import admin

from .models import EVENT_MODELS, AccessEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "object_type", "object_id", "actor", "clinic")
    list_filter = ("action", "object_type")
    date_hierarchy = "created_at"


class EventAdmin(ReadOnlyAdmin):
    list_display = ("pgh_created_at", "pgh_label", "pgh_obj_id", "pgh_context")
    list_filter = ("pgh_label",)
    date_hierarchy = "pgh_created_at"


for _model in EVENT_MODELS.values():
    admin.site.register(_model, EventAdmin)
