"""What a backup must hold: the tables of patient data, and their row counts in a database."""

import psycopg
from django.apps import apps
from django.db import connections, models
from psycopg import sql

from .models import Patient

# The apps of this project; third-party tables (sessions, lockouts, devices) are not patient data.
PROJECT_PACKAGES = ("clinic", "assessments", "programs")


def _project_models() -> list[type[models.Model]]:
    return [
        model
        for config in apps.get_app_configs()
        if config.name.split(".")[0] in PROJECT_PACKAGES
        for model in config.get_models()
        if model._meta.managed and not model._meta.proxy
    ]


def patient_data_models() -> list[type[models.Model]]:
    """Patient, and every model of ours whose rows hang off a patient through foreign keys
    (screens, programs and their items, session logs, check-ins, appointments, messages,
    the audit trail ...), found from the models so a new table of patient data is not
    forgotten. Ordered by table name."""
    found: set[type[models.Model]] = {Patient}
    candidates = _project_models()
    grew = True
    while grew:
        grew = False
        for model in candidates:
            if model in found:
                continue
            targets = {
                field.related_model
                for field in model._meta.get_fields()
                if field.many_to_one or field.one_to_one
                if field.concrete and field.related_model is not None
            }
            if targets & found:
                found.add(model)
                grew = True
    return sorted(found, key=lambda model: model._meta.db_table)


def row_counts(database: str) -> dict[str, int | None]:
    """Rows per patient-data table in `database`, a database on the server of the default
    connection, with its credentials; None where the table is missing (a backup taken before
    that table's migration). A connection of its own, not one of Django's: a restored scratch
    database is no configured database."""
    params = connections["default"].get_connection_params()
    params = {
        key: value for key, value in params.items() if key not in ("cursor_factory", "context")
    }
    counts: dict[str, int | None] = {}
    with psycopg.connect(**{**params, "dbname": database}, autocommit=True) as conn:
        for model in patient_data_models():
            table = model._meta.db_table
            try:
                row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
                counts[table] = row.fetchone()[0]
            except psycopg.errors.UndefinedTable:
                counts[table] = None
    return counts
