"""Fast bulk inserts for the load data set: COPY on PostgreSQL, bulk_create elsewhere.

Rows come as tuples of the given field names with their primary keys set by the caller, so
foreign keys can be computed without reading anything back. Fields left out get their
default (or now, for auto_now fields). No model signals run, by design: this is test data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from itertools import islice

from django.db import connection, models
from django.utils import timezone

CHUNK = 20_000


def next_id(model: type[models.Model]) -> int:
    """The first primary key free after every existing row."""
    last = model.objects.aggregate(top=models.Max("pk"))["top"]
    return (last or 0) + 1


def _default(field: models.Field, now: datetime):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if isinstance(field, models.CharField | models.TextField):
        return ""
    raise ValueError(f"{field.model.__name__}.{field.name} needs a value")


def _text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value)
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


def insert(model: type[models.Model], field_names: Sequence[str], rows: Iterable[tuple]) -> int:
    """Insert every row; returns how many. `field_names` are attribute names (clinic_id)."""
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    unknown = set(field_names) - set(by_attname)
    if unknown:
        raise ValueError(f"{model.__name__} has no fields {sorted(unknown)}")
    now = timezone.now()
    rest = [f for f in model._meta.concrete_fields if f.attname not in field_names]
    names = [*field_names, *(f.attname for f in rest)]
    constants = tuple(_default(f, now) for f in rest)
    rows = iter(rows)
    count = 0
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(by_attname[n].column) for n in names)
        with connection.cursor() as cursor:
            # Foreign keys are dropped for the copy and added back after it: adding one checks
            # every row in a single join, far faster than a trigger per row.
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [model._meta.db_table],
            )
            foreign_keys = cursor.fetchall()
            for name, _ in foreign_keys:
                cursor.execute(
                    f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}"
                )
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                while chunk := list(islice(rows, CHUNK)):
                    copy.write(
                        "".join("\t".join(map(_text, (*row, *constants))) + "\n" for row in chunk)
                    )
                    count += len(chunk)
            for name, definition in foreign_keys:
                cursor.execute(
                    f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} "
                    f"{definition}"
                )
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # noqa: S608
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))",
                [model._meta.db_table],
            )
        return count
    while chunk := list(islice(rows, CHUNK)):
        model.objects.bulk_create(
            [model(**dict(zip(names, (*row, *constants), strict=True))) for row in chunk],
            batch_size=500,
        )
        count += len(chunk)
    return count


def analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL only)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
