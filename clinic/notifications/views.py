"""Staff pages listing messages, message preferences (the patient's own page and the staff
page), the clinic's reminder times, and the unsubscribe page linked from every message."""

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from clinic import services as clinic_services
from clinic.access import PATIENT, STAFF_ROLES, membership_of, patient_of, role_required, scope
from clinic.forms import add_service_errors
from clinic.models import Patient, Role

from . import preferences, selectors, services
from .forms import PreferenceForm, ReminderSettingsForm
from .models import Channel, ConsentSource, Status

PAGE_SIZE = 50


def _listing(request, *, patient=None):
    status = request.GET.get("status", "")
    notifications = selectors.notification_list(user=request.user, patient=patient, status=status)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.status_counts(user=request.user, patient=patient)
    context = {
        "page": page,
        "patient": patient,
        "status": status if status in Status.values else "",
        "counts": counts,
        # (status, its translated label, how many): the filter links.
        "filters": [(name, Status(name).label, n) for name, n in counts.items()],
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
        patient_id, channel = preferences.unsubscribe_token_read(token)
        patient = get_object_or_404(Patient.objects.select_related("clinic"), pk=patient_id)
        done = False
        if request.method == "POST":
            services.unsubscribe(token=token)
            done = True
    except signing.SignatureExpired:
        context = {"invalid": True, "expired_after_days": preferences.UNSUBSCRIBE_MAX_AGE.days}
        return render(request, "notifications/unsubscribe.html", context, status=400)
    except signing.BadSignature:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    # The page a patient reaches from their own message: in their language (issue 22).
    with translation.override(patient.language):
        context = {
            "patient": patient,
            "channel_name": Channel(channel).label,
            "done": done,
            "token": token,
        }
        return render(request, "notifications/unsubscribe.html", context)


PREFERENCE_STAFF_ROLES = (Role.CLINIC_ADMIN, Role.FRONT_DESK)


def _preferences(request, *, patient: Patient, source: str, done: str):
    preference = services.preference_of(patient)
    form = PreferenceForm(request.POST or None, clinic=patient.clinic, preference=preference)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = dict(form.cleaned_data)
            chosen = {name: values.pop(name) or None for name in ("units", "language")}
            try:
                with transaction.atomic():  # all or nothing with the language and units
                    services.channel_preferences_update(
                        patient=patient, source=source, actor=request.user, **values
                    )
                    clinic_services.patient_preferences_set(patient=patient, **chosen)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, gettext("Message preferences saved."))
                return redirect(done)
        status = 400
    context = {
        "form": form,
        "patient": patient,
        "staff_view": source == ConsentSource.STAFF,
        "consents": selectors.consent_history(patient=patient),
    }
    return render(request, "notifications/preferences.html", context, status=status)


@role_required(PATIENT)
@require_http_methods(["GET", "POST"])
def my_preferences(request):
    """The signed-in patient's own channels, reminder time, quiet hours, time zone, units and
    language."""
    return _preferences(
        request,
        patient=patient_of(request.user),
        source=ConsentSource.PATIENT,
        done="notifications:my_preferences",
    )


@role_required(*PREFERENCE_STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def patient_preferences(request, pk: int):
    """Front desk or a clinic admin records a patient's choices, e.g. given on the phone."""
    patient = get_object_or_404(scope(Patient.objects.all(), request.user), pk=pk)
    return _preferences(
        request,
        patient=patient,
        source=ConsentSource.STAFF,
        done=reverse("notifications:patient_preferences", args=[patient.pk]),
    )


@role_required(Role.CLINIC_ADMIN)
@require_http_methods(["GET", "POST"])
def reminder_settings(request):
    """The clinic admin's appointment reminder times."""
    clinic = membership_of(request.user).clinic
    current = services.reminder_hours_for(clinic)
    form = ReminderSettingsForm(
        request.POST or None,
        initial={"reminder_hours": ", ".join(f"{h:g}" for h in current)},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.clinic_reminder_hours_set(
                clinic=clinic, hours=form.cleaned_data["reminder_hours"]
            )
            messages.success(request, _("Reminder times saved; upcoming appointments follow them."))
            return redirect("notifications:settings")
        status = 400
    return render(
        request,
        "notifications/reminder_settings.html",
        {"form": form, "hours": current},
        status=status,
    )
