"""Clinician pages: build a draft from a screen, review and edit it, publish, print; and the
patient's own printable program and PDF."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from assessments.models import Screen
from assessments.selectors import clinical_screen
from clinic.access import CLINICAL_ROLES, PATIENT, role_required, scope
from clinic.audit.models import AccessAction
from clinic.audit.services import access_record
from clinic.forms import add_service_errors

from . import printout, selectors, services
from .models import MAX_TIMES_PER_DAY, Program, Side


class DoseForm(forms.Form):
    side = forms.ChoiceField(choices=Side.choices, label=_("Side"))
    sets = forms.IntegerField(min_value=1, max_value=services.MAX_SETS, label=_("Sets"))
    reps = forms.IntegerField(
        min_value=1, max_value=services.MAX_REPS, required=False, label=_("Reps")
    )
    hold_s = forms.IntegerField(
        min_value=1, max_value=services.MAX_HOLD_S, required=False, label=_("Hold s")
    )
    days_per_week = forms.IntegerField(min_value=1, max_value=7, label=_("Days per week"))
    times_per_day = forms.IntegerField(
        min_value=1, max_value=MAX_TIMES_PER_DAY, required=False, label=_("Times a day")
    )
    load_note = forms.CharField(max_length=300, required=False, label=_("Load note"))


class AddForm(forms.Form):
    drill = forms.SlugField(max_length=60)
    side = forms.ChoiceField(choices=Side.choices, initial=Side.BOTH)


def _program(request, pk: int) -> Program:
    programs = selectors.programs_with_items_visible_to(request.user)
    return get_object_or_404(programs.select_related("screen", "created_by"), pk=pk)


def _errors_to_messages(request, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):  # a service may refuse without naming a field
        for error in exc.messages:
            messages.error(request, error)
        return
    for field, errors in exc.message_dict.items():
        for error in errors:
            messages.error(request, f"{field}: {error}")


def _update(request, program: Program, **changes) -> None:
    try:
        services.program_update(user=request.user, program=program, **changes)
        messages.success(request, _("Draft updated."))
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    except services.ProgramConflict as exc:
        messages.error(request, str(exc))


@role_required(*CLINICAL_ROLES)
def program_list(request):
    """Recent programs of the clinic and recent screens to build a program from."""
    programs = selectors.programs_visible_to(request.user).order_by("-created_at")[:30]
    screens = (
        scope(Screen.objects.all(), request.user, roles=CLINICAL_ROLES)
        .select_related("patient")
        .order_by("-performed_on", "-pk")[:30]
    )
    return render(request, "programs/program_list.html", {"programs": programs, "screens": screens})


@role_required(*CLINICAL_ROLES)
@require_POST
def program_build(request, screen_pk: int):
    screen = clinical_screen(user=request.user, pk=screen_pk)
    if screen is None:
        raise Http404(gettext("No such screen."))
    try:
        program = services.program_build_from_screen(user=request.user, screen=screen)
    except services.IntakeRedFlags as exc:
        # docs/clinical-rules.md §8: nothing is built; the clinician reads why and what to do.
        context = {"screen": screen, "patient": screen.patient, "rows": exc.rows}
        return render(request, "programs/build_refused.html", context, status=409)
    messages.success(
        request,
        _("Draft version %(version)s built from the screen.") % {"version": program.version},
    )
    return redirect("program_detail", pk=program.pk)


@role_required(*CLINICAL_ROLES)
def program_detail(request, pk: int):
    return _detail_page(request, _program(request, pk))


def _detail_page(request, program: Program, *, dose_form=None, item_pk=None, status=200):
    """The draft page; a dose form that failed comes back open on its drill, as typed."""
    items = list(program.items.all())
    rows = [
        {
            "item": item,
            "form": dose_form
            if item.pk == item_pk
            else DoseForm(initial=_dose_initial(item), prefix=f"i{item.pk}"),
            "open": item.pk == item_pk,
        }
        for item in items
    ]
    search = request.GET.get("q", "").strip()[:100]
    library = []
    if search and program.is_draft:
        library = selectors.drills_for_clinic(clinic=program.clinic_id, search=search)[:20]
    context = {
        "program": program,
        "rows": rows,
        "flags": program.flags,
        "search": search,
        "library": library,
        "week": _week_rows(items),
    }
    if request.headers.get("HX-Request") and "q" in request.GET:
        return render(request, "programs/_library_results.html", context)
    access_record(user=request.user, obj=program)
    return render(request, "programs/program_detail.html", context, status=status)


def _dose_initial(item) -> dict:
    return {
        "side": item.side,
        "sets": item.sets,
        "reps": item.reps,
        "hold_s": item.hold_s,
        "days_per_week": item.days_per_week,
        "times_per_day": item.times_per_day,
        "load_note": item.load_note,
    }


# Django's own abbreviations (Mon ... Sun), lazily translated with its catalogue.
DAY_NAMES = tuple(WEEKDAYS_ABBR[n] for n in range(7))


def _week_rows(items) -> list[dict]:
    by_id = {item.pk: item for item in items}
    plan = selectors.week_plan(items)
    return [
        {"day": DAY_NAMES[n], "drills": [by_id[pk].how_to.name for pk in ids]}
        for n, ids in enumerate(plan)
    ]


@role_required(*CLINICAL_ROLES)
@require_POST
def program_item_remove(request, pk: int, item_pk: int):
    program = _program(request, pk)
    _update(request, program, remove=[item_pk], reason=request.POST.get("reason", ""))
    return redirect("program_detail", pk=program.pk)


@role_required(*CLINICAL_ROLES)
@require_POST
def program_item_dose(request, pk: int, item_pk: int):
    program = _program(request, pk)
    if item_pk not in {item.pk for item in program.items.all()}:
        raise Http404(gettext("Not a drill of this program."))
    form = DoseForm(request.POST, prefix=f"i{item_pk}")
    if form.is_valid():
        try:
            services.program_update(
                user=request.user, program=program, items=[{"id": item_pk, **form.cleaned_data}]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except services.ProgramConflict as exc:
            messages.error(request, str(exc))
            return redirect("program_detail", pk=program.pk)
        else:
            messages.success(request, _("Draft updated."))
            return redirect("program_detail", pk=program.pk)
    # Re-render rather than redirect, so the clinician sees what was wrong next to what they typed.
    return _detail_page(request, program, dose_form=form, item_pk=item_pk, status=400)


@role_required(*CLINICAL_ROLES)
@require_POST
def program_item_move(request, pk: int, item_pk: int):
    program = _program(request, pk)
    ids = [item.pk for item in program.items.all()]
    if item_pk in ids:
        i = ids.index(item_pk)
        j = i - 1 if request.POST.get("direction") == "up" else i + 1
        if 0 <= j < len(ids):
            ids[i], ids[j] = ids[j], ids[i]
            _update(request, program, order=ids)
    return redirect("program_detail", pk=program.pk)


@role_required(*CLINICAL_ROLES)
@require_POST
def program_item_add(request, pk: int):
    program = _program(request, pk)
    form = AddForm(request.POST)
    if form.is_valid():
        _update(request, program, add=[form.cleaned_data])
    else:
        messages.error(request, _("Choose a drill from the library."))
    return redirect("program_detail", pk=program.pk)


@role_required(*CLINICAL_ROLES)
@require_POST
def program_note(request, pk: int):
    program = _program(request, pk)
    _update(request, program, notes=request.POST.get("notes", "")[:5000])
    return redirect("program_detail", pk=program.pk)


@role_required(*CLINICAL_ROLES)
@require_POST
def program_publish(request, pk: int):
    program = _program(request, pk)
    try:
        services.program_publish(user=request.user, program=program)
        messages.success(request, _("Published. The patient's previous program is superseded."))
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    except services.ProgramConflict as exc:
        messages.error(request, str(exc))
    return redirect("program_detail", pk=program.pk)


def _printout_page(request, program: Program, *, pdf_url: str, back_url: str):
    """The printable program in the browser, with Print and Download PDF buttons. It is the
    patient's handout: in the patient's language whoever prints it (issue 22)."""
    with translation.override(program.patient.language):
        context = {
            **printout.printout_context(program),
            "actions": True,
            "pdf_url": pdf_url,
            "back_url": back_url,
        }
        return render(request, "programs/printout.html", context)


def _pdf_response(request, program: Program) -> HttpResponse:
    with translation.override(program.patient.language):
        html = render_to_string(
            "programs/printout.html", printout.printout_context(program, pdf=True), request=request
        )
    pdf = printout.render_pdf(html, clinic_id=program.clinic_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{printout.pdf_filename(program)}"'
    return response


@role_required(*CLINICAL_ROLES)
@require_http_methods(["GET"])
@never_cache  # a patient's program is never kept in a cache (no-store)
def program_print(request, pk: int):
    program = _program(request, pk)
    access_record(user=request.user, obj=program, detail="print")
    return _printout_page(
        request,
        program,
        pdf_url=reverse("program_pdf", args=[program.pk]),
        back_url=reverse("program_detail", args=[program.pk]),
    )


@role_required(*CLINICAL_ROLES)
@require_http_methods(["GET"])
@never_cache  # a patient's program is never kept in a cache (no-store)
def program_pdf(request, pk: int):
    program = _program(request, pk)
    access_record(user=request.user, obj=program, action=AccessAction.EXPORT, detail="pdf")
    return _pdf_response(request, program)


def _my_program(request) -> Program | None:
    return selectors.current_program_for(request.user)


def _no_program(request):
    return render(request, "programs/printout_none.html", status=404)


@role_required(PATIENT)
@require_http_methods(["GET"])
@never_cache  # a patient's program is never kept in a cache (no-store)
def my_program_print(request):
    program = _my_program(request)
    if program is None:
        return _no_program(request)
    return _printout_page(
        request, program, pdf_url=reverse("my_program_pdf"), back_url=reverse("home")
    )


@role_required(PATIENT)
@require_http_methods(["GET"])
@never_cache  # a patient's program is never kept in a cache (no-store)
def my_program_pdf(request):
    program = _my_program(request)
    if program is None:
        return _no_program(request)
    return _pdf_response(request, program)


@role_required(*CLINICAL_ROLES)
def program_history(request, pk: int):
    program = _program(request, pk)
    access_record(user=request.user, obj=program, detail="history")
    versions = selectors.program_versions(program=program)
    return render(
        request, "programs/program_history.html", {"program": program, "versions": versions}
    )
