"""Browser views of the clinic app: sign-in, role-aware home, patients, clinic settings."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from assessments.selectors import screens_visible_to
from clinic.audit.services import access_record
from programs import patient_home as program_home
from programs import worklist as program_worklist

from . import health, selectors, services
from .access import (
    CLINICAL_ROLES,
    PATIENT,
    STAFF_ROLES,
    clinic_of,
    membership_of,
    patient_of,
    role_of,
    role_required,
    scope,
)
from .booking import selectors as booking_selectors
from .forms import ClinicSettingsForm, LoginForm, PatientForm
from .models import Patient, Role


class LoginView(auth_views.LoginView):
    template_name = "clinic/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


LOCKED_OUT_MESSAGE = (
    "Too many failed sign-in attempts. Wait 15 minutes and try again, or reset your password."
)


def locked_out(request, original_response=None, credentials=None):
    """What django-axes answers once an account or address is locked out."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": LOCKED_OUT_MESSAGE}, status=429)
    context = {"form": LoginForm(request), "lockout_message": LOCKED_OUT_MESSAGE}
    return render(request, "clinic/login.html", context, status=429)


@never_cache
def healthz(request):
    """For load balancers and monitors: 200 when the database, Redis (when used) and the
    scheduler all work, 503 otherwise; the JSON says which part is failing."""
    healthy, report = health.health_report(now=timezone.now())
    return JsonResponse(report, status=200 if healthy else 503)


@login_required
def home(request):
    role = role_of(request.user)
    if role is None:
        if request.user.is_staff:
            return redirect("admin:index")
        return render(request, "clinic/no_role.html", status=403)
    clinic = clinic_of(request.user)
    today = clinic.today()
    context = {"today": today}
    if role == PATIENT:
        return _patient_home(request, clinic=clinic, today=today)
    if role == Role.CLINICIAN:
        context["appointments"] = selectors.appointments_on_day(
            clinic=clinic, day=today, clinician=request.user
        )
        context["recent_screens"] = screens_visible_to(request.user).order_by(
            "-performed_on", "-created_at"
        )[:8]
        context["needs_you"] = program_worklist.worklist(
            user=request.user, today=today, only_flagged=True
        )
        return render(request, "clinic/home_clinician.html", context)
    if role == Role.FRONT_DESK:
        context["appointments"] = selectors.appointments_on_day(clinic=clinic, day=today)
        return render(request, "clinic/home_frontdesk.html", context)
    context["staff"] = clinic.staff.select_related("user").order_by("role", "user__full_name")
    context["appointments"] = selectors.appointments_on_day(clinic=clinic, day=today)
    return render(request, "clinic/home_admin.html", context)


def _patient_home(request, *, clinic, today):
    patient = patient_of(request.user)
    context = {
        "today": today,
        "patient": patient,
        "upcoming": selectors.upcoming_for_patient(
            user=request.user, patient=patient, now=timezone.now()
        ),
        **program_home.patient_home(request.user, today),
    }
    return render(request, "clinic/home_patient.html", context)


@role_required(*STAFF_ROLES)
def patient_list(request):
    search = request.GET.get("q", "").strip()[:100]
    patients = selectors.patient_list(user=request.user, search=search)
    page = Paginator(patients, 25).get_page(request.GET.get("page"))
    template = "clinic/_patient_rows.html" if request.headers.get("HX-Request") else None
    return render(request, template or "clinic/patient_list.html", {"page": page, "search": search})


@role_required(*STAFF_ROLES)
def patient_detail(request, pk: int):
    # With its clinic, whose date the age shown is counted on.
    patients = Patient.objects.select_related("clinic")
    patient = get_object_or_404(scope(patients, request.user), pk=pk)
    access_record(user=request.user, obj=patient)  # opening the chart is a read of it
    can_see_clinical = role_of(request.user) in CLINICAL_ROLES
    appointments = patient.appointments.select_related("clinician", "appointment_type").order_by(
        "-start"
    )[:10]
    return render(
        request,
        "clinic/patient_detail.html",
        {
            "patient": patient,
            "can_see_clinical": can_see_clinical,
            "appointments": appointments,
            "booking_requests": booking_selectors.booking_requests_waiting(
                clinic=patient.clinic, patient=patient
            ),
        },
    )


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def patient_create(request):
    clinic = membership_of(request.user).clinic
    form = PatientForm(request.POST or None, clinic=clinic)
    if request.method == "POST" and form.is_valid():
        patient = services.patient_create(clinic=clinic, **form.cleaned_data)
        messages.success(request, f"{patient.full_name} was added.")
        return redirect("patient_detail", pk=patient.pk)
    return render(
        request,
        "clinic/patient_form.html",
        {"form": form, "creating": True},
        status=400 if form.errors else 200,
    )


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def patient_edit(request, pk: int):
    patient = get_object_or_404(scope(Patient.objects.all(), request.user), pk=pk)
    form = PatientForm(request.POST or None, instance=patient, clinic=patient.clinic)
    if request.method == "POST" and form.is_valid():
        services.patient_update(patient=patient, **form.cleaned_data)
        messages.success(request, "Patient details saved.")
        return redirect("patient_detail", pk=patient.pk)
    return render(
        request,
        "clinic/patient_form.html",
        {"form": form, "patient": patient},
        status=400 if form.errors else 200,
    )


@role_required(Role.CLINIC_ADMIN)
@require_http_methods(["GET", "POST"])
def clinic_settings(request):
    clinic = membership_of(request.user).clinic
    form = ClinicSettingsForm(request.POST or None, instance=clinic)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Clinic settings saved.")
        return redirect("clinic_settings")
    return render(
        request,
        "clinic/clinic_settings.html",
        {"form": form, "clinic": clinic},
        status=400 if form.errors else 200,
    )
