"""L-TENDON's heavy-slow-resistance rung became five RM rungs (15RM to 6RM, docs/clinical-rules.md
§5): the rungs after it moved from 4 and 5 to 8 and 9. Items stored on those rungs follow."""

from django.db import migrations
from django.db.models import F

# Old rung number -> new, for the rungs after the HSR rung (runner's calf raise, hops).
MOVED = {4: 8, 5: 9}
ADDED = 4  # rungs the RM steps added after rung 3


def forwards(apps, schema_editor):
    ProgramItem = apps.get_model("programs", "ProgramItem")
    ProgramItem.objects.filter(ladder="L-TENDON", rung__in=list(MOVED)).update(
        rung=F("rung") + ADDED
    )


def backwards(apps, schema_editor):
    ProgramItem = apps.get_model("programs", "ProgramItem")
    # The 12RM to 6RM rungs did not exist before: they go back to the one HSR rung.
    ProgramItem.objects.filter(ladder="L-TENDON", rung__in=[4, 5, 6, 7]).update(rung=3)
    ProgramItem.objects.filter(ladder="L-TENDON", rung__in=list(MOVED.values())).update(
        rung=F("rung") - ADDED
    )


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0009_plantar_ladder_loading_only"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
