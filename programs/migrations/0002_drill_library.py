"""Formerly loaded the drill library by importing the live catalogue, which a later catalogue
change could break on a fresh `migrate`. The library now follows the catalogue after every
`migrate` (`programs.library.sync_after_migrate`); this migration is kept, empty, so the
migration graph does not change."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = []
