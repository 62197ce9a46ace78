"""Clinician pages of assessments: screen entry and detail, patient screens, thresholds.

Every view checks role and clinic through clinic.access.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import capfirst, floatformat, yesno
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods

from clinic.access import CLINICAL_ROLES, membership_of, role_required, scope
from clinic.audit.services import access_record, access_record_in_clinic
from clinic.forms import add_service_errors
from clinic.models import Patient, Role

from . import page_cache, schema, selectors, services, thresholds
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
            messages.success(request, "Screen saved.")
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
            messages.success(request, "Screen updated.")
            return redirect("screen_detail", pk=saved.pk)
        return _entry_page(request, form, patient=screen.patient, screen=screen)
    form = ScreenForm(initial=ScreenForm.initial_from(screen))
    return _entry_page(request, form, patient=screen.patient, screen=screen)


def _label(key: str) -> str:
    spec = schema.MEASURES_BY_KEY.get(key) or schema.SCALARS_BY_KEY.get(key)
    return spec.label if spec else key


# The screen page is read often: its table cells arrive as finished strings, so the template
# only prints them (the same text the template's own filters would give).
def _signed(delta) -> str:
    sign = "+" if delta is not None and delta > 0 else ""
    return f"{sign}{floatformat(delta, '-1')}"


def _change_css(change) -> str:
    return f"real-change change-{change.direction}" if change.real else "muted"


def _side_cell(value, change) -> dict:
    note = None
    if change is not None:
        note = {
            "css": _change_css(change),
            "delta": _signed(change.delta)
            if change.delta is not None
            else f"was {localize(change.before)}",
            "verdict": f"· real change ({change.direction})" if change.real else "· within error",
        }
    return {"value": None if value is None or value == "" else value, "change": note}


def _scalar_cell(spec, value, change) -> dict:
    note = None
    if change is not None:
        verdict = ", real change" if change.real else ", within error"
        note = {"css": _change_css(change), "text": f"({_signed(change.delta)}{verdict})"}
    return {"label": spec.label, "unit": spec.unit, "value": value, "change": note}


def _real_change(change) -> dict:
    """A change called real, as one line of the page's list."""
    side = f" {change.side}" if change.side else ""
    text = f"{_label(change.measure)}{side}: {localize(change.before)} → {localize(change.after)}"
    if change.delta is not None:
        real_from = ""
        if change.threshold:
            real_from = f"; real from {floatformat(change.threshold, '-1')}"
        text = f"{text} ({floatformat(change.delta, '-1')}{real_from})"
    return {"direction": change.direction, "word": capfirst(change.direction), "text": text}


def _minute(moment, tz) -> str:
    """A date and time as the clinic reads it: 2026-10-14 09:05 in its time zone."""
    return f"{timezone.localtime(moment, tz):%Y-%m-%d %H:%M}"


YES_NO = "yes,no,—"


def _yes_no(left, right) -> str:
    return f"left {yesno(left, YES_NO)}, right {yesno(right, YES_NO)}"


def _screen_page_parts(*, user, screen: Screen) -> dict:
    """The screen page apart from what depends on the request (CSRF token, messages, the
    signed-in user): the same for every clinician of the clinic, so it can be cached."""
    detail, history = selectors.screen_page(user=user, screen=screen, chart_limit=CHART_SCREENS)
    changes = {(c.measure, c.side): c for c in detail.changes}
    rows = [
        {
            "measure": measure,
            "cells": [
                _side_cell(screen.side_value(measure.key, side), changes.get((measure.key, side)))
                for side in schema.SIDES
            ],
        }
        for measure in (*schema.MEASURES, schema.HEEL_RAISE_PAIN)
    ]
    scalars = [
        _scalar_cell(s, getattr(screen, s.key), changes.get((s.key, None))) for s in schema.SCALARS
    ]
    tz = membership_of(user).clinic.tz
    performed_on = screen.performed_on.isoformat()
    context = {
        "screen": screen,
        "patient": screen.patient,
        "findings": [(f, FINDING_LABELS.get(f.code, f.code)) for f in detail.findings],
        "performed_on": performed_on,
        "created_at": _minute(screen.created_at, tz),
        "updated_at": _minute(screen.updated_at, tz),
        "previous": detail.previous,
        "previous_on": detail.previous.performed_on.isoformat() if detail.previous else "",
        "rows": rows,
        "scalars": scalars,
        "real_changes": [_real_change(c) for c in detail.changes if c.real],
        "chart": json.dumps(selectors.chart_series(history)),
        "history": history,
        "edits": [
            (
                c,
                _minute(c.changed_at, tz),
                [(selectors.column_label(k), b, a) for k, (b, a) in c.fields.items()],
            )
            for c in detail.history
        ],
        "gait_flags": [
            (label, _yes_no(screen.side_value(key, "left"), screen.side_value(key, "right")))
            for key, label in schema.GAIT_SIDE_FLAG_LABELS.items()
        ],
        "prom_dates": [
            (p.label, day.isoformat()) for p in schema.PROMS if (day := getattr(screen, p.date_key))
        ],
        "signs": "; ".join(schema.SIGN_LABELS.get(code, "") for code in screen.signs or ()) or "—",
        "injury_history": "; ".join(
            f"{schema.CONDITION_LABELS.get(i.get('condition'), '')} "
            f"({i.get('side', '')}, {i.get('status', '')})"
            for i in screen.injury_history or ()
        )
        or "—",
    }
    return {
        "title": format_html("Screen {} · {}", performed_on, screen.patient.full_name),
        "header": render_to_string("assessments/_screen_header.html", context),
        "body": render_to_string("assessments/_screen_body.html", context),
        "build_url": reverse("program_build", args=[screen.pk]),
        "edit_url": reverse("screen_edit", args=[screen.pk]),
        "new_url": reverse("screen_create", args=[screen.patient_id]),
        "has_chart": len(history) > 1,
    }


def _screen_with_page_extras(request, pk: int) -> Screen:
    return get_object_or_404(selectors.with_page_extras(_clinical_screens(request)), pk=pk)


@role_required(*CLINICAL_ROLES)
def screen_detail(request, pk: int):
    if page_cache.in_use():
        # Where the page's parts are cached, one statement checks that the screen is the
        # clinic's and records the read; the parts are named by what it returns.
        patient_id = access_record_in_clinic(user=request.user, model=Screen, pk=pk)
        if patient_id is None:
            raise Http404("No such screen.")
        clinic = membership_of(request.user).clinic
        page = page_cache.screen_parts(
            screen_id=pk,
            patient_id=patient_id,
            clinic_id=clinic.pk,
            today=clinic.today(),  # the age shown is today's (Patient.age)
            build=lambda: _screen_page_parts(
                user=request.user, screen=_screen_with_page_extras(request, pk)
            ),
        )
    else:
        screen = _screen_with_page_extras(request, pk)
        access_record(user=request.user, obj=screen)
        page = _screen_page_parts(user=request.user, screen=screen)
    return render(request, "assessments/screen_detail.html", {"page": page})


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
            messages.success(request, "Thresholds saved. New findings use them at once.")
            return redirect("clinic_thresholds")
    groups: dict[str, list] = {}
    for key, default in thresholds.DEFAULTS.items():
        groups.setdefault(key.split(".")[0], []).append((form[key], default, key in current))
    return render(
        request,
        "assessments/thresholds.html",
        {"form": form, "groups": groups, "row": row},
    )
