"""When the patient is asked for home self-tests (docs/clinical-rules.md §7, "When they are
asked for"): every two weeks while a program is published, or when the clinician asks. The
request, its reminder through the outbox (at the patient's reminder time, one per day), and
the answer: recording a self-test closes every open request and cancels what still waits.
Mirrors the questionnaires (assessments.questionnaires); the scheduling is the program's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from clinic.models import Patient, User
from clinic.notifications import services as outbox
from clinic.notifications.models import Kind

from . import reminder_rules as rules
from .models import SelfTest, SelfTestRequest, SelfTestRequestSource


def reminder_subject(patient: Patient) -> str:
    """One outbox subject per patient for self-test reminders, so a recorded self-test
    cancels whatever reminder still waits."""
    return f"programs.self_tests:{patient.pk}"


@dataclass(frozen=True)
class Asked:
    request: SelfTestRequest
    created: bool  # False: a request was already open, and it stands


@transaction.atomic
def self_tests_request(
    *, patient: Patient, source: str, by_user: User | None = None, due_on: date | None = None
) -> Asked:
    """Ask the patient for home self-tests. A request already open stays as it is (one per
    patient); a new one is reminded at the patient's reminder time."""
    if source not in SelfTestRequestSource.values:
        raise ValueError(f"Unknown self-test request source: {source}")
    # The patient's own day (their zone, else the clinic's): the home page reads it so.
    due_on = due_on or patient.today()
    existing = SelfTestRequest.objects.filter(patient=patient, done_at__isnull=True).first()
    if existing is not None:
        return Asked(existing, created=False)
    try:
        with transaction.atomic():
            request = SelfTestRequest.objects.create(
                clinic_id=patient.clinic_id,
                patient=patient,
                due_on=due_on,
                source=source,
                requested_by=by_user,
            )
    except IntegrityError:  # asked at the same moment by another process: theirs stands
        return Asked(
            SelfTestRequest.objects.get(patient=patient, done_at__isnull=True), created=False
        )
    self_tests_remind(patient=patient, day=due_on)
    return Asked(request, created=True)


def self_tests_remind(*, patient: Patient, day: date) -> list:
    """The reminder at the patient's reminder time, by the channels they accept; one per
    patient and day."""
    return outbox.patient_message_schedule(
        patient=patient,
        kind=Kind.SELF_TEST_DUE,
        subject=reminder_subject(patient),
        payload={"link_path": reverse("my_self_tests"), "link_label": gettext_noop("Do the tests")},
        key_time=outbox.day_key(day),
        refresh_payload=True,
        due_at=outbox.reminder_moment(patient),
    )


def self_test_requests_answer(*, patient: Patient) -> int:
    """A self-test was recorded: every open request is done, and a waiting reminder goes.
    Returns how many requests it closed."""
    closed = SelfTestRequest.objects.filter(patient=patient, done_at__isnull=True).update(
        done_at=timezone.now()
    )
    if closed:
        outbox.notifications_cancel_for(
            subject=reminder_subject(patient),
            reason="Self-test recorded.",
            kinds=[Kind.SELF_TEST_DUE],
        )
    return closed


def periodic_self_tests_schedule(
    *, patient: Patient, program_since: date, today: date
) -> SelfTestRequest | None:
    """Every two weeks while a program is published (the caller knows the program): a new
    request once two weeks have passed since the program began, the latest self-test and the
    latest request. None when not due (or one is already open)."""
    last_test = SelfTest.objects.filter(patient=patient).aggregate(last=Max("date"))["last"]
    last_asked = SelfTestRequest.objects.filter(patient=patient).aggregate(last=Max("due_on"))[
        "last"
    ]
    due = rules.self_test_due_on(
        program_since=program_since, last_self_test=last_test, last_asked=last_asked
    )
    if today < due:
        return None
    asked = self_tests_request(
        patient=patient, source=SelfTestRequestSource.EVERY_2_WEEKS, due_on=today
    )
    return asked.request if asked.created else None


def self_test_due(patient: Patient | int, today: date) -> bool:
    """Whether an open request is due for the patient on `today` (one query): the patient
    home page's prompt."""
    patient_id = patient if isinstance(patient, int) else patient.pk
    return SelfTestRequest.objects.filter(
        patient_id=patient_id, done_at__isnull=True, due_on__lte=today
    ).exists()


def open_request(patient: Patient | int) -> SelfTestRequest | None:
    """The patient's open request for self-tests, if any (one query; the chart shows it)."""
    patient_id = patient if isinstance(patient, int) else patient.pk
    return SelfTestRequest.objects.filter(patient_id=patient_id, done_at__isnull=True).first()
