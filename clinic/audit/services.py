"""Write side of the audit app: access records, the patient's data export, anonymisation."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime
from importlib import import_module

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from clinic.access import MAX_ID, membership_of
from clinic.booking import slot_cache
from clinic.models import Patient

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


_IN_CLINIC_SQL: dict[str, str] = {}


def _in_clinic_sql(model) -> str:
    """INSERT ... SELECT of one access row from a row of `model` (a table with clinic and
    patient columns) when it is of the given clinic; built once per model from the models."""
    sql = _IN_CLINIC_SQL.get(model._meta.label_lower)
    if sql is None:
        opts, log = model._meta, AccessEvent._meta
        pk, clinic = opts.pk.column, opts.get_field("clinic").column
        patient = opts.get_field("patient").column
        columns = ", ".join(
            log.get_field(name).column
            for name in ("actor", "clinic", "patient", "action", "object_type", "object_id")
        )
        sql = _IN_CLINIC_SQL[opts.label_lower] = (
            f"INSERT INTO {log.db_table} ({columns}, detail, created_at)"  # noqa: S608
            f" SELECT %s, {clinic}, {patient}, %s, %s, {pk}, %s, %s FROM {opts.db_table}"
            f" WHERE {pk} = %s AND {clinic} = %s RETURNING {log.get_field('patient').column}"
        )
    return sql


def access_record_in_clinic(*, user, model, pk: int, detail: str = "") -> int | None:
    """Record a staff member's read of row `pk` of `model` if it is their own clinic's: one
    statement that is both the clinic check of `clinic.access.scope` for staff and the access
    record of `access_record`. The row's patient id; None, recording nothing, when the
    clinic has no such row or the user is no staff member (the caller checks the role)."""
    membership = membership_of(user)
    if membership is None or not 0 < pk <= MAX_ID:
        return None
    now = AccessEvent._meta.get_field("created_at").get_db_prep_value(timezone.now(), connection)
    kind = _KINDS.get(model._meta.label_lower, model._meta.model_name)
    with connection.cursor() as cursor:
        cursor.execute(
            _in_clinic_sql(model),
            [user.pk, AccessAction.VIEW, kind, detail[:200], now, pk, membership.clinic_id],
        )
        row = cursor.fetchone()
    return row[0] if row else None


# --- Export for the patient's right of access -------------------------------------------

EXPORT_KINDS = (
    "patient",
    "screens",
    "programs",
    "program_items",
    "sessions",
    "session_items",
    "checkins",
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
    from assessments.models import Screen
    from clinic.booking.models import Appointment
    from programs.models import CheckIn, Program, ProgramItem, SessionItemLog, SessionLog

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
    """One CSV per kind in a zip; lists and objects (JSON columns) are written as JSON."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for kind, rows in data.items():
            text = io.StringIO()
            columns = list(rows[0]) if rows else []
            writer = csv.writer(text)
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

    Name, contact details, date of birth and free-text notes go; the login is closed and its
    sessions and API tokens end; future appointments and pending messages are cancelled.
    Screens' measurements, programs, sessions and check-ins stay for the clinic's statistics.
    The audit trail keeps its rows (they cannot be changed) and gains one for this action.
    """
    from assessments import page_cache
    from assessments.models import Screen
    from clinic.booking.models import ACTIVE_STATUSES, Appointment, AppointmentStatus
    from clinic.notifications.models import Notification, Status
    from programs.models import Program
    from programs.selectors import progress_changed

    membership = membership_of(user)
    if membership is None or membership.clinic_id != patient.clinic_id:
        raise ValidationError("Only the patient's own clinic can anonymise them.")
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    if is_anonymised(patient):
        raise ValidationError("This patient was already anonymised.")
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
        page_cache.patients_changed([patient.pk])  # updated above without signals
        Program.objects.filter(patient=patient).update(notes="", updated_at=now)
        progress_changed([patient.pk])  # the patient's cached program views (no signal above)
        appointments = Appointment.objects.filter(patient=patient)
        appointments.filter(status__in=ACTIVE_STATUSES, start__gt=now).update(
            status=AppointmentStatus.CANCELLED,
            cancel_reason="Patient data anonymised on request",
            cancelled_by=user,
            cancelled_at=now,
            updated_at=now,
        )
        appointments.update(notes="", intake_what_hurts="", intake_goal_race="", updated_at=now)
        slot_cache.clinic_changed([patient.clinic_id])  # cancelled above without signals
        Notification.objects.filter(patient=patient, status=Status.PENDING).update(
            status=Status.CANCELLED,
            cancel_reason="Patient data anonymised on request",
            payload={},
            updated_at=now,
        )
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
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session
    from rest_framework.authtoken.models import Token

    User = get_user_model()
    login = User.objects.get(pk=user_id)
    login.is_active = False
    login.email = f"anonymised-{user_id}@invalid.invalid"
    login.full_name = ""
    login.set_unusable_password()
    login.save()
    Token.objects.filter(user_id=user_id).delete()
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            store(session_key=session.session_key).delete()  # from the cache too
