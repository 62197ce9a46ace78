"""Clinician pages for automatic progression: the worklist, and accept / undo / override of
what the engine changed, resuming a paused program, and running the engine now."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from clinic.access import CLINICAL_ROLES, membership_of, parse_id, role_required, scope

from . import evaluation, review, services, worklist
from .models import ProgramChange, ProgramStatus
from .views import _errors_to_messages, _program


class OverrideForm(forms.Form):
    sets = forms.IntegerField(min_value=1, max_value=services.MAX_SETS, label=_("Sets"))
    reps = forms.IntegerField(
        min_value=1, max_value=services.MAX_REPS, required=False, label=_("Reps")
    )
    hold_s = forms.IntegerField(
        min_value=1, max_value=services.MAX_HOLD_S, required=False, label=_("Hold s")
    )
    note = forms.CharField(max_length=500, required=False, label=_("Note"))

    def clean(self):
        data = super().clean()
        if not data.get("reps") and not data.get("hold_s"):
            raise ValidationError(_("Give reps or a hold time."))
        return data


class ResumeForm(forms.Form):
    note = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Note"),
        help_text=_("What you found when you reviewed the patient."),
    )


@role_required(*CLINICAL_ROLES)
def worklist_page(request):
    clinic = membership_of(request.user).clinic
    today = clinic.today()
    only_flagged = request.GET.get("show") != "all"
    rows = worklist.worklist(user=request.user, today=today, only_flagged=only_flagged)
    return render(
        request,
        "programs/worklist.html",
        {
            "rows": rows,
            "only_flagged": only_flagged,
            "today": today,
            "labels": worklist.FLAG_LABELS,
        },
    )


def _change(request, pk: int) -> ProgramChange:
    changes = scope(ProgramChange.objects.all(), request.user, roles=CLINICAL_ROLES)
    return get_object_or_404(changes.select_related("program"), pk=pk)


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("worklist")


@role_required(*CLINICAL_ROLES)
@require_POST
def change_accept(request, pk: int):
    change = _change(request, pk)
    try:
        review.change_accept(user=request.user, change=change)
        messages.success(request, _("Change accepted."))
    except (ValidationError, services.ProgramConflict) as exc:
        _report(request, exc)
    return _back(request)


@role_required(*CLINICAL_ROLES)
@require_POST
def changes_accept_all(request, pk: int):
    """Accept every automatic change waiting for review for the patient of program `pk`."""
    program = _program(request, pk)
    count = len(review.changes_accept_all(user=request.user, program=program))
    if count:
        messages.success(
            request,
            ngettext("%(count)d change accepted.", "%(count)d changes accepted.", count)
            % {"count": count},
        )
    else:
        messages.info(request, _("There is no automatic change waiting for a review."))
    return _back(request)


@role_required(*CLINICAL_ROLES)
@require_POST
def change_undo(request, pk: int):
    change = _change(request, pk)
    try:
        program = review.change_undo(
            user=request.user, change=change, reason=request.POST.get("note", "")[:500]
        )
        messages.success(
            request,
            _("Change undone: version %(version)s is now in force.") % {"version": program.version},
        )
    except (ValidationError, services.ProgramConflict) as exc:
        _report(request, exc)
    return _back(request)


@role_required(*CLINICAL_ROLES)
@require_http_methods(["GET", "POST"])
def item_override(request, pk: int, item_pk: int):
    """Set a drill's dose by hand on the patient's current program (a new version)."""
    program = _program(request, pk)
    item = get_object_or_404(program.items.all(), pk=item_pk)
    change = None
    change_id = request.POST.get("change") or request.GET.get("change") or ""
    if change_id:
        if (change_pk := parse_id(change_id)) is None:
            raise Http404(gettext("No such change."))
        change = _change(request, change_pk)
    initial = {"sets": item.sets, "reps": item.reps, "hold_s": item.hold_s}
    form = OverrideForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new = review.item_override(
                user=request.user,
                program=program,
                item=item,
                dose={"sets": data["sets"], "reps": data["reps"], "hold_s": data["hold_s"]},
                reason=data["note"],
                change=change,
            )
            messages.success(
                request,
                _("%(drill)s: new dose saved in version %(version)s.")
                % {"drill": item.drill.name, "version": new.version},
            )
            return redirect("worklist")
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        except services.ProgramConflict as exc:
            form.add_error(None, str(exc))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "programs/item_override.html",
        {"program": program, "item": item, "form": form, "change": change},
        status=status,
    )


@role_required(*CLINICAL_ROLES)
@require_http_methods(["GET", "POST"])
def program_resume(request, pk: int):
    """After a red flag: the clinician records the review and the program runs again."""
    program = _program(request, pk)
    form = ResumeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review.program_resume(
                user=request.user, program=program, note=form.cleaned_data["note"]
            )
            messages.success(request, _("The program is running again."))
            return redirect("worklist")
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        except services.ProgramConflict as exc:
            form.add_error(None, str(exc))
    status = 400 if request.method == "POST" else 200
    red_flags = [f for f in program.flags if f.get("kind") == "red_flag" and not f.get("resolved")]
    return render(
        request,
        "programs/program_resume.html",
        {"program": program, "form": form, "red_flags": red_flags},
        status=status,
    )


@role_required(*CLINICAL_ROLES)
@require_POST
def program_evaluate(request, pk: int):
    """Run the progression engine now (it also runs after every log and check-in)."""
    program = _program(request, pk)
    if program.status != ProgramStatus.PUBLISHED:
        messages.error(
            request,
            _("Only a published program is evaluated; this one is %(status)s.")
            % {"status": program.status},
        )
        return _back(request)
    result = evaluation.program_evaluate(program=program, user=request.user)
    if result.changes:
        messages.success(
            request,
            _("Version %(version)s: %(changes)s")
            % {
                "version": result.program.version,
                "changes": " ".join(c.reason for c in result.changes),
            },
        )
    elif result.paused_program:
        messages.warning(request, _("A red flag paused the program."))
    else:
        messages.info(request, _("No change: every drill keeps its dose."))
    return _back(request)


def _report(request, exc) -> None:
    if isinstance(exc, ValidationError):
        _errors_to_messages(request, exc)
    else:
        messages.error(request, str(exc))
