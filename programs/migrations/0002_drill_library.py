"""Ship the drill library (docs/clinical-rules.md §10) with `migrate`."""

from django.db import migrations


def load_library(apps, schema_editor):
    from programs.library import sync_library

    sync_library(apps.get_model("programs", "Drill"))


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = [migrations.RunPython(load_library, migrations.RunPython.noop)]
