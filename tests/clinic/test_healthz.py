"""/healthz/ says honestly whether the database, Redis and the scheduler work: 200 only when
every required one does, 503 naming the failing part otherwise (security review 16)."""

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.utils import timezone

from clinic import health
from clinic.health import HEARTBEAT_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_redis(settings, monkeypatch):
    """REDIS_URL set and its server answering (the PING is replaced)."""
    settings.REDIS_URL = "redis://redis.invalid:6379/0"
    pings = []
    monkeypatch.setattr(health, "redis_ping", pings.append)
    return pings


def beat(minutes_ago: float) -> None:
    stamp = timezone.now() - timedelta(minutes=minutes_ago)
    cache.set(HEARTBEAT_KEY, stamp.isoformat(), None)


def test_everything_working_is_a_200(client, with_redis):
    beat(minutes_ago=1)
    response = client.get("/healthz/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "redis": "ok",
        "scheduler": "ok",
    }
    assert with_redis == ["redis://redis.invalid:6379/0"]
    assert "no-cache" in response["Cache-Control"]


def test_a_failing_database_is_a_503(client, with_redis, monkeypatch):
    beat(minutes_ago=1)

    def refused():
        raise OperationalError("connection refused")

    monkeypatch.setattr(health.connection, "is_usable", refused)
    response = client.get("/healthz/")
    assert response.status_code == 503
    database = response.json()["checks"]["database"]
    assert database["status"] == "failing"
    assert "connection refused" in database["detail"]


def test_a_database_connection_that_is_not_usable_is_a_503(client, with_redis, monkeypatch):
    beat(minutes_ago=1)
    monkeypatch.setattr(health.connection, "is_usable", lambda: False)
    response = client.get("/healthz/")
    assert response.status_code == 503
    detail = response.json()["checks"]["database"]["detail"]
    assert detail == "the database connection is not usable"


def test_an_unreachable_redis_is_a_503(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz/")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["redis"]["status"] == "failing"
    assert checks["scheduler"]["status"] == "unknown"


def test_a_redis_that_hangs_times_out(client, settings):
    """Without a socket timeout the request would wait for ever; the generous bound only
    catches that (speed is not measured here), and "Timeout" says the client gave up."""
    import socket

    with socket.socket() as listener:  # accepts the connection, never answers PING
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        settings.REDIS_URL = f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
        started = time.monotonic()
        response = client.get("/healthz/")
        assert time.monotonic() - started < 30
    assert response.status_code == 503
    assert "Timeout" in response.json()["checks"]["redis"]["detail"]


def test_a_scheduler_silent_for_over_three_minutes_is_a_503(client, with_redis):
    beat(minutes_ago=4)
    response = client.get("/healthz/")
    assert response.status_code == 503
    scheduler = response.json()["checks"]["scheduler"]
    assert scheduler["status"] == "stale"
    assert "240 s ago" in scheduler["detail"] or "241 s ago" in scheduler["detail"]


def test_a_scheduler_that_never_beat_is_a_503(client, with_redis):
    cache.delete(HEARTBEAT_KEY)
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["checks"]["scheduler"]["status"] == "stale"


def test_without_redis_only_the_database_counts(client, settings):
    settings.REDIS_URL = ""
    cache.delete(HEARTBEAT_KEY)
    response = client.get("/healthz/")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["redis"]["status"] == "not configured"
    # Each process has its own cache then: the worker's beat cannot be seen from here.
    assert checks["scheduler"]["status"] == "unknown"
