"""Audit rows in the Django admin: read-only (the database refuses changes anyway)."""

import json

from django.contrib import admin

from clinic.link_tokens import redact_text

from .models import ANONYMISED_FIELDS, EVENT_MODELS, AccessAction, AccessEvent


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


_KIND_OF = {model: kind for kind, model in EVENT_MODELS.items()}


class EventAdmin(ReadOnlyAdmin):
    list_display = ("pgh_created_at", "pgh_label", "pgh_obj_id", "context")
    list_filter = ("pgh_label",)
    date_hierarchy = "pgh_created_at"
    exclude = ("pgh_context",)
    readonly_fields = ("context",)

    @admin.display(description="context")
    def context(self, obj) -> str:
        # Rows written before routes were recorded hold the request's path, which for a
        # manage, unsubscribe or magic link is a credential: shown without its token.
        found = dict(obj.pgh_context or {})
        if isinstance(found.get("url"), str):
            found["url"] = redact_text(found["url"])
        return json.dumps(found, sort_keys=True)

    def get_fields(self, request, obj=None):
        # An anonymised patient's history row keeps their name and notes (it cannot be
        # changed); like the trail, the admin leaves those columns out.
        fields = super().get_fields(request, obj)
        hidden = _anonymised_columns(obj)
        return [name for name in fields if name not in hidden]


def _anonymised_columns(event) -> tuple[str, ...]:
    columns = ANONYMISED_FIELDS.get(_KIND_OF.get(type(event)), ())
    if event is None or not columns:
        return ()
    patient_id = event.pgh_obj_id if type(event) is EVENT_MODELS["patient"] else event.patient_id
    anonymised = AccessEvent.objects.filter(
        patient_id=patient_id, action=AccessAction.ANONYMISE
    ).exists()
    return columns if anonymised else ()


for _model in EVENT_MODELS.values():
    admin.site.register(_model, EventAdmin)
