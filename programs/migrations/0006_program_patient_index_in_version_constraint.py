"""Program.patient loses its own index: the (patient, version) constraint's index covers it.

Written by hand: the generated AlterField would, on PostgreSQL, also drop the partial unique
index program_one_published_per_patient (an index on patient_id alone) and not recreate it.

Kept after the performance layer was removed, not as a workaround: with a realistic data set (a
handful of versions per patient) the planner finds a patient's programs through the
(patient, version) index as fast as through a second index on patient alone, which would only
add work to every write. (The stale-statistics plan that first prompted this was seen only on
the benchmark's tens of thousands of versions for one patient.)
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0002_patient_birth_date_and_sex_optional"),
        ("programs", "0005_checkin_run_km"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "programs_program_patient_id_f9e2e00a"',
                    reverse_sql='CREATE INDEX "programs_program_patient_id_f9e2e00a"'
                    ' ON "programs_program" ("patient_id")',
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="program",
                    name="patient",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="programs",
                        to="clinic.patient",
                    ),
                ),
            ],
        ),
    ]
