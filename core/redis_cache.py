"""Django's Redis cache, keeping one Redis client per connection pool instead of making one per call.

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` for every cache call; with redis-py 8
that costs about 150 µs (it fills a table of some 170 response callbacks each time), more than the round
trip to Redis itself, and the page cache makes one or two calls on every request. A `redis.Redis` is
safe to share between threads (each command takes a connection from the pool), so one per pool will do.
`CACHE_URL=redis://…` selects this backend (kcpp/settings.py).
"""

from django.core.cache.backends import redis


class ReusingRedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
