"""Signal receivers of the programs app: what is cached for patients' pages follows every
write it is built from (see programs.selectors.version_key and patient_view_keys, and
programs.worklist.patient_progress_cached)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CheckIn, Drill, Program, ProgramChange, SessionLog
from .selectors import drills_changed, progress_changed


@receiver([post_save, post_delete], sender=Drill, dispatch_uid="gw_drills_changed")
def _drill_changed(sender, instance, **kwargs):
    drills_changed()


@receiver([post_save, post_delete], sender=Program, dispatch_uid="gw_progress_program")
@receiver([post_save, post_delete], sender=SessionLog, dispatch_uid="gw_progress_session")
@receiver([post_save, post_delete], sender=CheckIn, dispatch_uid="gw_progress_checkin")
def _patient_row_changed(sender, instance, **kwargs):
    progress_changed([instance.patient_id])


@receiver([post_save, post_delete], sender=ProgramChange, dispatch_uid="gw_progress_change")
def _change_saved(sender, instance, **kwargs):
    progress_changed(
        Program.objects.filter(pk=instance.program_id).values_list("patient_id", flat=True)
    )
