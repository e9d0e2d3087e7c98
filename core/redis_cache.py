"""Django's Redis cache, keeping one Redis client per connection pool instead of making one per call, and with
one quick read for the value every request needs.

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` for every cache call; with redis-py 8
that costs about 150 µs (it fills a table of some 170 response callbacks each time), more than the round
trip to Redis itself, and the page cache makes one or two calls on every request. A `redis.Redis` is
safe to share between threads (each command takes a connection from the pool), so one per pool will do.

The page cache reads its generation token on every request (core/cache.py). `get_at_once()` sends that
GET on a connection each thread keeps to itself, past the pool's bookkeeping and the client's command
machinery, which cost about as much again as the round trip itself (some 17 µs a GET instead of 33 here);
it reads the first server, the one written to.

`CACHE_URL=redis://…` selects this backend (kcpp/settings.py).
"""

import os
import threading

from django.core.cache.backends import redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError


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
        self._own = threading.local()
        self._made_keys = {}

    def get_at_once(self, key, default=None):
        """`get(key)`, as one GET on this thread's own connection to the first server.

        Raises the client's errors as `get()` does. A connection that has worked and then fails (the server
        restarted, or closed it) is opened again and the GET sent once more; one that never worked is not.
        """
        made = self._made_keys.get(key)
        if made is None:
            made = self._made_keys[key] = self.make_and_validate_key(key)
        connection = self._connection()
        try:
            value = self._get(connection, made)
        except (RedisConnectionError, RedisTimeoutError):
            if not self._own.worked:
                raise
            self._own.worked = False
            value = self._get(connection, made)  # redis-py has closed it: this opens it afresh
        self._own.worked = True
        return default if value is None else self._cache._serializer.loads(value)

    def _connection(self):
        own = self._own
        if getattr(own, "pid", None) != os.getpid():  # a new thread, or a process forked from this one
            pool = self._cache._get_connection_pool(True)
            own.connection = pool.connection_class(**pool.connection_kwargs)
            own.pid, own.worked = os.getpid(), False
        return own.connection

    @staticmethod
    def _get(connection, key):
        connection.send_command("GET", key, check_health=False)
        return connection.read_response()
