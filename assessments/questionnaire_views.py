"""Questionnaire pages: the patient's phone form (one item per section, large answer chips,
the score on submit) and the clinician's discharge button. Checks go through clinic.access."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_http_methods, require_POST

from clinic.access import CLINICAL_ROLES, PATIENT, role_required, scope
from clinic.models import Patient

from . import instruments, questionnaires


@role_required(PATIENT)
def my_questionnaires(request):
    """The list of what waits; with one left, straight to it."""
    pending = questionnaires.pending_for(request.user)
    if len(pending) == 1:
        return redirect("my_questionnaire", pk=pending[0].pk)
    rows = [(a, instruments.get(a.instrument)) for a in pending]
    return render(request, "assessments/my_questionnaires.html", {"rows": rows})


@role_required(PATIENT)
@require_http_methods(["GET", "POST"])
def my_questionnaire(request, pk: int):
    assignment = questionnaires.assignment_for(request.user, pk)
    if assignment is None:
        raise Http404(gettext("No such questionnaire."))
    instrument = instruments.get(assignment.instrument)
    answers: dict = {}
    errors: dict = {}
    if assignment.status != questionnaires.PENDING:
        return _summary(request, assignment.response, instrument)
    if request.method == "POST":
        answers = {item.key: request.POST.get(item.key, "") for item in instrument.items}
        try:
            response = questionnaires.questionnaire_submit(assignment=assignment, answers=answers)
        except instruments.AnswerError as error:
            errors = questionnaires.answer_errors(error)
        except questionnaires.AlreadyAnswered as already:
            return _summary(request, already.response, instrument)
        else:
            return _summary(request, response, instrument)
    # The items in a validated version only: the reader's language when its slot is filled,
    # else the English original with a note (assessments/instruments.py, Wording).
    wording = instrument.wording(get_language())
    items = [
        {
            "item": item,
            "number": n,
            "prompt": wording.prompts[item.key],
            "options": wording.options[item.key],
            "chosen": str(answers.get(item.key, "")),
            "error": errors.get(item.key, ""),
        }
        for n, item in enumerate(instrument.items, start=1)
    ]
    return render(
        request,
        "assessments/my_questionnaire.html",
        {
            "assignment": assignment,
            "instrument": instrument,
            "items": items,
            "wording": wording,
            "errors": errors,
            "na": instruments.NOT_APPLICABLE,
        },
        status=400 if errors else 200,
    )


def _summary(request, response, instrument):
    remaining = questionnaires.pending_for(request.user)
    return render(
        request,
        "assessments/my_questionnaire_done.html",
        {
            "response": response,
            "instrument": instrument,
            "remaining": remaining,
            "not_scored": questionnaires.not_scored_words(response),
        },
    )


@role_required(*CLINICAL_ROLES)
@require_POST
def discharge_questionnaires(request, patient_pk: int):
    """The clinician discharges the patient: the questionnaires go out once more."""
    patient = get_object_or_404(scope(Patient.objects.all(), request.user), pk=patient_pk)
    created = questionnaires.discharge_questionnaires_send(patient=patient, by_user=request.user)
    if created:
        names = ", ".join(instruments.get(a.instrument).name for a in created)
        messages.success(request, f"Discharge questionnaires sent: {names}.")
    else:
        messages.info(request, gettext("The patient already has these questionnaires to fill in."))
    return redirect("patient_detail", pk=patient.pk)
