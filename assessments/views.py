"""Clinician pages of assessments: screen entry and detail, patient screens, thresholds.

Every view checks role and clinic through clinic.access.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clinic.access import CLINICAL_ROLES, membership_of, role_required, scope
from clinic.audit.services import access_record
from clinic.forms import add_service_errors
from clinic.models import Patient, Role

from . import schema, selectors, services, thresholds
from .findings import FINDING_LABELS
from .forms import ScreenForm, ThresholdsForm
from .models import ClinicThresholds, Screen


def _clinical_patient(request, pk: int) -> Patient:
    patient = get_object_or_404(scope(Patient.objects.all(), request.user), pk=pk)
    membership = membership_of(request.user)
    if membership is not None and membership.clinic_id == patient.clinic_id:
        patient.clinic = membership.clinic  # loaded with the user: no query of its own
    return patient


# The screen page charts the patient's latest screens only: a long history stays one page.
CHART_SCREENS = 24


def _clinical_screens(request):
    # The patient's clinic comes along for the age shown, which is counted in the clinic's days.
    return scope(Screen.objects.all(), request.user, roles=CLINICAL_ROLES).select_related(
        "patient__clinic", "created_by", "updated_by"
    )


def _clinical_screen(request, pk: int) -> Screen:
    return get_object_or_404(_clinical_screens(request), pk=pk)


def _rows(form: ScreenForm) -> list[dict]:
    """The per-side table of the entry form: one row per measurement, left and right."""
    rows = []
    for measure in (*schema.MEASURES, schema.HEEL_RAISE_PAIN):
        rows.append(
            {
                "measure": measure,
                "range": ""
                if measure.kind == "passfail"
                else f"{measure.low:g} to {measure.high:g}",
                "left": form[f"{measure.key}_left"],
                "right": form[f"{measure.key}_right"],
            }
        )
    return rows


def _intake_rows(form: ScreenForm) -> list[tuple]:
    """The per-side intake questions (docs/clinical-rules.md §8): (label, hint, left, right)."""
    rows = [
        (
            _(label),
            _(schema.OTTAWA_LABELS[item]),
            form[f"ottawa_{item}_left"],
            form[f"ottawa_{item}_right"],
        )
        for item, label in schema.OTTAWA_SHORT_LABELS.items()
    ]
    rows.append(
        (
            _("Focal bony tenderness"),
            _("one spot on the shin or foot bone hurts to touch"),
            form["focal_bone_tenderness_left"],
            form["focal_bone_tenderness_right"],
        )
    )
    hop = schema.HOP_PAIN
    rows.append(
        (
            _(hop.label),
            f"{hop.unit}; {_(hop.hint)}",
            form["hop_pain_nprs_left"],
            form["hop_pain_nprs_right"],
        )
    )
    rows.append(
        (_("Where the hops hurt"), "", form["hop_pain_site_left"], form["hop_pain_site_right"])
    )
    return rows


def _save(request, form: ScreenForm, *, patient: Patient, screen: Screen | None):
    """Run the service; its errors go back onto the form fields. Returns the screen or None."""
    if not form.is_valid():
        return None
    fields = form.service_fields()
    try:
        if screen is None:
            return services.screen_create(
                user=request.user, clinic=patient.clinic, patient=patient, **fields
            )
        return services.screen_update(user=request.user, screen=screen, **fields)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


def _entry_page(request, form, *, patient, screen=None, status=200):
    draft_key = f"gw-screen-draft:{screen.pk if screen else 'new'}:{patient.pk}"
    return render(
        request,
        "assessments/screen_form.html",
        {
            "form": form,
            "patient": patient,
            "screen": screen,
            "rows": _rows(form),
            "intake_rows": _intake_rows(form),
            "draft_key": draft_key,
            "gait_flags": [
                (label, form[f"{key}_left"], form[f"{key}_right"])
                for key, label in schema.GAIT_SIDE_FLAG_LABELS.items()
            ],
            "injury_rows": [
                (
                    form[f"injury_{i}_condition"],
                    form[f"injury_{i}_side"],
                    form[f"injury_{i}_status"],
                    form[f"injury_{i}_onset_date"],
                )
                for i in range(3)
            ],
            "proms": [(p, form[p.key], form[p.date_key]) for p in schema.PROMS],
            "cadence": schema.CADENCE,
        },
        status=status,
    )


@role_required(*CLINICAL_ROLES)
@require_http_methods(["GET", "POST"])
def screen_create(request, patient_pk: int):
    patient = _clinical_patient(request, patient_pk)
    if request.method == "POST":
        form = ScreenForm(request.POST)
        screen = _save(request, form, patient=patient, screen=None)
        if screen is not None:
            messages.success(request, _("Screen saved."))
            return redirect("screen_detail", pk=screen.pk)
        return _entry_page(request, form, patient=patient)
    today = patient.clinic.today()
    form = ScreenForm(initial={"performed_on": today.isoformat()})
    return _entry_page(request, form, patient=patient)


@role_required(*CLINICAL_ROLES)
@require_http_methods(["GET", "POST"])
def screen_edit(request, pk: int):
    screen = _clinical_screen(request, pk)
    if request.method == "POST":
        form = ScreenForm(request.POST)
        saved = _save(request, form, patient=screen.patient, screen=screen)
        if saved is not None:
            messages.success(request, _("Screen updated."))
            return redirect("screen_detail", pk=saved.pk)
        return _entry_page(request, form, patient=screen.patient, screen=screen)
    form = ScreenForm(initial=ScreenForm.initial_from(screen))
    return _entry_page(request, form, patient=screen.patient, screen=screen)


def _label(key: str) -> str:
    spec = schema.MEASURES_BY_KEY.get(key) or schema.SCALARS_BY_KEY.get(key)
    return spec.label if spec else key


def _screen_page(*, user, screen: Screen) -> dict:
    """What the screen page shows: findings, the change since the previous screen, the values
    per side, the edit log and the chart series."""
    detail, history = selectors.screen_page(user=user, screen=screen, chart_limit=CHART_SCREENS)
    changes = {(c.measure, c.side): c for c in detail.changes}
    return {
        "screen": screen,
        "patient": screen.patient,
        "clinic_tz": membership_of(user).clinic.time_zone,
        "findings": [(f, FINDING_LABELS.get(f.code, f.code)) for f in detail.findings],
        "previous": detail.previous,
        "rows": [
            {
                "measure": measure,
                "cells": [
                    (screen.side_value(measure.key, side), changes.get((measure.key, side)))
                    for side in schema.SIDES
                ],
            }
            for measure in (*schema.MEASURES, schema.HEEL_RAISE_PAIN)
        ],
        "scalars": [
            (spec, getattr(screen, spec.key), changes.get((spec.key, None)))
            for spec in schema.SCALARS
        ],
        "real_changes": [(c, _label(c.measure)) for c in detail.changes if c.real],
        "chart": json.dumps(selectors.chart_series(history)),
        "history": history,
        "edits": [
            (c, [(selectors.column_label(k), b, a) for k, (b, a) in c.fields.items()])
            for c in detail.history
        ],
        "gait_flags": [
            (label, screen.side_value(key, "left"), screen.side_value(key, "right"))
            for key, label in schema.GAIT_SIDE_FLAG_LABELS.items()
        ],
        "proms": [(_(p.label), getattr(screen, p.date_key)) for p in schema.PROMS],
        # Filled in by the patient on the phone; the typed totals above stay for paper forms.
        "latest_scores": selectors.latest_scores(screen.patient_id),
        "signs": [_(schema.SIGN_LABELS.get(code, code)) for code in screen.signs or ()],
        "injury_history": [
            (
                _(schema.CONDITION_LABELS.get(i.get("condition"), ""))
                if i.get("condition")
                else "",
                i.get("side"),
                i.get("status"),
                i.get(schema.INJURY_ONSET),
            )
            for i in screen.injury_history or ()
        ],
        "intake": {
            "red_flags": [schema.RED_FLAG_LABELS.get(c, c) for c in screen.red_flags or ()],
            "sides": [
                (
                    _(label),
                    screen.side_value(f"ottawa_{item}", "left"),
                    screen.side_value(f"ottawa_{item}", "right"),
                )
                for item, label in schema.OTTAWA_SHORT_LABELS.items()
            ]
            + [
                (
                    _("Focal bony tenderness"),
                    screen.focal_bone_tenderness_left,
                    screen.focal_bone_tenderness_right,
                )
            ],
            "hops": [
                (
                    screen.side_value("hop_pain_nprs", side),
                    schema.HOP_PAIN_SITE_LABELS.get(screen.side_value("hop_pain_site", side), ""),
                )
                for side in schema.SIDES
            ],
        },
    }


def screen_detail_response(request, pk: int, *, extra: Callable[[Screen], dict] | None = None):
    """The screen page. The site (clinic.site.screen_views) adds what other apps know of the
    patient: `extra` turns the screen into more context. Callers check the role."""
    screen = get_object_or_404(selectors.with_page_extras(_clinical_screens(request)), pk=pk)
    access_record(user=request.user, obj=screen)
    context = _screen_page(user=request.user, screen=screen)
    if extra is not None:
        context.update(extra(screen))
    return render(request, "assessments/screen_detail.html", context)


@role_required(*CLINICAL_ROLES)
def patient_screen_list(request, patient_pk: int):
    """The patient's screens as a page section (also used by the patient page)."""
    patient = _clinical_patient(request, patient_pk)
    screens = list(reversed(selectors.patient_screens(user=request.user, patient=patient)))
    return render(
        request, "assessments/_patient_screens.html", {"patient": patient, "screens": screens}
    )


@role_required(Role.CLINIC_ADMIN)
@require_http_methods(["GET", "POST"])
def clinic_thresholds(request):
    clinic = membership_of(request.user).clinic
    row = ClinicThresholds.objects.filter(clinic=clinic).select_related("updated_by").first()
    current = dict(row.overrides) if row else {}
    form = ThresholdsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.clinic_thresholds_set(
                user=request.user, clinic=clinic, overrides=form.overrides()
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Thresholds saved. New findings use them at once."))
            return redirect("clinic_thresholds")
    groups: dict[str, list] = {}
    for key, default in thresholds.DEFAULTS.items():
        groups.setdefault(key.split(".")[0], []).append((form[key], default, key in current))
    return render(
        request,
        "assessments/thresholds.html",
        {"form": form, "groups": groups, "row": row},
    )
