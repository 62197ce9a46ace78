"""On PostgreSQL, forbid overlapping active appointments of one clinician in the database.

SQLite has no exclusion constraints; there the booking service's check under serialized
(BEGIN IMMEDIATE) writes keeps the same guarantee. The constraint lives only in SQL, so the
model state (and `makemigrations --check`) is the same on both databases.
"""

from django.db import migrations

CONSTRAINT = "appointment_no_overlap_per_clinician"

EXTENSION = "CREATE EXTENSION IF NOT EXISTS btree_gist;"

CREATE = f"""
ALTER TABLE booking_appointment ADD CONSTRAINT {CONSTRAINT}
    EXCLUDE USING gist (
        clinician_id WITH =,
        tstzrange("start", COALESCE(busy_until, "end"), '[)') WITH &&
    )
    WHERE (status IN ('booked', 'arrived'));
"""

DROP = f"ALTER TABLE booking_appointment DROP CONSTRAINT IF EXISTS {CONSTRAINT};"


def create_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(EXTENSION)
        schema_editor.execute(CREATE)


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("booking", "0003_settings_time_off_closures_intake")]

    operations = [migrations.RunPython(create_constraint, drop_constraint, elidable=False)]
