"""Backups that restore: deploy/backup.sh writes and prunes pg_dump files, restores the latest
into a scratch database, and `manage.py restore_check` compares the patient-data tables."""

import io
import os
import subprocess
import time
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from clinic.backups import patient_data_models
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]


def test_the_patient_data_tables_come_from_the_models():
    tables = {model._meta.db_table for model in patient_data_models()}
    # Everything the brief of a restore drill names, and the rows that hang off them.
    assert {
        "clinic_patient",
        "assessments_screen",
        "programs_program",
        "programs_programitem",
        "programs_sessionlog",
        "programs_sessionitemlog",
        "programs_checkin",
        "booking_appointment",
        "notifications_notification",
        "audit_patientevent",
        "audit_accessevent",
    } <= tables
    # Tables of the clinic's set-up or of sign-in state are no patient data.
    assert not {"clinic_clinic", "clinic_user", "programs_drill", "django_session"} & tables


def database_url() -> str:
    settings = connection.settings_dict
    user = quote(settings["USER"] or "", safe="")
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def backup_sh(*args: str, backup_dir: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "BACKUP_DIR": str(backup_dir),
        **env,
    }
    return subprocess.run(
        ["bash", "deploy/backup.sh", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def age(path: Path, days: float) -> Path:
    stamp = time.time() - days * 86400
    os.utime(path, (stamp, stamp))
    return path


def database_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_backup_is_a_custom_format_dump_and_old_ones_are_removed(tmp_path):
    name = connection.settings_dict["NAME"]
    expired = tmp_path / f"{name}-20261101T023000Z.dump"
    expired.write_bytes(b"old")
    age(expired, days=20)
    recent = tmp_path / f"{name}-20261201T023000Z.dump"
    recent.write_bytes(b"recent")
    age(recent, days=3)

    result = backup_sh("once", backup_dir=tmp_path, BACKUP_KEEP_DAYS="14")

    assert result.returncode == 0, result.stderr
    dumps = sorted(tmp_path.glob(f"{name}-*.dump"))
    assert recent in dumps and expired not in dumps
    (new,) = [dump for dump in dumps if dump != recent]
    assert new.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format, what pg_restore reads
    assert not list(tmp_path.glob("*.partial"))


@pytest.mark.postgres
@pytest.mark.real_clock  # the script compares file times with the machine's clock
def test_the_backup_health_check_wants_a_backup_from_the_last_day(tmp_path):
    name = connection.settings_dict["NAME"]
    assert backup_sh("check", backup_dir=tmp_path).returncode == 1  # none yet
    old = tmp_path / f"{name}-20261201T023000Z.dump"
    old.write_bytes(b"PGDMP")
    age(old, days=2)
    assert backup_sh("check", backup_dir=tmp_path).returncode == 1
    age(old, days=0.5)
    assert backup_sh("check", backup_dir=tmp_path).returncode == 0


@pytest.mark.postgres
def test_a_restore_never_targets_the_live_database(tmp_path):
    name = connection.settings_dict["NAME"]
    result = backup_sh("restore", name, backup_dir=tmp_path)
    assert result.returncode == 2
    assert "refusing" in result.stderr


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_restore_check_passes_on_a_faithful_backup_and_fails_on_a_difference(tmp_path):
    world = f.World.build()
    kind = f.AppointmentTypeFactory(clinic=world.home.clinic)
    f.appointment(
        clinic=world.home.clinic,
        patient=world.home.patient_a,
        clinician=world.home.clinician,
        kind=kind,
        day=date(2026, 12, 14),
        hour=10,
    )
    name = connection.settings_dict["NAME"]
    scratch = f"{name}_restore"
    dump = tmp_path / f"{name}-20261207T023000Z.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", f"--file={dump}", f"--dbname={database_url()}"],
        check=True,
        timeout=300,
    )

    restored = backup_sh("restore", backup_dir=tmp_path)
    assert restored.returncode == 0, restored.stderr
    out = io.StringIO()
    call_command("restore_check", stdout=out)
    report = out.getvalue()
    assert "The backup restores" in report
    assert any(line.split() == ["clinic_patient", "4", "4"] for line in report.splitlines()), report
    assert any(line.split() == ["booking_appointment", "1", "1"] for line in report.splitlines())
    assert not database_exists(scratch)  # the scratch copy is dropped after the check

    # A row the backup does not hold: the check names the table and fails.
    assert backup_sh("restore", backup_dir=tmp_path).returncode == 0
    f.PatientFactory(clinic=world.home.clinic)
    out = io.StringIO()
    with pytest.raises(CommandError, match="clinic_patient"):
        call_command("restore_check", stdout=out)
    assert any(
        line.split() == ["clinic_patient", "4", "5", "<<", "differs"]
        for line in out.getvalue().splitlines()
    ), out.getvalue()
    assert not database_exists(scratch)


@pytest.mark.postgres
@pytest.mark.django_db
def test_restore_check_says_when_nothing_was_restored():
    with pytest.raises(CommandError, match="restore a backup into it first"):
        call_command("restore_check", "--restored-database", "gw_no_such_restore")
