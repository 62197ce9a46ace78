"""Patient-completed questionnaires: who is asked which instrument when (intake, every 4 weeks
during a program, discharge, or a clinician's request), the reminder through the outbox, and
the patient's answers scored by assessments.instruments. Services (writes) and the reads the
patient's pages and the clinician's chart need."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from clinic.access import PATIENT, scope
from clinic.models import Patient, User
from clinic.notifications import services as outbox
from clinic.notifications.models import Kind

from . import instruments
from .models import (
    QuestionnaireAssignment,
    QuestionnaireResponse,
    QuestionnaireSource,
    QuestionnaireStatus,
    Screen,
)

log = logging.getLogger(__name__)

PENDING = QuestionnaireStatus.PENDING


def message_text(message: str) -> str:
    """An instruments message in the active language (instruments.Message keeps its template
    and values; the templates are in the catalogue)."""
    if isinstance(message, instruments.Message):
        return (
            gettext(message.template) % message.params
            if message.params
            else gettext(message.template)
        )
    return gettext(message) if message else message


def answer_errors(error: instruments.AnswerError) -> dict[str, str]:
    """The item messages of refused answers, in the active language; keys unchanged."""
    return {key: message_text(message) for key, message in error.errors.items()}


class AlreadyAnswered(Exception):
    """The questionnaire was filled in before: answers are kept as first given (409)."""

    def __init__(self, response: QuestionnaireResponse):
        super().__init__(gettext("This questionnaire has already been filled in."))
        self.response = response


def reminder_subject(patient: Patient) -> str:
    """One outbox subject per patient for questionnaire reminders, so finishing them all
    cancels whatever reminder still waits."""
    return f"assessments.questionnaires:{patient.pk}"


def achilles_concern(patient: Patient, *texts: str) -> bool:
    """Whether VISA-A is asked too: the intake text names the Achilles, or the latest screen
    records an Achilles condition."""
    if instruments.mentions_achilles(*texts):
        return True
    history = (
        Screen.objects.filter(patient=patient)
        .order_by("-performed_on", "-id")
        .values_list("injury_history", flat=True)
        .first()
    )
    return any(str(entry.get("condition", "")).startswith("achilles") for entry in history or [])


@transaction.atomic
def questionnaires_assign(
    *,
    patient: Patient,
    codes: Iterable[str],
    source: str,
    by_user: User | None = None,
    due_on: date | None = None,
) -> list[QuestionnaireAssignment]:
    """Ask the patient to fill in these instruments. An instrument already pending stays as
    it is (no second copy); the patient gets one reminder for what is new."""
    unknown = [code for code in codes if code not in instruments.INSTRUMENTS]
    if unknown:
        raise ValueError(f"Unknown instrument(s): {', '.join(unknown)}")
    if source not in QuestionnaireSource.values:
        raise ValueError(f"Unknown questionnaire source: {source}")
    due_on = due_on or patient.today()  # the patient's day, as their reminder is
    pending = set(
        QuestionnaireAssignment.objects.filter(patient=patient, status=PENDING).values_list(
            "instrument", flat=True
        )
    )
    created = []
    for code in dict.fromkeys(codes):
        if code in pending:
            continue
        try:
            with transaction.atomic():
                created.append(
                    QuestionnaireAssignment.objects.create(
                        clinic=patient.clinic,
                        patient=patient,
                        instrument=code,
                        due_on=due_on,
                        source=source,
                        created_by=by_user,
                    )
                )
        except IntegrityError:
            continue  # asked at the same moment by another process: theirs stands
    if created:
        questionnaires_remind(patient=patient, count=len(created) + len(pending), day=due_on)
    return created


def questionnaires_remind(*, patient: Patient, count: int, day: date) -> list:
    """The reminder at the patient's reminder time, by the channels they accept; one per
    patient and day (a later set the same day updates the count)."""
    return outbox.patient_message_schedule(
        patient=patient,
        kind=Kind.QUESTIONNAIRE_DUE,
        subject=reminder_subject(patient),
        payload={
            "link_path": reverse("my_questionnaires"),
            "link_label": gettext_noop("Fill it in"),
            "count": count,
        },
        key_time=outbox.day_key(day),
        refresh_payload=True,
        due_at=outbox.reminder_moment(patient),
    )


def intake_questionnaires_schedule(*, appointment) -> list[QuestionnaireAssignment]:
    """After a consult is booked for a patient never asked at intake: the intake set."""
    patient = appointment.patient
    if patient is None:
        return []
    if QuestionnaireAssignment.objects.filter(
        patient=patient, source=QuestionnaireSource.INTAKE
    ).exists():
        return []
    achilles = achilles_concern(patient, appointment.intake_what_hurts)
    return questionnaires_assign(
        patient=patient,
        codes=instruments.instruments_for(achilles=achilles),
        source=QuestionnaireSource.INTAKE,
    )


def appointment_booked_receiver(sender, *, appointment, **kwargs) -> None:
    """Receiver of clinic.booking.signals.appointment_booked."""
    intake_questionnaires_schedule(appointment=appointment)


def periodic_questionnaires_schedule(
    *, patient: Patient, program_since: date, today: date
) -> list[QuestionnaireAssignment]:
    """Every 4 weeks while a program runs (the caller knows the program): the routine set,
    with VISA-A for an Achilles problem, once 4 weeks have passed since the last set."""
    last = (
        QuestionnaireAssignment.objects.filter(patient=patient)
        .order_by("-due_on")
        .values_list("due_on", flat=True)
        .first()
    )
    due = instruments.next_periodic_due(last_asked=last, program_since=program_since)
    if today < due:
        return []
    return questionnaires_assign(
        patient=patient,
        codes=instruments.instruments_for(achilles=achilles_concern(patient)),
        source=QuestionnaireSource.EVERY_4_WEEKS,
        due_on=today,
    )


def discharge_questionnaires_send(*, patient: Patient, by_user: User) -> list:
    """The clinician discharges the patient: the same set once more, to close the trend."""
    return questionnaires_assign(
        patient=patient,
        codes=instruments.instruments_for(achilles=achilles_concern(patient)),
        source=QuestionnaireSource.DISCHARGE,
        by_user=by_user,
    )


def not_scored_words(response: QuestionnaireResponse) -> str:
    """Why `response` has no score, in the reader's language (the active one): its answers
    scored again give the reason's code and numbers; the stored English (kept for staff and
    history) only when they give none. "" for a scored response. No query."""
    if response.score is not None:
        return ""
    try:
        result = instruments.get(response.instrument).score(response.answers)
    except (KeyError, TypeError, ValueError):
        return response.not_scored_reason
    message = instruments.NOT_SCORED_MESSAGES.get(result.reason_code)
    if message is None:
        return response.not_scored_reason
    return gettext(message) % dict(result.reason_args)


@transaction.atomic
def questionnaire_submit(*, assignment: QuestionnaireAssignment, answers) -> QuestionnaireResponse:
    """Store the patient's answers with their score. Bad answers raise
    instruments.AnswerError (nothing is written); a second submission raises AlreadyAnswered.
    """
    assignment = QuestionnaireAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status != PENDING:
        raise AlreadyAnswered(QuestionnaireResponse.objects.get(assignment=assignment))
    instrument = instruments.get(assignment.instrument)
    clean = instruments.validate(instrument, answers)
    result = instrument.score(clean)
    now = timezone.now()
    response = QuestionnaireResponse.objects.create(
        assignment=assignment,
        clinic_id=assignment.clinic_id,
        patient_id=assignment.patient_id,
        instrument=assignment.instrument,
        answers=clean,
        score=result.value,
        answered=result.answered,
        not_scored_reason=result.reason[:200],
        completed_at=now,
        completed_on=timezone.localdate(now, timezone=assignment.clinic.tz),
    )
    assignment.status = QuestionnaireStatus.COMPLETED
    assignment.save(update_fields=["status"])
    if not QuestionnaireAssignment.objects.filter(
        patient_id=assignment.patient_id, status=PENDING
    ).exists():
        outbox.notifications_cancel_for(
            subject=reminder_subject(assignment.patient),
            reason="All questionnaires filled in.",
            kinds=[Kind.QUESTIONNAIRE_DUE],
        )
    return response


# Reads ------------------------------------------------------------------------------------


def pending_for(user) -> list[QuestionnaireAssignment]:
    """The signed-in patient's questionnaires waiting to be filled in."""
    return list(
        scope(QuestionnaireAssignment.objects.all(), user, roles=[PATIENT])
        .filter(status=PENDING)
        .only("pk", "instrument", "due_on", "source")
    )


def assignment_for(user, pk: int) -> QuestionnaireAssignment | None:
    """One of the signed-in patient's own questionnaires (None for anyone else's)."""
    return (
        scope(QuestionnaireAssignment.objects.all(), user, roles=[PATIENT])
        .select_related("clinic", "patient")
        .filter(pk=pk)
        .first()
    )


def has_pending(patient: Patient) -> bool:
    return QuestionnaireAssignment.objects.filter(patient=patient, status=PENDING).exists()


@dataclass(frozen=True)
class InstrumentTrend:
    """What the clinician sees of one instrument: first and latest scores and whether the
    change reaches the instrument's MCID."""

    code: str
    name: str
    unit: str
    count: int
    first_on: date
    latest_on: date
    latest: Decimal
    trend: instruments.Trend | None  # None with a single score
    pending: bool


def patient_trends(patient: Patient) -> list[InstrumentTrend]:
    """Per instrument, in the instruments' order: two queries."""
    rows = QuestionnaireResponse.objects.filter(patient=patient, score__isnull=False).values_list(
        "instrument", "completed_on", "score"
    )
    by_code: dict[str, list[tuple[date, Decimal]]] = {}
    for code, day, value in rows.order_by("completed_at", "id"):
        by_code.setdefault(code, []).append((day, value))
    pending = set(
        QuestionnaireAssignment.objects.filter(patient=patient, status=PENDING).values_list(
            "instrument", flat=True
        )
    )
    trends = []
    for code, instrument in instruments.INSTRUMENTS.items():
        scores = by_code.get(code)
        if not scores:
            continue
        (first_on, first), (latest_on, latest) = scores[0], scores[-1]
        trends.append(
            InstrumentTrend(
                code=code,
                name=instrument.name,
                unit=instrument.unit,
                count=len(scores),
                first_on=first_on,
                latest_on=latest_on,
                latest=latest,
                trend=instruments.trend(
                    code, first=first, latest=latest, days_between=(latest_on - first_on).days
                )
                if len(scores) > 1
                else None,
                pending=code in pending,
            )
        )
    return trends
