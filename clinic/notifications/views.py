"""Staff pages listing messages, and the unsubscribe page linked from every patient message."""

from django.core import signing
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from clinic.access import STAFF_ROLES, role_required, scope
from clinic.models import Patient

from . import selectors, services
from .models import Channel, Status

PAGE_SIZE = 50


def _listing(request, *, patient=None):
    status = request.GET.get("status", "")
    notifications = selectors.notification_list(user=request.user, patient=patient, status=status)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "patient": patient,
        "status": status if status in Status.values else "",
        "counts": selectors.status_counts(user=request.user, patient=patient),
    }
    return render(request, "notifications/notification_list.html", context)


@role_required(*STAFF_ROLES)
def notification_list(request):
    return _listing(request)


@role_required(*STAFF_ROLES)
def patient_notifications(request, pk: int):
    patient = get_object_or_404(scope(Patient.objects.all(), request.user), pk=pk)
    return _listing(request, patient=patient)


# The signed token is the credential: mail clients' one-click unsubscribe (RFC 8058) posts
# without a CSRF token, and a GET only shows the button so link scanners change nothing.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    try:
        patient_id, channel = services.unsubscribe_token_read(token)
    except signing.BadSignature:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    patient = get_object_or_404(Patient.objects.select_related("clinic"), pk=patient_id)
    done = False
    if request.method == "POST":
        services.unsubscribe(token=token)
        done = True
    context = {
        "patient": patient,
        "channel_name": Channel(channel).label,
        "done": done,
        "token": token,
    }
    return render(request, "notifications/unsubscribe.html", context)
