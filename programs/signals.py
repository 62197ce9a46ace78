"""Signal receivers of the programs app: cached program items follow drill edits."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Drill
from .selectors import drills_changed


@receiver([post_save, post_delete], sender=Drill, dispatch_uid="gw_drills_changed")
def _drill_changed(sender, instance, **kwargs):
    drills_changed()
