"""The patient's data export (right of access): JSON and zipped CSVs of every kind, for the
clinic's clinicians and admins and for the patient themself, and for nobody else."""

import csv
import io
import json
import zipfile

import pytest

from clinic.audit.models import AccessAction, AccessEvent
from clinic.audit.services import EXPORT_KINDS
from tests.audit.conftest import make_record

pytestmark = pytest.mark.django_db


def _json(response) -> dict:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    return json.loads(response.content)


def _zip(response) -> dict[str, list[dict]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {
        name.removesuffix(".csv"): list(csv.DictReader(io.StringIO(archive.read(name).decode())))
        for name in archive.namelist()
    }


@pytest.mark.parametrize("who", ["clinician", "admin"])
def test_staff_export_json_has_every_kind_of_the_patient(client, world, record, who):
    make_record(world.home, world.home.patient_b)  # must not show up
    client.force_login(getattr(world.home, who))
    data = _json(client.get(f"/patients/{world.home.patient_a.pk}/export/json/"))
    assert set(data) == set(EXPORT_KINDS)
    patient = world.home.patient_a
    assert data["patient"][0]["first_name"] == patient.first_name
    assert data["patient"][0]["date_of_birth"] == "1990-06-15"
    assert [s["id"] for s in data["screens"]] == [record.screen.pk]
    assert data["screens"][0]["knee_to_wall_cm_left"] == "7.5"
    assert [p["id"] for p in data["programs"]] == [record.program.pk]
    assert sorted(i["id"] for i in data["program_items"]) == sorted(i.pk for i in record.items)
    assert all(i["drill_name"] for i in data["program_items"])
    assert [s["id"] for s in data["sessions"]] == [record.session.pk]
    assert [i["id"] for i in data["session_items"]] == [record.session_item.pk]
    assert [c["id"] for c in data["checkins"]] == [record.checkin.pk]
    assert sorted(a["id"] for a in data["appointments"]) == sorted(
        [record.future.pk, record.past.pk]
    )
    # Only this patient's rows: every row names patient A (directly or through its parent).
    for kind in ("screens", "programs", "sessions", "checkins", "appointments"):
        assert {row["patient_id"] for row in data[kind]} == {patient.pk}, kind


def test_staff_export_csv_is_a_zip_of_one_csv_per_kind(client, world, record):
    client.force_login(world.home.clinician)
    files = _zip(client.get(f"/patients/{world.home.patient_a.pk}/export/csv/"))
    assert set(files) == set(EXPORT_KINDS)
    assert [r["id"] for r in files["screens"]] == [str(record.screen.pk)]
    assert files["screens"][0]["notes"] == "Sore left calf after the marathon."
    assert len(files["program_items"]) == len(record.items)
    assert files["checkins"][0]["pain_next_morning"] == "1"
    assert files["checkins"][0]["red_flags"] == "[]"


def test_a_staff_export_is_recorded(client, world, record):
    client.force_login(world.home.clinician)
    client.get(f"/patients/{world.home.patient_a.pk}/export/csv/")
    row = AccessEvent.objects.get()
    assert (row.action, row.detail, row.actor_id, row.patient_id) == (
        AccessAction.EXPORT,
        "csv",
        world.home.clinician.pk,
        world.home.patient_a.pk,
    )


def test_a_patient_exports_only_their_own_data(client, world, record):
    other = make_record(world.home, world.home.patient_b)
    client.force_login(world.home.patient_a.user)
    data = _json(client.get("/me/export/json/"))
    assert data["patient"][0]["id"] == world.home.patient_a.pk
    assert [s["id"] for s in data["screens"]] == [record.screen.pk]
    assert other.screen.pk not in [s["id"] for s in data["screens"]]
    files = _zip(client.get("/me/export/csv/"))
    assert [r["id"] for r in files["patient"]] == [str(world.home.patient_a.pk)]
    # Patient A cannot reach B's export, nor anyone's through the staff route.
    assert client.get(f"/patients/{world.home.patient_b.pk}/export/json/").status_code == 403
    assert client.get(f"/patients/{world.home.patient_a.pk}/export/json/").status_code == 403
    assert AccessEvent.objects.count() == 0  # patients' own reads are not staff reads


def test_patient_b_gets_their_own_and_never_a(client, world, record):
    client.force_login(world.home.patient_b.user)
    data = _json(client.get("/me/export/json/"))
    assert data["patient"][0]["id"] == world.home.patient_b.pk
    assert data["screens"] == [] and data["appointments"] == []


@pytest.mark.parametrize("who", ["admin", "clinician"])
def test_another_clinic_gets_404(client, world, record, who):
    client.force_login(getattr(world.other, who))
    for fmt in ("json", "csv"):
        response = client.get(f"/patients/{world.home.patient_a.pk}/export/{fmt}/")
        assert response.status_code == 404
    assert AccessEvent.objects.count() == 0


def test_front_desk_and_anonymous_are_refused(client, world, record):
    url = f"/patients/{world.home.patient_a.pk}/export/json/"
    assert client.get(url).status_code == 302
    assert client.get("/me/export/json/").status_code == 302
    client.force_login(world.home.frontdesk)
    assert client.get(url).status_code == 403
    assert client.get("/me/export/json/").status_code == 403


def test_an_unknown_format_is_404(client, world):
    client.force_login(world.home.clinician)
    assert client.get(f"/patients/{world.home.patient_a.pk}/export/xml/").status_code == 404
