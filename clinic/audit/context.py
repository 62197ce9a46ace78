"""Who and where for the write history: the pghistory context of a request, task or service.

pghistory prefixes each write statement with `set_config(...)`, which only PostgreSQL knows;
on SQLite (the default for `make run` and `make test`) there are no triggers to read it, so
every helper here does nothing there.

The values pghistory sets are local to the database transaction. Outside `atomic()` (the
normal case for requests) each statement is its own transaction; a write made after a context
ended but inside the same outer transaction still reads the old values, so code that needs its
own actor or label enters its own `audit_context`.
"""

from __future__ import annotations

import contextlib
import threading

import pghistory
from celery import signals
from django.db import connection

from clinic.access import clinic_of, role_of

_celery = threading.local()


def tracking() -> bool:
    """True when the database records history (PostgreSQL with pghistory's triggers)."""
    return connection.vendor == "postgresql"


def actor_metadata(user) -> dict:
    """The actor part of the context: user id, clinic id and role (empty for anonymous)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {"user": None}
    clinic = clinic_of(user)
    return {"user": user.pk, "clinic": clinic.pk if clinic else None, "role": role_of(user)}


def audit_context(**metadata):
    """A context manager that tags every write inside it with `metadata` (nested ones merge).

    Services and tasks use it, e.g. `with audit_context(task="...", clinic=clinic.pk):`.
    """
    if not tracking():
        return contextlib.nullcontext()
    return pghistory.context(**metadata)


def audit_context_add(**metadata) -> None:
    """Add metadata to the context already entered (a request's or a task's), if any."""
    if tracking():
        pghistory.context(**metadata)


def _task_started(task=None, **kwargs) -> None:
    if task is None or not tracking():
        return
    manager = pghistory.context(task=task.name)
    manager.__enter__()
    stack = getattr(_celery, "stack", [])
    stack.append(manager)
    _celery.stack = stack


def _task_finished(**kwargs) -> None:
    stack = getattr(_celery, "stack", [])
    if stack:
        stack.pop().__exit__(None, None, None)


def connect_celery_signals() -> None:
    """Every Celery task writes under a context naming the task (the actor is the system)."""
    signals.task_prerun.connect(_task_started, weak=False, dispatch_uid="audit_task_prerun")
    signals.task_postrun.connect(_task_finished, weak=False, dispatch_uid="audit_task_postrun")
