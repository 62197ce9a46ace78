"""The pages that show what the apps hold: each role's home page and the patient's chart."""

import json

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from assessments import questionnaires
from assessments.selectors import chart_screens, screens_visible_to
from clinic.access import (
    CLINICAL_ROLES,
    PATIENT,
    STAFF_ROLES,
    clinic_of,
    patient_of,
    role_of,
    role_required,
    scope,
)
from clinic.audit.services import access_record
from clinic.booking import selectors as booking_selectors
from clinic.models import Patient, Role
from programs import chart as program_chart
from programs import patient_home as program_home
from programs import run_selectors, self_test_schedule
from programs import worklist as program_worklist


@login_required
def home(request):
    role = role_of(request.user)
    if role is None:
        if request.user.is_staff:
            return redirect("admin:index")
        return render(request, "clinic/no_role.html", status=403)
    if role == PATIENT:
        return _patient_home(request)
    clinic = clinic_of(request.user)
    today = clinic.today()
    context = {"today": today}
    if role == Role.CLINICIAN:
        context["appointments"] = booking_selectors.appointments_on_day(
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
        context["appointments"] = booking_selectors.appointments_on_day(clinic=clinic, day=today)
        return render(request, "clinic/home_frontdesk.html", context)
    context["staff"] = clinic.staff.select_related("user").order_by("role", "user__full_name")
    context["appointments"] = booking_selectors.appointments_on_day(clinic=clinic, day=today)
    return render(request, "clinic/home_admin.html", context)


def _patient_home(request):
    patient = patient_of(request.user)
    # The patient's own day and hour (their zone, else the clinic's): which drills are today's
    # and whether it is morning yet for the check-in.
    now = timezone.localtime(timezone.now(), patient.tz)
    today = now.date()
    context = {
        "today": today,
        "patient": patient,
        "upcoming": booking_selectors.upcoming_for_patient(
            user=request.user, patient=patient, now=now
        ),
        **program_home.patient_home(request.user, now=now),
        "page_texts": json.dumps(program_home.page_texts()),
        "questionnaires_due": questionnaires.has_pending(patient),
        "self_test_due": self_test_schedule.self_test_due(patient, today),
    }
    response = render(request, "clinic/home_patient.html", context)
    # The service worker keeps only pages that say so (static/js/sw.js): the patient's own.
    response["X-Groundwork-Offline"] = "patient"
    return response


THEME_COLOUR = "#2f6f4f"


@require_GET
def web_manifest(request):
    """The web app manifest, so the patient's program can be added to the home screen."""
    icon = static("icons/icon.svg")
    manifest = {
        "name": "Groundwork – my program",
        "short_name": "Groundwork",
        "description": "Your home exercise program and today's drills.",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": [
            {"src": icon, "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
            {"src": icon, "sizes": "any", "type": "image/svg+xml", "purpose": "maskable"},
        ],
    }
    return JsonResponse(manifest, content_type="application/manifest+json")


@require_GET
@never_cache
def service_worker(request):
    """static/js/sw.js served from the site root, so its scope covers the patient's page."""
    path = finders.find("js/sw.js")
    if path is None:
        raise Http404(gettext("No service worker."))
    response = FileResponse(open(path, "rb"), content_type="text/javascript")  # noqa: SIM115 (closed by the response)
    response["Service-Worker-Allowed"] = "/"
    return response


@role_required(*STAFF_ROLES)
def patient_detail(request, pk: int):
    """The patient's chart: details and appointments for all staff; screens, the home program,
    adherence, check-ins and flags for clinicians and clinic admins only. Each section is a
    selector with a fixed number of queries, so the page does not grow with the history."""
    # With its clinic, whose date the age shown is counted on.
    patients = Patient.objects.select_related("clinic")
    patient = get_object_or_404(scope(patients, request.user), pk=pk)
    access_record(user=request.user, obj=patient)  # opening the chart is a read of it
    can_see_clinical = role_of(request.user) in CLINICAL_ROLES
    context = {
        "patient": patient,
        "can_see_clinical": can_see_clinical,
        "appointments": booking_selectors.patient_appointments(
            user=request.user, patient=patient, now=timezone.now()
        ),
        "booking_requests": booking_selectors.booking_requests_waiting(
            clinic=patient.clinic, patient=patient
        ),
    }
    if can_see_clinical:
        screens, older_screens = chart_screens(user=request.user, patient=patient)
        context.update(
            screens=screens,
            older_screens=older_screens,
            program=program_chart.patient_program_chart(
                user=request.user, patient=patient, today=patient.today()
            ),
            questionnaire_trends=questionnaires.patient_trends(patient),
            load=run_selectors.running_load(patient=patient, today=patient.today()),
            self_tests=run_selectors.latest_self_tests(patient=patient, limit=8),
            self_test_request=self_test_schedule.open_request(patient),
        )
        latest_screen = screens[0].screen if screens else None
        context["self_tests_beside"] = run_selectors.self_tests_beside_screen(
            context["self_tests"], latest_screen
        )
    return render(request, "clinic/patient_detail.html", context)
