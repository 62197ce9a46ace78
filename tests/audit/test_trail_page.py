"""The clinic admin's audit trail page and CSV: filters, pages, and nothing of other clinics."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from clinic.audit.models import AccessAction, AccessEvent, PatientEvent
from clinic.audit.views import PAGE_SIZE

pytestmark = pytest.mark.django_db


def _view(side, patient, *, actor=None, kind="screen", object_id=1):
    return AccessEvent.objects.create(
        actor=actor or side.clinician,
        clinic=side.clinic,
        patient=patient,
        action=AccessAction.VIEW,
        object_type=kind,
        object_id=object_id,
    )


def _csv(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_admin_sees_reads_of_their_clinic_only(client, world):
    _view(world.home, world.home.patient_a, object_id=11)
    _view(world.other, world.other.patient_a, object_id=99)
    client.force_login(world.home.admin)
    response = client.get("/audit/", {"kind": "access"})
    assert response.status_code == 200
    rows = [r for r, _, _ in response.context["rows"]]
    assert [(r.kind, r.object_id) for r in rows] == [("access", 11)]
    page = response.content.decode()
    assert world.home.patient_a.full_name in page
    assert world.other.patient_a.full_name not in page


@pytest.mark.parametrize("who", ["clinician", "frontdesk"])
def test_other_roles_are_refused(client, world, who):
    client.force_login(getattr(world.home, who))
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export/").status_code == 403


def test_patients_are_refused(client, world):
    client.force_login(world.home.patient_a.user)
    assert client.get("/audit/").status_code == 403


def test_filters_by_patient_actor_kind_and_date(client, world):
    home = world.home
    _view(home, home.patient_a, object_id=1)
    _view(home, home.patient_b, actor=home.admin, object_id=2)
    _view(home, home.patient_a, object_id=3)
    client.force_login(home.admin)

    def ids(query):
        response = client.get("/audit/", {"kind": "access", **query})
        assert response.status_code == 200
        return [r.object_id for r, _, _ in response.context["rows"]]

    assert ids({}) == [3, 2, 1]  # newest first
    assert ids({"patient": home.patient_a.pk}) == [3, 1]
    assert ids({"actor": home.admin.pk}) == [2]
    today = timezone.localdate(timezone=home.clinic.tz)  # the trail's days are the clinic's
    assert ids({"date_from": today.isoformat(), "date_to": today.isoformat()}) == [3, 2, 1]
    assert ids({"date_to": (today - timedelta(days=1)).isoformat()}) == []
    assert ids({"date_from": (today + timedelta(days=1)).isoformat()}) == []
    # A patient of another clinic filters to nothing rather than leaking anything.
    assert ids({"patient": world.other.patient_a.pk}) == []


def test_the_date_filter_takes_the_clinics_days(client, world, time_machine):
    # 21:00 on 7 December in New York, the clinic's zone, is 02:00 on the 8th in UTC.
    time_machine.move_to(datetime(2026, 12, 8, 2, 0, tzinfo=UTC))
    _view(world.home, world.home.patient_a, object_id=1)
    client.force_login(world.home.admin)

    def ids(day: str):
        response = client.get("/audit/", {"kind": "access", "date_from": day, "date_to": day})
        return [r.object_id for r, _, _ in response.context["rows"]]

    assert ids("2026-12-07") == [1]
    assert ids("2026-12-08") == []


def test_a_bad_filter_shows_an_error_and_no_rows(client, world):
    _view(world.home, world.home.patient_a)
    client.force_login(world.home.admin)
    response = client.get("/audit/", {"date_from": "2026-05-10", "date_to": "2026-05-01"})
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "before the start date" in response.content.decode()


def test_the_trail_is_paginated(client, world):
    AccessEvent.objects.bulk_create(
        AccessEvent(
            actor=world.home.clinician,
            clinic=world.home.clinic,
            patient=world.home.patient_a,
            action=AccessAction.VIEW,
            object_type="screen",
            object_id=n,
        )
        for n in range(PAGE_SIZE + 7)
    )
    client.force_login(world.home.admin)
    first = client.get("/audit/", {"kind": "access"})
    second = client.get("/audit/", {"kind": "access", "page": 2})
    assert len(first.context["rows"]) == PAGE_SIZE
    assert len(second.context["rows"]) == 7
    seen = {r.object_id for r, _, _ in first.context["rows"]}
    seen |= {r.object_id for r, _, _ in second.context["rows"]}
    assert seen == set(range(PAGE_SIZE + 7))
    assert first.context["page"].paginator.num_pages == 2


def test_csv_export_holds_the_filtered_trail_and_is_itself_recorded(client, world):
    _view(world.home, world.home.patient_a, object_id=5)
    _view(world.home, world.home.patient_b, object_id=6)
    _view(world.other, world.other.patient_a, object_id=7)
    client.force_login(world.home.admin)
    response = client.get("/audit/export/", {"patient": world.home.patient_a.pk, "kind": "access"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert [(r["what"], r["object_id"], r["patient"]) for r in rows] == [
        ("access", "5", world.home.patient_a.full_name)
    ]
    assert rows[0]["actor"] == str(world.home.clinician)
    export = AccessEvent.objects.get(action=AccessAction.TRAIL_EXPORT)
    assert (export.actor_id, export.clinic_id) == (world.home.admin.pk, world.home.clinic.pk)


def test_other_clinic_admin_exports_only_their_own_trail(client, world):
    _view(world.home, world.home.patient_a, object_id=5)
    client.force_login(world.other.admin)
    rows = _csv(client.get("/audit/export/"))
    assert not [r for r in rows if r["what"] == "access"]
    assert not [r for r in rows if r["patient_id"] == str(world.home.patient_a.pk)]


@pytest.mark.postgres
def test_changes_show_on_the_trail_with_before_and_after(client, world, record):
    from assessments.models import Screen
    from clinic.audit.context import audit_context

    client.force_login(world.home.clinician)
    response = client.patch(
        f"/api/v1/screens/{record.screen.pk}/", {"pain_nprs": 7}, content_type="application/json"
    )
    assert response.status_code == 200
    with audit_context(task="data-fix"):
        Screen.objects.filter(pk=record.screen.pk).update(notes="Bulk edit")
    client.force_login(world.home.admin)
    response = client.get("/audit/", {"kind": "screen", "patient": world.home.patient_a.pk})
    rows = [r for r, _, _ in response.context["rows"]]
    assert [r.action for r in rows] == ["changed", "changed", "created"]
    bulk, api_change, created = rows
    assert ("notes", "Sore left calf after the marathon.", "Bulk edit") in bulk.changes
    assert bulk.actor_id is None and bulk.context == {"task": "data-fix"}
    assert ("pain_nprs", None, 7) in api_change.changes
    assert api_change.actor_id == world.home.clinician.pk
    page = response.content.decode()
    assert str(world.home.clinician) in page and "Bulk edit" in page
    # The other clinic's admin sees none of it, in the page or the CSV.
    client.force_login(world.other.admin)
    assert client.get("/audit/", {"kind": "screen"}).context["rows"] == []
    theirs = _csv(client.get("/audit/export/"))
    assert theirs  # their own patients' rows
    home_patients = {str(world.home.patient_a.pk), str(world.home.patient_b.pk)}
    assert not {r["patient_id"] for r in theirs} & home_patients
    assert "Ada Home" not in str(theirs)
    # Every kind of the record is on the home clinic's CSV.
    client.force_login(world.home.admin)
    kinds = {r["what"] for r in _csv(client.get("/audit/export/"))}
    assert kinds >= {
        "screen",
        "program",
        "program item",
        "session",
        "session item",
        "check-in",
        "appointment",
    }


def test_the_page_says_plainly_when_changes_are_not_kept(client, world):
    """SQLite has no pghistory triggers: a change leaves no row, and the page says so instead
    of an empty trail that reads as 'nothing changed'. PostgreSQL keeps it and says nothing."""
    kept = connection.vendor == "postgresql"
    patient = world.home.patient_a
    patient.phone = "555-0142"
    patient.save()
    assert PatientEvent.objects.filter(pgh_obj_id=patient.pk).exists() == kept
    client.force_login(world.home.admin)
    page = client.get("/audit/", {"patient": patient.pk}).content.decode()
    assert ("Change history is not kept on this installation" in page) == (not kept)
    assert ("(reads and exports only)" in page) == (not kept)
    only_changes = client.get("/audit/", {"kind": "patient"}).content.decode()
    assert ("Changes are not recorded on this installation" in only_changes) == (not kept)
