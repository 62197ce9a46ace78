"""The checks behind /healthz/: the database, Redis and the scheduler's heartbeat, each
answering quickly and saying plainly what is wrong."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from redis.backoff import NoBackoff
from redis.retry import Retry

HEARTBEAT_KEY = "groundwork:heartbeat"  # written each minute by clinic.tasks.heartbeat
HEARTBEAT_STALE_AFTER = timedelta(minutes=3)
# A load balancer asks every few seconds; a dead Redis must not hold the answer up.
REDIS_TIMEOUT_SECONDS = 1.0


@dataclass(frozen=True)
class Check:
    status: str  # "ok", "failing", "stale", "not configured" or "unknown"
    required: bool  # the page answers 503 when a required check is not "ok"
    detail: str = ""

    @property
    def healthy(self) -> bool:
        return self.status == "ok" or not self.required


def database_check() -> Check:
    # Django's own round trip (the one CONN_HEALTH_CHECKS uses): no SQL of ours on a request.
    try:
        connection.ensure_connection()
        usable = connection.is_usable()
    except Exception as error:  # whatever the failure, it is the answer
        return Check("failing", required=True, detail=f"{type(error).__name__}: {error}")
    if not usable:
        return Check("failing", required=True, detail="the database connection is not usable")
    return Check("ok", required=True)


def redis_ping(url: str) -> None:
    """PING the Redis server with short timeouts and no retries; raises when it fails."""
    client = redis.Redis.from_url(
        url,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
    )
    try:
        client.ping()
    finally:
        client.close()


def redis_check() -> Check:
    if not settings.REDIS_URL:
        return Check("not configured", required=False)
    try:
        redis_ping(settings.REDIS_URL)
    except Exception as error:  # whatever the failure, it is the answer
        return Check("failing", required=True, detail=f"{type(error).__name__}: {error}")
    return Check("ok", required=True)


def scheduler_check(*, now: datetime, redis: Check) -> Check:
    """The last heartbeat the scheduler had a worker record in the shared cache.

    Without Redis the cache belongs to each process, so this process cannot see the worker's
    beat: the answer is then "unknown" and does not count.
    """
    if not settings.REDIS_URL:
        return Check("unknown", required=False, detail="No shared cache to read the beat from.")
    if redis.status != "ok":
        return Check("unknown", required=True, detail="Redis is unreachable.")
    try:
        stamp = cache.get(HEARTBEAT_KEY)
    except Exception as error:  # whatever the failure, it is the answer
        return Check("failing", required=True, detail=f"{type(error).__name__}: {error}")
    if not stamp:
        return Check("stale", required=True, detail="No heartbeat recorded yet.")
    last = datetime.fromisoformat(stamp)
    age = now - last
    detail = f"Last beat {last.isoformat()}, {int(age.total_seconds())} s ago."
    if age > HEARTBEAT_STALE_AFTER:
        return Check("stale", required=True, detail=detail)
    return Check("ok", required=True, detail=detail)


def health_report(*, now: datetime) -> tuple[bool, dict]:
    """Whether every required part works, and the report the page shows."""
    redis = redis_check()
    checks = {
        "database": database_check(),
        "redis": redis,
        "scheduler": scheduler_check(now=now, redis=redis),
    }
    healthy = all(check.healthy for check in checks.values())
    report = {
        "status": "ok" if healthy else "failing",
        "checks": {name: asdict(check) for name, check in checks.items()},
    }
    return healthy, report
