"""Write side of the audit app: access records, the patient's data export, anonymisation."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from assessments.models import Screen
from clinic import csv_cells
from clinic.access import membership_of
from clinic.booking import services as booking_services
from clinic.booking import waitlist as booking_waitlist
from clinic.booking.models import ACTIVE_STATUSES, Appointment, AppointmentStatus
from clinic.models import Patient
from clinic.notifications.models import Notification, Status
from clinic.services import sign_out_everywhere
from programs.models import (
    CheckIn,
    Program,
    ProgramItem,
    ReportShare,
    Run,
    SelfTest,
    SessionItemLog,
    SessionLog,
)

from .context import audit_context
from .models import AccessAction, AccessEvent

# Object kinds of the access log, by model label.
_KINDS = {
    "assessments.screen": "screen",
    "programs.program": "program",
    "clinic.patient": "patient",
}


def access_record(*, user, obj, action: str = AccessAction.VIEW, detail: str = ""):
    """Record that a staff member read (or exported) a patient's record: one INSERT.

    Patients reading their own records are not logged; neither is anyone without a role.
    """
    membership = membership_of(user)
    if membership is None:
        return None
    patient_id = obj.pk if isinstance(obj, Patient) else obj.patient_id
    return AccessEvent.objects.create(
        actor_id=user.pk,
        clinic_id=membership.clinic_id,
        patient_id=patient_id,
        action=action,
        object_type=_KINDS.get(obj._meta.label_lower, obj._meta.model_name),
        object_id=obj.pk,
        detail=detail[:200],
    )


def link_access_record(
    *,
    clinic_id: int,
    patient_id: int,
    object_type: str,
    object_id: int,
    action: str = AccessAction.VIEW,
    detail: str = "",
):
    """Record that someone who is not signed in read a patient's record through a link the
    patient made to share it (e.g. the progress report for a referring doctor): one INSERT,
    with no actor."""
    return AccessEvent.objects.create(
        actor_id=None,
        clinic_id=clinic_id,
        patient_id=patient_id,
        action=action,
        object_type=object_type[:40],
        object_id=object_id,
        detail=detail[:200],
    )


# --- Export for the patient's right of access -------------------------------------------

EXPORT_KINDS = (
    "patient",
    "screens",
    "programs",
    "program_items",
    "sessions",
    "session_items",
    "checkins",
    "runs",
    "self_tests",
    "appointments",
)
_SKIP = {"clinic", "created_by", "updated_by", "published_by", "booked_by", "cancelled_by", "user"}


def _row(obj, *, skip=_SKIP, extra: dict | None = None) -> dict:
    """A model row as plain values (ids for links), without staff user references."""
    out = {}
    for field in obj._meta.concrete_fields:
        if field.name in skip:
            continue
        out[field.attname if field.is_relation else field.name] = field.value_from_object(obj)
    return {**out, **(extra or {})}


def patient_export_data(*, patient: Patient) -> dict[str, list[dict]]:
    """Everything the clinic holds about one patient, kind by kind (lists of rows)."""
    programs = list(Program.objects.filter(patient=patient).order_by("version"))
    items = ProgramItem.objects.filter(program__patient=patient).select_related("drill")
    sessions = list(SessionLog.objects.filter(patient=patient).order_by("date", "id"))
    session_items = SessionItemLog.objects.filter(session__patient=patient).order_by("id")
    appointments = Appointment.objects.filter(patient=patient).select_related(
        "appointment_type", "clinician"
    )
    return {
        "patient": [
            _row(patient, extra={"clinic_name": patient.clinic.name, "exported_at": timezone.now()})
        ],
        "screens": [
            _row(s) for s in Screen.objects.filter(patient=patient).order_by("performed_on", "id")
        ],
        "programs": [_row(p) for p in programs],
        "program_items": [
            _row(i, extra={"drill_name": i.drill.name})
            for i in items.order_by("program__version", "order", "id")
        ],
        "sessions": [_row(s) for s in sessions],
        "session_items": [_row(i) for i in session_items],
        "checkins": [
            _row(c) for c in CheckIn.objects.filter(patient=patient).order_by("date", "id")
        ],
        # Runs from the watch: only their summary is held (the files are never stored).
        "runs": [_row(r) for r in Run.objects.filter(patient=patient).order_by("date", "id")],
        "self_tests": [
            _row(t) for t in SelfTest.objects.filter(patient=patient).order_by("date", "id")
        ],
        "appointments": [
            _row(
                a,
                extra={
                    "appointment_type_name": a.appointment_type.name,
                    "clinician_name": a.clinician.get_full_name(),
                },
            )
            for a in appointments.order_by("start")
        ],
    }


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    # Decimals, UUIDs (a program item's lineage) and anything else JSON lacks: as text.
    return str(value)


def export_json(data: dict[str, list[dict]]) -> bytes:
    return json.dumps(data, default=_plain, indent=2, ensure_ascii=False).encode()


def export_csv_zip(data: dict[str, list[dict]]) -> bytes:
    """One CSV per kind in a zip; lists and objects (JSON columns) are written as JSON, and
    cells that a spreadsheet would run as formulas are escaped (`clinic.csv_cells`)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for kind, rows in data.items():
            text = io.StringIO()
            columns = list(rows[0]) if rows else []
            writer = csv_cells.writer(text)
            writer.writerow(columns)
            for row in rows:
                writer.writerow(
                    [
                        json.dumps(v, default=_plain)
                        if isinstance(v, list | dict)
                        else ("" if v is None else _plain(v))
                        for v in (row[c] for c in columns)
                    ]
                )
            archive.writestr(f"{kind}.csv", text.getvalue())
    return buffer.getvalue()


def patient_export(*, user, patient: Patient, fmt: str) -> tuple[bytes, str, str]:
    """The patient's data as (content, content type, file name); staff exports are logged."""
    data = patient_export_data(patient=patient)
    access_record(user=user, obj=patient, action=AccessAction.EXPORT, detail=fmt)
    stamp = patient.clinic.today().isoformat()
    if fmt == "json":
        return export_json(data), "application/json", f"patient-{patient.pk}-{stamp}.json"
    if fmt == "csv":
        return export_csv_zip(data), "application/zip", f"patient-{patient.pk}-{stamp}-csv.zip"
    raise ValueError(f"unknown export format {fmt!r}")


# --- Anonymisation ----------------------------------------------------------------------

ANONYMISED_FIRST_NAME = "Anonymised"


def is_anonymised(patient: Patient) -> bool:
    return AccessEvent.objects.filter(patient=patient, action=AccessAction.ANONYMISE).exists()


@transaction.atomic
def patient_anonymise(*, user, patient: Patient) -> Patient:
    """Replace who the patient is by placeholders, for good; clinical numbers stay.

    The columns replaced are `models.ANONYMISED_FIELDS`; the trail hides the same columns of
    the patient's history rows.

    Name, contact details, date of birth and free-text notes go; the login is closed and its
    sessions and API tokens end; future appointments and pending messages are cancelled.
    Screens' measurements, programs, sessions and check-ins stay for the clinic's statistics.
    The audit trail keeps its rows (they cannot be changed) and gains one for this action.
    """
    membership = membership_of(user)
    if membership is None or membership.clinic_id != patient.clinic_id:
        raise ValidationError(gettext("Only the patient's own clinic can anonymise them."))
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    if is_anonymised(patient):
        raise ValidationError(gettext("This patient was already anonymised."))
    now = timezone.now()
    with audit_context(action="anonymise", patient=patient.pk):
        Patient.objects.filter(pk=patient.pk).update(
            first_name=ANONYMISED_FIRST_NAME,
            last_name=f"patient {patient.pk}",
            email="",
            phone="",
            date_of_birth=None,
            intake_notes="",
            updated_at=now,
        )
        Screen.objects.filter(patient=patient).update(notes="", updated_at=now)
        Program.objects.filter(patient=patient).update(notes="", updated_at=now)
        appointments = Appointment.objects.filter(patient=patient)
        # Free text first (a patient may have typed a cancel reason), then the cancellations.
        appointments.update(
            notes="",
            intake_what_hurts="",
            intake_goal_race="",
            cancel_reason="",
            updated_at=now,
        )
        appointments.filter(status__in=ACTIVE_STATUSES, start__gt=now).update(
            status=AppointmentStatus.CANCELLED,
            cancel_reason="Patient data anonymised on request",
            cancelled_by=user,
            cancelled_at=now,
            updated_at=now,
        )
        appointments.update(notes="", intake_what_hurts="", intake_goal_race="", updated_at=now)
        # Online bookings made with the patient's e-mail that were never confirmed.
        booking_services.booking_requests_forget(patient=patient, by_user=user)
        booking_waitlist.waitlist_forget(patient=patient)
        Notification.objects.filter(patient=patient, status=Status.PENDING).update(
            status=Status.CANCELLED,
            cancel_reason="Patient data anonymised on request",
            payload={},
            updated_at=now,
        )
        # Links the patient made to share their progress report stop working.
        ReportShare.objects.filter(patient=patient, revoked_at__isnull=True).update(revoked_at=now)
        if patient.user_id:
            _close_login(patient.user_id)
        AccessEvent.objects.create(
            actor_id=user.pk,
            clinic_id=patient.clinic_id,
            patient_id=patient.pk,
            action=AccessAction.ANONYMISE,
            object_type="patient",
            object_id=patient.pk,
        )
    patient.refresh_from_db()
    return patient


def _close_login(user_id: int) -> None:
    """The patient's login stops working: inactive, no password, no token, no session."""
    User = get_user_model()
    login = User.objects.get(pk=user_id)
    login.is_active = False
    login.email = f"anonymised-{user_id}@invalid.invalid"
    login.full_name = ""
    login.set_unusable_password()
    login.save()
    sign_out_everywhere(user_id=user_id)
