"""On PostgreSQL, the no-overlap constraint also covers the time held by booking requests.

A booking request's appointment (status "pending") holds its time like a booking, so two of
them, or one and a booking, must not overlap either. The constraint is dropped and created
again with the wider status list (see 0004 for why it lives only in SQL).
"""

from django.db import migrations

CONSTRAINT = "appointment_no_overlap_per_clinician"


def _create(statuses: str) -> str:
    return f"""
ALTER TABLE booking_appointment ADD CONSTRAINT {CONSTRAINT}
    EXCLUDE USING gist (
        clinician_id WITH =,
        tstzrange("start", COALESCE(busy_until, "end"), '[)') WITH &&
    )
    WHERE (status IN ({statuses}));
"""


DROP = f"ALTER TABLE booking_appointment DROP CONSTRAINT IF EXISTS {CONSTRAINT};"


def cover_requests(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)
        schema_editor.execute(_create("'pending', 'booked', 'arrived'"))


def uncover_requests(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)
        schema_editor.execute(_create("'booked', 'arrived'"))


class Migration(migrations.Migration):
    dependencies = [("booking", "0006_booking_requests")]

    operations = [migrations.RunPython(cover_requests, uncover_requests, elidable=False)]
