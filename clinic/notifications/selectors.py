"""Read-side queries of notifications: what staff see on the messages page."""

from django.db.models import Count, QuerySet

from clinic.access import STAFF_ROLES, scope

from .models import ConsentEvent, Notification, Status

LISTED_STATUSES = (Status.PENDING, Status.SENDING, Status.SENT, Status.FAILED, Status.CANCELLED)


def notification_list(
    *, user, patient=None, status: str = "", kind: str = ""
) -> QuerySet[Notification]:
    """Messages of the user's clinic, newest due first; staff only."""
    notifications = scope(Notification.objects.all(), user, roles=STAFF_ROLES)
    if patient is not None:
        notifications = notifications.filter(patient=patient)
    if status in Status.values:
        notifications = notifications.filter(status=status)
    if kind:
        notifications = notifications.filter(kind=kind)
    return notifications.select_related("patient", "recipient_user").order_by("-due_at", "-id")


def status_counts(*, user, patient=None) -> dict[str, int]:
    notifications = scope(Notification.objects.all(), user, roles=STAFF_ROLES)
    if patient is not None:
        notifications = notifications.filter(patient=patient)
    counts = dict(
        notifications.order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in LISTED_STATUSES}


def consent_history(*, patient, limit: int = 20) -> list[ConsentEvent]:
    """The patient's latest consent records, newest first, with who made each change."""
    return list(
        ConsentEvent.objects.filter(patient=patient)
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )
