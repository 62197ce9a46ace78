"""Browser views of the ground floor: sign-in, the lockout answer, the health check, the
patient list and form, clinic settings. The home pages and the patient's chart, which show
what the apps hold, are in clinic.site.views."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import health, selectors, services
from .access import STAFF_ROLES, membership_of, role_required, scope
from .forms import ClinicSettingsForm, LoginForm, PatientForm
from .lockout import LOCKED_OUT_MESSAGE
from .models import Patient, Role


class LoginView(auth_views.LoginView):
    template_name = "clinic/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


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


@role_required(*STAFF_ROLES)
def patient_list(request):
    search = request.GET.get("q", "").strip()[:100]
    patients = selectors.patient_list(user=request.user, search=search)
    page = Paginator(patients, 25).get_page(request.GET.get("page"))
    template = "clinic/_patient_rows.html" if request.headers.get("HX-Request") else None
    return render(request, template or "clinic/patient_list.html", {"page": page, "search": search})


@role_required(*STAFF_ROLES)
@require_http_methods(["GET", "POST"])
def patient_create(request):
    clinic = membership_of(request.user).clinic
    form = PatientForm(request.POST or None, clinic=clinic)
    if request.method == "POST" and form.is_valid():
        patient = services.patient_create(clinic=clinic, **form.cleaned_data)
        messages.success(request, _("%(name)s was added.") % {"name": patient.full_name})
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
        messages.success(request, _("Patient details saved."))
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
        messages.success(request, _("Clinic settings saved."))
        return redirect("clinic_settings")
    return render(
        request,
        "clinic/clinic_settings.html",
        {"form": form, "clinic": clinic},
        status=400 if form.errors else 200,
    )
