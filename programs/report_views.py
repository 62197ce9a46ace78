"""The progress report (issue 21): a print page and a PDF, for the patient (who chooses to share
it: a download, or a link that works for a few days, programs.report_sharing) and for the
clinic's clinicians and admins from the patient's chart; and the shared link's pages, which a
referring doctor opens without signing in."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic.access import CLINICAL_ROLES, PATIENT, patient_of, role_required, scope
from clinic.audit.models import AccessAction
from clinic.audit.services import access_record
from clinic.models import Patient

from . import printout, progress_report, report_sharing, selectors

TEMPLATE = "programs/progress_report.html"


def _report(patient: Patient, units: str = "") -> progress_report.ProgressReport:
    # The words in the reader's language (the patient's own on their pages, issue 22); lengths
    # in `units` (the patient's on their pages, else metric).
    return progress_report.progress_report(
        patient=patient,
        today=patient.today(),
        language=selectors.reader_language(),
        units=units,
    )


def _print_page(
    request,
    patient: Patient,
    *,
    pdf_url: str,
    back_url: str,
    share_url: str = "",
    units: str = "",
    **extra,
):
    context = {
        "report": _report(patient, units),
        # Distances in the patient's units on their own pages; metric for staff and doctors.
        "units": units,
        "actions": True,
        "pdf_url": pdf_url,
        "back_url": back_url,
        "share_url": share_url,
        **extra,
    }
    return render(request, TEMPLATE, context)


def _pdf_response(
    request, patient: Patient, *, inline: bool = False, units: str = ""
) -> HttpResponse:
    report = _report(patient, units)
    html = render_to_string(
        TEMPLATE, {"report": report, "pdf": True, "units": units}, request=request
    )
    response = HttpResponse(
        printout.render_pdf(html, clinic_id=patient.clinic_id), content_type="application/pdf"
    )
    name = progress_report.pdf_filename(report)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


def _chart_patient(request, pk: int) -> Patient:
    """Patient `pk` of the clinician's or admin's clinic (404 for anyone else's)."""
    patients = scope(Patient.objects.select_related("clinic"), request.user, roles=CLINICAL_ROLES)
    return get_object_or_404(patients, pk=pk)


@role_required(PATIENT)
@require_GET
@never_cache  # a patient's report is never kept in a cache (no-store)
def my_progress_print(request):
    patient = patient_of(request.user)
    return _print_page(
        request,
        patient,
        pdf_url=reverse("my_progress_pdf"),
        back_url=reverse("home"),
        share_url=reverse("my_progress_share"),
        units=patient.units,
    )


@role_required(PATIENT)
@require_GET
@never_cache
def my_progress_pdf(request):
    patient = patient_of(request.user)
    return _pdf_response(request, patient, units=patient.units)


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


# Sharing ------------------------------------------------------------------------------------


@role_required(PATIENT)
@require_http_methods(["GET", "POST"])
@never_cache
def my_progress_share(request):
    """The patient's share step: download the report to pass on, or make a link that works for
    a few days for a doctor who does not sign in; see and stop the links that work."""
    patient = patient_of(request.user)
    error = ""
    if request.method == "POST":
        raw = request.POST.get("days", "")
        try:
            share = report_sharing.report_share_create(
                patient=patient, days=int(raw) if raw.isdigit() else 0
            )
        except ValidationError as exc:
            error = " ".join(exc.message_dict.get("days", exc.messages))
        else:
            messages.success(request, _("Link made. Copy it and send it to your doctor."))
            return redirect(f"{reverse('my_progress_share')}#share-{share.pk}")
    shares = [
        (share, request.build_absolute_uri(report_sharing.share_path(share)))
        for share in report_sharing.live_shares(patient)
    ]
    return render(
        request,
        "programs/progress_share.html",
        {
            "shares": shares,
            "days_choices": report_sharing.SHARE_DAYS,
            "error": error,
            "clinic": patient.clinic,
        },
        status=400 if error else 200,
    )


@role_required(PATIENT)
@require_POST
def my_progress_share_revoke(request, pk: int):
    """Stop one of the patient's own links now (another patient's is not found)."""
    if not report_sharing.report_share_revoke(patient=patient_of(request.user), pk=pk):
        raise Http404(_("No such link."))
    messages.success(request, _("That link no longer works."))
    return redirect("my_progress_share")


def _shared(token: str):
    share = report_sharing.report_share_from_token(token)
    if share is None:
        raise Http404(_("This link does not work: it may have expired or been stopped."))
    return share


def _private(response: HttpResponse) -> HttpResponse:
    # Not for search engines, and the link is never sent on as a Referer.
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
@never_cache
def shared_progress(request, token: str):
    """The report behind a patient's share link, for a doctor who does not sign in."""
    share = _shared(token)
    report_sharing.report_share_opened(share, pdf=False)
    response = _print_page(
        request,
        share.patient,
        pdf_url=report_sharing.share_pdf_path(share),
        back_url="",
        shared_until=share.expires_at,
    )
    return _private(response)


@require_GET
@never_cache
def shared_progress_pdf(request, token: str):
    share = _shared(token)
    report_sharing.report_share_opened(share, pdf=True)
    return _private(_pdf_response(request, share.patient, inline=True))
