"""Django's Redis cache, keeping one Redis client per connection pool.

Django's client builds a new `redis.Redis` object for every cache call, and building one
registers a few hundred response callbacks: about a quarter of a millisecond each time,
several times per request. A `redis.Redis` object is safe to share between threads (each
command takes its own connection from the pool), so one per pool is kept instead.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


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
