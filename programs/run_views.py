"""The patient's pages for their running data: runs from the watch with the weekly load, and
home self-tests with a balance timer and a heel-raise tempo beat; and the clinician's "ask for
a self-test" button on the chart. Plain forms: they work without JavaScript."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from clinic import units
from clinic.access import CLINICAL_ROLES, PATIENT, patient_of, role_required, scope
from clinic.forms import add_service_errors
from clinic.models import Patient, Units

from . import run_selectors, run_services, self_test_schedule
from .models import SELF_TEST_RANGES, SelfTestKind, SelfTestRequestSource


@role_required(PATIENT)
@require_http_methods(["GET", "POST"])
@never_cache  # the patient's own data is never kept in a cache
def my_runs(request):
    patient = patient_of(request.user)
    today = patient.today()
    upload_error = ""
    if request.method == "POST":
        try:
            uploaded = run_services.runs_upload(
                patient=patient, files=request.FILES.getlist("file")
            )
        except run_services.RunUploadError as exc:
            upload_error = str(exc)
        else:
            new = sum(1 for u in uploaded if not u.duplicate)
            known = len(uploaded) - new
            text = ngettext("%(count)d run added.", "%(count)d runs added.", new) % {"count": new}
            if known:
                text += " " + ngettext(
                    "%(count)d was already here.", "%(count)d were already here.", known
                ) % {"count": known}
            messages.success(request, text)
            return redirect("my_runs")
    load = run_selectors.running_load(patient=patient, today=today)
    return render(
        request,
        "programs/my_runs.html",
        {
            "load": load,
            "units": patient.units,
            "upload_error": upload_error,
            "today": today,
            "max_mb": settings.RUN_FILE_MAX_BYTES // (1024 * 1024),
        },
        status=400 if upload_error else 200,
    )


KNEE_TO_WALL_INCHES = gettext_lazy("Knee to wall (inches)")
# The knee-to-wall ceiling in whole tenths of an inch that still converts inside the cm range.
KNEE_TO_WALL_MAX_IN = (
    Decimal(int(units.cm_to_inches(SELF_TEST_RANGES[SelfTestKind.KNEE_TO_WALL][1]) * 10)) / 10
)


class SelfTestForm(forms.Form):
    """One self-test. A patient counting in inches types knee to wall in inches; the form
    hands on centimetres, the unit every self-test and screen is kept in."""

    date = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    test = forms.ChoiceField(label=gettext_lazy("Test"), choices=SelfTestKind.choices)
    left = forms.DecimalField(
        label=gettext_lazy("Left"), min_value=0, max_digits=5, decimal_places=1
    )
    right = forms.DecimalField(
        label=gettext_lazy("Right"), min_value=0, max_digits=5, decimal_places=1
    )

    def __init__(self, *args, units: str = Units.METRIC, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units
        if units == Units.IMPERIAL:
            self.fields["test"].choices = [
                (value, KNEE_TO_WALL_INCHES if value == SelfTestKind.KNEE_TO_WALL else label)
                for value, label in SelfTestKind.choices
            ]

    def clean(self):
        data = super().clean()
        if self.units != Units.IMPERIAL or data.get("test") != SelfTestKind.KNEE_TO_WALL:
            return data
        for side in ("left", "right"):
            value = data.get(side)
            if value is None:
                continue
            if value > KNEE_TO_WALL_MAX_IN:
                self.add_error(
                    side,
                    gettext("Must be between 0 and %(high)s inches.")
                    % {"high": KNEE_TO_WALL_MAX_IN},
                )
            else:
                data[side] = units.tenths(units.inches_to_cm(float(value)))
        return data


@role_required(PATIENT)
@require_http_methods(["GET", "POST"])
@never_cache
def my_self_tests(request):
    patient = patient_of(request.user)
    today = patient.today()
    form = SelfTestForm(request.POST or None, initial={"date": today}, units=patient.units)
    if request.method == "POST" and form.is_valid():
        try:
            run_services.self_test_record(
                patient=patient,
                day=form.cleaned_data["date"],
                test=form.cleaned_data["test"],
                left=form.cleaned_data["left"],
                right=form.cleaned_data["right"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, gettext("Self-test saved."))
            return redirect("my_self_tests")
    ranges = [(kind.label, low, high) for kind, (low, high) in SELF_TEST_RANGES.items()]
    if patient.units == Units.IMPERIAL:
        ranges[0] = (KNEE_TO_WALL_INCHES, 0, KNEE_TO_WALL_MAX_IN)
    return render(
        request,
        "programs/my_self_tests.html",
        {
            "form": form,
            "ranges": ranges,
            "self_tests": run_selectors.latest_self_tests(patient=patient),
            "units": patient.units,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@role_required(*CLINICAL_ROLES)
@require_POST
def self_test_ask(request, pk: int):
    """The clinician asks the patient for home self-tests now (docs/clinical-rules.md §7): the
    patient's page says a self-test is due and a reminder goes out. A patient of another
    clinic is not found."""
    patients = scope(Patient.objects.select_related("clinic"), request.user, roles=CLINICAL_ROLES)
    patient = get_object_or_404(patients, pk=pk)
    asked = self_test_schedule.self_tests_request(
        patient=patient, source=SelfTestRequestSource.CLINICIAN, by_user=request.user
    )
    if asked.created:
        messages.success(request, gettext("Self-tests asked for: the patient gets a reminder."))
    else:
        messages.info(
            request,
            gettext(
                "The patient was already asked for self-tests on %(day)s and has not done them yet."
            )
            % {"day": asked.request.due_on.isoformat()},
        )
    return redirect(reverse("patient_detail", args=[patient.pk]) + "#chart-running")
