"""Pages of the audit app: the clinic's trail and its CSV, patient exports, anonymisation.

The trail is for clinic admins of the clinic; patient exports for its clinicians and admins,
and for the patient themself (their own only); anonymisation for clinic admins.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clinic import csv_cells
from clinic.access import CLINICAL_ROLES, PATIENT, membership_of, patient_of, role_required, scope
from clinic.models import Patient, Role, User

from . import selectors, services
from .context import tracking
from .forms import AnonymiseForm, TrailFilterForm
from .models import AccessAction, AccessEvent

PAGE_SIZE = 50


def _filter(request, clinic) -> tuple[TrailFilterForm, selectors.TrailFilter]:
    form = TrailFilterForm(request.GET or None, clinic=clinic)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, selectors.TrailFilter(
            patient=data.get("patient"),
            actor=data.get("actor"),
            kind=data.get("kind") or None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            tz=clinic.tz,  # the trail shows the clinic's times, and its days are the clinic's
        )
    if form.is_bound:
        # A bad filter shows nothing rather than everything.
        return form, selectors.TrailFilter(patient=0)
    return form, selectors.TrailFilter()


def _names(rows) -> tuple[dict, dict]:
    users = {r.actor_id for r in rows if r.actor_id}
    patients = {r.patient_id for r in rows if r.patient_id}
    return (
        {u.pk: str(u) for u in User.objects.filter(pk__in=users)},
        {p.pk: p.full_name for p in Patient.objects.filter(pk__in=patients)},
    )


class _Trail:
    """The merged trail as a lazy sequence, so Django's Paginator can page through it."""

    def __init__(self, clinic_id: int, flt: selectors.TrailFilter):
        self.clinic_id, self.flt = clinic_id, flt

    def count(self) -> int:
        return selectors.trail_count(clinic_id=self.clinic_id, flt=self.flt)

    def __getitem__(self, window: slice):
        return selectors.trail_page(
            clinic_id=self.clinic_id,
            flt=self.flt,
            offset=window.start,
            limit=window.stop - window.start,
        )


@role_required(Role.CLINIC_ADMIN)
@require_GET
def trail(request):
    clinic = membership_of(request.user).clinic
    form, flt = _filter(request, clinic)
    paginator = Paginator(_Trail(clinic.pk, flt), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    users, patients = _names(rows)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/trail.html",
        {
            "form": form,
            "page": page,
            "rows": [(r, users.get(r.actor_id), patients.get(r.patient_id)) for r in rows],
            "query": query.urlencode(),
            # Without PostgreSQL's triggers no change is recorded; the page says so rather
            # than suggesting that nothing changed.
            "history_kept": tracking(),
        },
    )


class _Echo:
    def write(self, value):
        return value


def _value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, default=str)
    return str(value)


@role_required(Role.CLINIC_ADMIN)
@require_GET
def trail_csv(request):
    clinic = membership_of(request.user).clinic
    form, flt = _filter(request, clinic)
    rows = selectors.trail_all(clinic_id=clinic.pk, flt=flt)
    users, patients = _names(rows)
    AccessEvent.objects.create(
        actor=request.user,
        clinic=clinic,
        action=AccessAction.TRAIL_EXPORT,
        patient_id=flt.patient if flt.patient and flt.patient in patients else None,
        detail=request.GET.urlencode()[:200],
    )
    writer = csv_cells.writer(_Echo())
    header = [
        "time_utc",
        "what",
        "object",
        "action",
        "object_id",
        "patient_id",
        "patient",
        "actor_id",
        "actor",
        "detail",
        "changes",
    ]

    def lines():
        yield writer.writerow(header)
        for r in rows:
            changes = {c: [_value(b), _value(a)] for c, b, a in r.changes}
            yield writer.writerow(
                [
                    r.when.isoformat(),
                    r.kind,
                    r.object_type or r.kind,
                    r.action,
                    _value(r.object_id),
                    _value(r.patient_id),
                    patients.get(r.patient_id, ""),
                    _value(r.actor_id),
                    users.get(r.actor_id, ""),
                    r.detail,
                    json.dumps(changes) if changes else "",
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="audit-{clinic.slug}.csv"'
    return response


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _format(fmt: str) -> str:
    if fmt not in ("json", "csv"):
        raise Http404(_("No such format."))
    return fmt


@role_required(*CLINICAL_ROLES)
@require_GET
def patient_export(request, pk: int, fmt: str):
    """The patient's data, for a copy the clinic hands over (right of access)."""
    patient = get_object_or_404(
        scope(Patient.objects.select_related("clinic"), request.user), pk=pk
    )
    return _download(*services.patient_export(user=request.user, patient=patient, fmt=_format(fmt)))


@role_required(PATIENT)
@require_GET
def my_export(request, fmt: str):
    """A patient downloads their own data; there is no id to change, so no one else's."""
    patient = patient_of(request.user)
    return _download(*services.patient_export(user=request.user, patient=patient, fmt=_format(fmt)))


@role_required(Role.CLINIC_ADMIN)
@require_http_methods(["GET", "POST"])
def patient_anonymise(request, pk: int):
    patient = get_object_or_404(scope(Patient.objects.all(), request.user), pk=pk)
    done = services.is_anonymised(patient)
    form = AnonymiseForm(request.POST or None)
    if request.method == "POST" and not done and form.is_valid():
        try:
            services.patient_anonymise(user=request.user, patient=patient)
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, _("The patient was anonymised. This cannot be undone."))
            return redirect("patient_detail", pk=patient.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "audit/anonymise.html",
        {"patient": patient, "form": form, "done": done},
        status=status,
    )
