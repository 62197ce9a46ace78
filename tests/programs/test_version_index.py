"""The newest version of a patient's program is read down the (patient, version) index."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _indexes() -> dict[str, dict]:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, "programs_program")


def test_patient_lookups_have_one_index_and_one_published_program_stays_enforced():
    indexes = _indexes()
    on_patient_alone = [
        name
        for name, info in indexes.items()
        if info["columns"] == ["patient_id"] and info["index"] and not info["unique"]
    ]
    assert on_patient_alone == []
    assert indexes["program_version_unique"]["columns"] == ["patient_id", "version"]
    assert indexes["program_one_published_per_patient"]["unique"]


def test_the_newest_version_is_read_from_the_version_index_whatever_the_statistics():
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT version FROM programs_program WHERE patient_id = 1"
            " ORDER BY version DESC LIMIT 1"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "program_version_unique" in plan
    assert "Sort" not in plan
