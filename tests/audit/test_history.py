"""Write history on PostgreSQL: exactly one event per changed row, whatever made the change
(save, queryset.update, bulk operations, raw SQL), with actor, clinic, time and before/after;
and event rows that nobody can change or delete."""

from datetime import date

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from assessments.models import Screen
from clinic.audit import selectors
from clinic.audit.context import audit_context
from clinic.audit.models import (
    EVENT_MODELS,
    AccessEvent,
    AppointmentEvent,
    CheckInEvent,
    PatientEvent,
    ProgramEvent,
    ProgramItemEvent,
    ScreenEvent,
    SessionItemLogEvent,
    SessionLogEvent,
)
from clinic.booking.models import Appointment
from clinic.models import Patient
from clinic.site.celery import app as celery_app
from programs.models import CheckIn, Program, ProgramItem, SessionItemLog, SessionLog
from tests.audit.conftest import make_record

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _count(model, obj_id, label=None) -> int:
    rows = model.objects.filter(pgh_obj_id=obj_id)
    return rows.filter(pgh_label=label).count() if label else rows.count()


def test_create_save_update_and_delete_each_make_one_event(world):
    patient = Patient.objects.create(clinic=world.home.clinic, first_name="Cy", last_name="Home")
    assert _count(PatientEvent, patient.pk) == 1
    assert PatientEvent.objects.get(pgh_obj_id=patient.pk).pgh_label == "insert"

    patient.phone = "555-0100"
    patient.save()
    assert _count(PatientEvent, patient.pk, "update") == 1

    Patient.objects.filter(pk=patient.pk).update(phone="555-0199")
    assert _count(PatientEvent, patient.pk, "update") == 2
    assert PatientEvent.objects.filter(pgh_obj_id=patient.pk).first().phone == "555-0199"

    pk = patient.pk
    patient.delete()
    deleted = PatientEvent.objects.get(pgh_obj_id=pk, pgh_label="delete")
    assert deleted.phone == "555-0199"  # the row as it was
    assert _count(PatientEvent, pk) == 4


def test_a_save_that_changes_nothing_records_nothing(world):
    patient = world.home.patient_a
    before = _count(PatientEvent, patient.pk)
    Patient.objects.filter(pk=patient.pk).update(phone=patient.phone)
    assert _count(PatientEvent, patient.pk) == before


def test_queryset_update_over_many_rows_makes_one_event_per_row(world):
    rows = Patient.objects.filter(clinic=world.home.clinic)
    ids = list(rows.values_list("pk", flat=True))
    assert len(ids) == 2
    assert rows.update(phone="555-0111") == 2
    for pk in ids:
        assert _count(PatientEvent, pk, "update") == 1


def test_bulk_create_bulk_update_and_raw_sql_are_recorded(world, record):
    # bulk_create of the fixture: one insert event per program item.
    for item in record.items:
        assert _count(ProgramItemEvent, item.pk, "insert") == 1
    for item in record.items:
        item.sets = 4
    ProgramItem.objects.bulk_update(record.items, ["sets"])
    for item in record.items:
        assert _count(ProgramItemEvent, item.pk, "update") == 1
        assert ProgramItemEvent.objects.filter(pgh_obj_id=item.pk).first().sets == 4
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE programs_checkin SET pain_next_morning = 3 WHERE id = %s", [record.checkin.pk]
        )
    assert _count(CheckInEvent, record.checkin.pk, "update") == 1


@pytest.mark.parametrize(
    ("model", "event", "attr", "column", "value"),
    [
        (Screen, ScreenEvent, "screen", "pain_nprs", 4),
        (Program, ProgramEvent, "program", "notes", "Changed note"),
        (SessionLog, SessionLogEvent, "session", "date", date(2026, 10, 4)),
        (SessionItemLog, SessionItemLogEvent, "session_item", "difficulty", 6),
        (CheckIn, CheckInEvent, "checkin", "soreness_hours", 2),
        (Appointment, AppointmentEvent, "future", "notes", "Changed note"),
    ],
)
def test_every_tracked_model_records_one_update_with_before_and_after(
    world, record, model, event, attr, column, value
):
    obj = getattr(record, attr)
    old = getattr(obj, column)
    assert _count(event, obj.pk, "insert") == 1
    updates = _count(event, obj.pk, "update")
    model.objects.filter(pk=obj.pk).update(**{column: value})
    assert _count(event, obj.pk, "update") == updates + 1
    kind = next(k for k, m in EVENT_MODELS.items() if m is event)
    rows = selectors.trail_all(clinic_id=world.home.clinic.pk, flt=selectors.TrailFilter(kind=kind))
    update = next(r for r in rows if r.action == "changed" and r.object_id == obj.pk)
    assert (column, old, value) in update.changes
    assert update.patient_id == world.home.patient_a.pk


def test_deletes_of_items_are_recorded_with_the_old_row(world, record):
    item = record.session_item
    SessionItemLog.objects.filter(pk=item.pk).delete()
    gone = SessionItemLogEvent.objects.get(pgh_obj_id=item.pk, pgh_label="delete")
    assert gone.completed_sets == 3
    rows = selectors.trail_all(
        clinic_id=world.home.clinic.pk,
        flt=selectors.TrailFilter(kind="session item", patient=world.home.patient_a.pk),
    )
    assert [r.action for r in rows] == ["deleted", "created"]
    assert ("completed_sets", 3, None) in rows[0].changes


def test_a_staff_request_names_actor_and_clinic(client, world, record):
    client.force_login(world.home.clinician)
    response = client.patch(
        f"/api/v1/screens/{record.screen.pk}/",
        {"pain_nprs": 5},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    event = ScreenEvent.objects.filter(pgh_obj_id=record.screen.pk, pgh_label="update").get()
    assert event.pgh_context["user"] == world.home.clinician.pk
    assert event.pgh_context["clinic"] == world.home.clinic.pk
    assert event.pgh_context["route"] == "screen-detail"  # the route's name, not the path
    assert "url" not in event.pgh_context
    # PostgreSQL's now(): the time the change's transaction started, in UTC.
    assert event.pgh_created_at <= timezone.now()
    assert event.pgh_created_at.utcoffset().total_seconds() == 0


def test_a_token_authenticated_api_write_names_its_actor(api, world, record):
    token = Token.objects.create(user=world.home.clinician)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.patch(f"/api/v1/screens/{record.screen.pk}/", {"pain_nprs": 6}, format="json")
    assert response.status_code == 200, response.content
    event = ScreenEvent.objects.filter(pgh_obj_id=record.screen.pk, pgh_label="update").get()
    assert event.pgh_context["user"] == world.home.clinician.pk
    assert event.pgh_context["clinic"] == world.home.clinic.pk


def test_a_patient_logging_a_session_is_the_actor(api, world, record):
    api.force_login(world.home.patient_a.user)
    today = timezone.localdate(timezone=world.home.clinic.tz)
    response = api.post(
        "/api/v1/me/sessions/",
        {
            "date": today.isoformat(),
            "items": [
                {
                    "program_item": record.items[0].pk,
                    "completed_sets": 2,
                    "pain_during": 1,
                    "difficulty": 3,
                }
            ],
        },
        format="json",
    )
    assert response.status_code in (200, 201), response.content
    session = SessionLog.objects.get(program=record.program, date=today)
    event = SessionLogEvent.objects.get(pgh_obj_id=session.pk, pgh_label="insert")
    assert event.pgh_context["user"] == world.home.patient_a.user.pk
    assert event.pgh_context["role"] == "patient"


def test_services_and_tasks_add_their_own_context(world):
    with audit_context(task="nightly-import"):
        Patient.objects.filter(pk=world.home.patient_a.pk).update(phone="555-0123")
    event = PatientEvent.objects.filter(pgh_obj_id=world.home.patient_a.pk).first()
    assert event.pgh_context == {"task": "nightly-import"}

    @celery_app.task(name="tests.audit.touch_patient")
    def touch(pk):
        Patient.objects.filter(pk=pk).update(phone="555-0456")

    touch.apply(args=[world.home.patient_b.pk]).get()
    event = PatientEvent.objects.filter(pgh_obj_id=world.home.patient_b.pk).first()
    assert event.phone == "555-0456"
    assert event.pgh_context == {"task": "tests.audit.touch_patient"}


@pytest.mark.parametrize("model", [*EVENT_MODELS.values(), AccessEvent])
def test_audit_rows_cannot_be_updated_or_deleted(world, model):
    make_record(world.home)
    AccessEvent.objects.create(
        actor=world.home.admin, clinic=world.home.clinic, action="view", object_type="screen"
    )
    row = model.objects.order_by("pk").first()
    assert row is not None
    table = model._meta.db_table
    pk = model._meta.pk.column
    for sql in (f'UPDATE "{table}" SET "{pk}" = "{pk}"', f'DELETE FROM "{table}"'):
        with (
            pytest.raises(DatabaseError, match="Cannot update or delete"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    with pytest.raises(DatabaseError), transaction.atomic():
        model.objects.filter(pk=row.pk).delete()
    assert model.objects.filter(pk=row.pk).exists()
