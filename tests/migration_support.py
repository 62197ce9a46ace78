"""Tests that take the schema back to an older migration and forward again.

The audit history's triggers (pgtrigger, PostgreSQL only) are written for today's models and
name every column of the tables they watch; an older schema lacks some of those columns, so a
write there would fail in the trigger. They are taken off before going back and put back once
the schema is the latest again (as `migrate` installs them after every run in production)."""

from __future__ import annotations

import pgtrigger
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def go_back_to(target) -> MigrationExecutor:
    if connection.vendor == "postgresql":
        pgtrigger.uninstall()
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor


def back_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    if connection.vendor == "postgresql":
        pgtrigger.install()
