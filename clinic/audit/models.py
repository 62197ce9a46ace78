"""Audit tables.

Write history: one event model per tracked model of patient data. django-pghistory generates
them and installs PostgreSQL triggers on the tracked tables, so every INSERT, UPDATE and DELETE
is recorded whatever issued it (save(), queryset.update(), bulk_create/bulk_update, raw SQL).
Each event row keeps the whole row (the new row for inserts and updates, the old row for
deletes) and the context of the change (actor, clinic, URL or task) denormalised as JSON, so a
row tells its whole story by itself.

Reads: AccessEvent, one row per staff read of a screen or program, per export and per
anonymisation, written by clinic.audit.services.

Every table here is append-only: a pgtrigger.Protect trigger refuses UPDATE and DELETE.
On SQLite (make run / make test without DATABASE_URL) the tables exist but no trigger is
installed: the write history is a PostgreSQL feature, tested in CI.
"""

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models

from assessments.models import Screen
from clinic.booking.models import Appointment
from clinic.models import Clinic, Patient
from programs.models import CheckIn, Program, ProgramItem, SessionItemLog, SessionLog

APPEND_ONLY = pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)


def _event_model(tracked, name: str, verbose: str):
    # Fresh trackers per model: pghistory fills an update tracker's field list in place.
    return pghistory.create_event_model(
        tracked,
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        app_label="audit",
        model_name=name,
        abstract=False,
        obj_field=pghistory.ObjForeignKey(related_name="+"),
        context_field=pghistory.ContextJSONField(),
        append_only=True,
        meta={
            "verbose_name": f"{verbose} change",
            "ordering": ["-pgh_id"],
            "indexes": [models.Index(fields=["pgh_created_at"])],
        },
    )


PatientEvent = _event_model(Patient, "PatientEvent", "patient")
ScreenEvent = _event_model(Screen, "ScreenEvent", "screen")
ProgramEvent = _event_model(Program, "ProgramEvent", "program")
ProgramItemEvent = _event_model(ProgramItem, "ProgramItemEvent", "program item")
SessionLogEvent = _event_model(SessionLog, "SessionLogEvent", "session log")
SessionItemLogEvent = _event_model(SessionItemLog, "SessionItemLogEvent", "session item log")
CheckInEvent = _event_model(CheckIn, "CheckInEvent", "check-in")
AppointmentEvent = _event_model(Appointment, "AppointmentEvent", "appointment")

# Name shown in the trail and used in its filter -> event model.
EVENT_MODELS = {
    "patient": PatientEvent,
    "screen": ScreenEvent,
    "program": ProgramEvent,
    "program item": ProgramItemEvent,
    "session": SessionLogEvent,
    "session item": SessionItemLogEvent,
    "check-in": CheckInEvent,
    "appointment": AppointmentEvent,
}

# Who the patient is and the free text about them, by trail kind: what anonymisation
# (services.patient_anonymise) replaces on the live rows. The history rows keep their values
# (they cannot be changed), so the trail, its CSV and the admin hide these columns for an
# anonymised patient instead.
ANONYMISED_FIELDS = {
    "patient": ("first_name", "last_name", "email", "phone", "date_of_birth", "intake_notes"),
    "screen": ("notes",),
    "program": ("notes",),
    "appointment": ("notes", "intake_what_hurts", "intake_goal_race", "cancel_reason"),
}


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed"
    EXPORT = "export", "Exported"
    ANONYMISE = "anonymise", "Anonymised"
    TRAIL_EXPORT = "trail_export", "Exported the audit trail"


class AccessEvent(models.Model):
    """Someone read or exported a patient's record (or the trail): who, where, what, when."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        Patient, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=12, choices=AccessAction.choices)
    object_type = models.CharField(max_length=40, blank=True)  # "screen", "program", ...
    object_id = models.BigIntegerField(null=True, blank=True)
    detail = models.CharField(max_length=200, blank=True)  # e.g. "api", "json", "csv"
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["clinic", "patient", "created_at"])]
        triggers = [APPEND_ONLY]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} {self.object_id} by {self.actor_id}"
