"""Django's Redis cache, keeping one Redis client per connection pool; `drop` for invalidation.

Django's client builds a new `redis.Redis` object for every cache call, and building one
registers a few hundred response callbacks: about a quarter of a millisecond each time,
several times per request. A `redis.Redis` object is safe to share between threads (each
command takes its own connection from the pool), so one per pool is kept instead.
"""

import uuid
from collections.abc import Iterable, Mapping, Sequence

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction


class _ReusedClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class ClinicRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClient


def drop(keys: Iterable[str]) -> None:
    """Delete cache entries now and again when the current transaction commits.

    Now, so the writer's own later reads miss; again at commit, because a reader that looked
    between the two (seeing the rows as they were before this transaction) may have put the
    old value back.
    """
    keys = list(keys)
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def generations(keys: Sequence[str], *, found: Mapping[str, object] | None = None) -> list[str]:
    """The current value of each generation key, in one round trip (none when `found`, the
    answer of a `get_many` that asked for them too, is given); a missing key (never set, or
    dropped by a write) gets a fresh value that lasts until the next drop.

    Call it before reading the rows the cached value is built from: a write that commits
    after that read drops the key, so what the read saw is never found again.
    """
    if found is None:
        found = cache.get_many(keys)
    current = []
    for key in keys:
        value = found.get(key)
        if value is None:
            value = uuid.uuid4().hex
            if not cache.add(key, value, None):  # another process started one first
                value = cache.get(key) or value
        current.append(value)
    return current
