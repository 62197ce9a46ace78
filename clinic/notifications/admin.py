"""Django admin for notifications: read-mostly views for support staff."""

from django.contrib import admin

from .models import (
    ChannelPreference,
    ClinicNotificationSettings,
    ConsentEvent,
    DeliveryLog,
    Notification,
)


class DeliveryLogInline(admin.TabularInline):
    model = DeliveryLog
    extra = 0
    can_delete = False
    readonly_fields = ("channel", "attempted_at", "outcome", "detail")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("kind", "channel", "status", "due_at", "sent_at", "attempts", "clinic")
    list_filter = ("status", "channel", "kind")
    raw_id_fields = ("patient", "recipient_user", "clinic")
    readonly_fields = ("idempotency_key", "subject_ref", "claimed_at", "sent_at", "attempts")
    inlines = [DeliveryLogInline]


@admin.register(ChannelPreference)
class ChannelPreferenceAdmin(admin.ModelAdmin):
    list_display = ("patient", "email_enabled", "sms_enabled", "quiet_start", "quiet_end")
    raw_id_fields = ("patient",)


@admin.register(ConsentEvent)
class ConsentEventAdmin(admin.ModelAdmin):
    list_display = ("patient", "channel", "granted", "source", "actor", "created_at")
    raw_id_fields = ("patient", "actor")

    # The consent record is evidence: it is only ever appended to, never edited.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(ClinicNotificationSettings)
