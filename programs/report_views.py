"""The progress report (issue 21): a print page and a PDF, for the patient (who chooses to share
it) and for the clinic's clinicians and admins from the patient's chart."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from clinic.access import CLINICAL_ROLES, PATIENT, patient_of, role_required, scope
from clinic.audit.models import AccessAction
from clinic.audit.services import access_record
from clinic.models import Patient

from . import printout, progress_report

TEMPLATE = "programs/progress_report.html"


def _report(patient: Patient) -> progress_report.ProgressReport:
    return progress_report.progress_report(patient=patient, today=patient.clinic.today())


def _print_page(request, patient: Patient, *, pdf_url: str, back_url: str):
    context = {
        "report": _report(patient),
        "actions": True,
        "pdf_url": pdf_url,
        "back_url": back_url,
    }
    return render(request, TEMPLATE, context)


def _pdf_response(request, patient: Patient) -> HttpResponse:
    report = _report(patient)
    html = render_to_string(TEMPLATE, {"report": report, "pdf": True}, request=request)
    response = HttpResponse(
        printout.render_pdf(html, clinic_id=patient.clinic_id), content_type="application/pdf"
    )
    name = progress_report.pdf_filename(report)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _chart_patient(request, pk: int) -> Patient:
    """Patient `pk` of the clinician's or admin's clinic (404 for anyone else's)."""
    patients = scope(Patient.objects.select_related("clinic"), request.user, roles=CLINICAL_ROLES)
    return get_object_or_404(patients, pk=pk)


@role_required(PATIENT)
@require_GET
@never_cache  # a patient's report is never kept in a cache (no-store)
def my_progress_print(request):
    return _print_page(
        request,
        patient_of(request.user),
        pdf_url=reverse("my_progress_pdf"),
        back_url=reverse("home"),
    )


@role_required(PATIENT)
@require_GET
@never_cache
def my_progress_pdf(request):
    return _pdf_response(request, patient_of(request.user))


@role_required(*CLINICAL_ROLES)
@require_GET
@never_cache
def progress_print(request, pk: int):
    patient = _chart_patient(request, pk)
    access_record(user=request.user, obj=patient, detail="progress report")
    return _print_page(
        request,
        patient,
        pdf_url=reverse("progress_pdf", args=[patient.pk]),
        back_url=reverse("patient_detail", args=[patient.pk]),
    )


@role_required(*CLINICAL_ROLES)
@require_GET
@never_cache
def progress_pdf(request, pk: int):
    patient = _chart_patient(request, pk)
    access_record(
        user=request.user, obj=patient, action=AccessAction.EXPORT, detail="progress report pdf"
    )
    return _pdf_response(request, patient)
