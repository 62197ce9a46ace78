"""Shared fixtures: two clinics with every role, the service markers' skip rules, the clock.

Tests marked `postgres`, `redis` or `browser` need that service. With CI=true they always
run (a missing service is then a failure, not a skip); elsewhere they skip when it is absent.

`--frozen-at=2026-12-08T04:30:00Z` (or GW_FROZEN_AT) runs the suite as if it were that
instant: collection starts there, and so does every test, with the clock ticking on from it.
The instant must name its offset, since which day it is depends on the zone.
"""

import os
from dataclasses import dataclass, field
from datetime import datetime

import pytest
import time_machine
from celery.app.task import Task
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from tests import factories as f

# Browser fixtures (chromium, open_page) are shared by every app's real-browser tests.
pytest_plugins = ["tests.browser_support", "tests.smtp_support"]


def pytest_addoption(parser):
    parser.addoption(
        "--frozen-at",
        default=os.environ.get("GW_FROZEN_AT", ""),
        metavar="INSTANT",
        help="start the clock of the run and of every test at this ISO 8601 instant "
        "(with its offset, e.g. 2026-12-08T00:30:00Z); default: $GW_FROZEN_AT",
    )


def _frozen_at(config) -> datetime | None:
    text = config.getoption("frozen_at")
    if not text:
        return None
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise pytest.UsageError(f"--frozen-at: {text!r} is not an ISO 8601 instant.") from None
    if instant.tzinfo is None:
        raise pytest.UsageError(f"--frozen-at: {text!r} has no offset (add Z or +hh:mm).")
    return instant


def pytest_configure(config):
    config.frozen_at = _frozen_at(config)
    if config.frozen_at is not None:
        # Module-level dates are computed while collecting, so the run travels too.
        config.frozen_run = time_machine.travel(config.frozen_at, tick=True)
        config.frozen_run.start()


def pytest_unconfigure(config):
    if getattr(config, "frozen_run", None) is not None:
        config.frozen_run.stop()


def pytest_report_header(config):
    if config.frozen_at is not None:
        return f"clock: every test starts at {config.frozen_at.isoformat()}"
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    # Each test (with the fixtures it sets up first) starts at the same instant, so a failure
    # does not depend on how long the tests before it took.
    if item.config.frozen_at is None:
        return (yield)
    with time_machine.travel(item.config.frozen_at, tick=True):
        return (yield)


def _service_missing(marker: str) -> str | None:
    if marker == "postgres":
        engine = settings.DATABASES["default"]["ENGINE"]
        return None if "postgresql" in engine else "needs PostgreSQL (set DATABASE_URL)"
    if marker == "redis":
        return None if settings.REDIS_URL else "needs Redis (set REDIS_URL)"
    if marker == "browser":
        from shutil import which

        if which("chromium") is None:
            return "needs Debian's chromium"
        try:
            import playwright  # noqa: F401
        except ImportError:
            return "needs playwright"
    return None


def pytest_runtest_setup(item):
    in_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    for marker in ("postgres", "redis", "browser"):
        if item.get_closest_marker(marker) is None:
            continue
        reason = _service_missing(marker)
        if reason is None:
            continue
        if in_ci:
            pytest.fail(f"CI=true, but this test {reason}.", pytrace=False)
        pytest.skip(reason)


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _drill_library_after_flush(request):
    """Transactional tests end by emptying every table, including the drill library that a
    migrate loads; put it back so each such test starts like a migrated database."""
    if not _is_transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")
    from programs.library import sync_library
    from programs.models import Drill

    sync_library(Drill)
    yield


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def world(db):
    """Two clinics, each with staff of every role and patients; names in `tests/factories.py`."""
    return f.World.build()


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


@dataclass
class TaskQueue:
    """Tasks the code under test sent (`delay`/`apply_async`), kept instead of queued."""

    sent: list[tuple[Task, tuple, dict]] = field(default_factory=list)

    def names(self) -> list[str]:
        return [task.name for task, _, _ in self.sent]

    def run_all(self) -> None:
        """Run what was sent, in order, as a worker would."""
        sent, self.sent = self.sent, []
        for task, args, kwargs in sent:
            task(*args, **kwargs)


@pytest.fixture
def task_queue(monkeypatch) -> TaskQueue:
    """Catches every Celery task sent during the test; `run_all()` then runs them."""
    queue = TaskQueue()

    def apply_async(self, args=None, kwargs=None, **options):
        queue.sent.append((self, tuple(args or ()), dict(kwargs or {})))

    monkeypatch.setattr(Task, "apply_async", apply_async)
    return queue
