"""A real Celery worker executes real tasks through the configured broker."""

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.cache import cache
from django.urls import clear_url_caches, get_resolver

from clinic.site.celery import app, load_url_map
from clinic.tasks import add, heartbeat


@pytest.fixture
def worker():
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def test_a_worker_runs_a_task_and_returns_its_result(worker):
    assert add.delay(2, 3).get(timeout=20) == 5


def test_the_heartbeat_task_records_when_it_ran(worker):
    cache.delete("groundwork:heartbeat")
    stamp = heartbeat.delay().get(timeout=20)
    assert cache.get("groundwork:heartbeat") == stamp


def test_the_scheduler_runs_the_heartbeat_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["heartbeat"]
    assert entry == {"task": "clinic.tasks.heartbeat", "schedule": 60.0}
    assert entry["task"] in app.tasks


def test_a_worker_loads_the_url_map_as_it_starts_not_in_its_first_sweep():
    clear_url_caches()
    assert "url_patterns" not in get_resolver().__dict__  # loaded on first use only
    assert load_url_map in signals.worker_init._live_receivers(None)
    load_url_map()
    assert "url_patterns" in get_resolver().__dict__


def test_the_broker_is_redis_when_redis_url_is_set_and_a_serverless_one_otherwise():
    expected = settings.REDIS_URL or "filesystem://"
    assert app.conf.broker_url == expected


@pytest.mark.redis
def test_with_redis_url_the_worker_uses_redis(worker):
    assert app.conf.broker_url.startswith("redis://")
    assert add.delay(20, 22).get(timeout=20) == 42
