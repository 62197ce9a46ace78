"""L-PLANTAR is now the loading ladder only; the plantar-fascia stretch became an adjunct.

docs/clinical-rules.md §5 (clinical.md 8.10): the stretch, calf stretch and rolling run in
parallel with heel-raise loading and a rung change must never replace them. The ladder lost its
first rung (the stretch), so stored items are renumbered to keep meaning the same drill: the
stretch leaves the ladder (rung empty, as adjuncts are stored) and every loading rung moves down
by one. Without this, a live stretch item would progress onto heel raises, and a heel-raise item
would be read as the next rung up.
"""

from django.db import migrations

PLANTAR = "L-PLANTAR"


def forwards(apps, schema_editor):
    ProgramItem = apps.get_model("programs", "ProgramItem")
    items = ProgramItem.objects.filter(ladder=PLANTAR, rung__isnull=False)
    items.filter(rung=1).update(rung=None)
    for rung in range(2, 8):
        items.filter(rung=rung).update(rung=rung - 1)


def backwards(apps, schema_editor):
    ProgramItem = apps.get_model("programs", "ProgramItem")
    items = ProgramItem.objects.filter(ladder=PLANTAR)
    for rung in range(6, 0, -1):
        items.filter(rung=rung).update(rung=rung + 1)
    items.filter(rung__isnull=True, drill__slug="pf_stretch").update(rung=1)


class Migration(migrations.Migration):
    dependencies = [("programs", "0008_item_times_per_day_patient_text")]

    operations = [migrations.RunPython(forwards, backwards)]
