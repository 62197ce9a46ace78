"""`manage.py restore_check`: does a restored backup hold every row of patient data?

`deploy/backup.sh restore` puts the latest backup into a scratch database beside the live one
(`make restore-check` runs both). This command counts the rows of every patient-data table
(clinic.backups) in the scratch database and in the live one (DATABASE_URL), prints both,
fails on any difference and then drops the scratch database.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from clinic.backups import row_counts


def _shown(rows: int | None) -> str:
    return "missing" if rows is None else str(rows)


def scratch_name(live_name: str) -> str:
    """The scratch database's name; deploy/backup.sh derives the same one."""
    return f"{live_name}_restore"


class Command(BaseCommand):
    help = "Compare row counts of the patient-data tables in a restored backup with the live ones."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--restored-database",
            help="the scratch database the backup was restored into (default: <live name>_restore)",
        )
        parser.add_argument(
            "--keep", action="store_true", help="keep the scratch database after the comparison"
        )

    def handle(self, *args, **options):
        live = connections["default"]
        if live.vendor != "postgresql":
            raise CommandError("restore_check needs PostgreSQL: set DATABASE_URL to the live one.")
        live_name = live.settings_dict["NAME"]
        restored_name = options["restored_database"] or scratch_name(live_name)
        if restored_name == live_name:
            raise CommandError("The restored database must not be the live one.")
        if not self._exists(restored_name):
            raise CommandError(
                f"There is no database {restored_name!r}: restore a backup into it first "
                f"(bash deploy/backup.sh restore {restored_name})."
            )

        restored = row_counts(restored_name)
        current = row_counts(live_name)

        mismatched = self._report(restored, current)
        if not options["keep"]:
            self._drop(restored_name)
        if mismatched:
            raise CommandError(
                f"The backup differs from {live_name!r} in {len(mismatched)} table(s): "
                f"{', '.join(mismatched)}. Rows written since the backup count as differences; "
                "take a fresh backup and check again before trusting it."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"The backup restores: {len(current)} patient-data tables, "
                f"{sum(rows or 0 for rows in current.values())} rows, the same as {live_name!r}."
            )
        )

    def _report(self, restored: dict, current: dict) -> list[str]:
        width = max(len(table) for table in current)
        self.stdout.write(f"{'table':<{width}}  {'backup':>9}  {'live':>9}")
        mismatched = []
        for table, live_rows in current.items():
            backup_rows = restored.get(table)
            same = backup_rows == live_rows
            if not same:
                mismatched.append(table)
            mark = "" if same else "  << differs"
            self.stdout.write(
                f"{table:<{width}}  {_shown(backup_rows):>9}  {_shown(live_rows):>9}{mark}"
            )
        return mismatched

    def _exists(self, name: str) -> bool:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None

    def _drop(self, name: str) -> None:
        quoted = connections["default"].ops.quote_name(name)
        with connections["default"].cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
