"""A Redis cache that keeps the portal serving while Redis is down.

Django's RedisCache raises when Redis cannot be reached, and the cache sits under every sign-in
(allauth counts failed attempts in it): a stopped Redis would turn the sign-in page into an error.
This backend answers from a cache in the process's own memory until Redis answers again, so
pages serve and rate limits still count (per process) in the meantime; each fall-back is logged.
Nothing the portal must not lose lives in the cache: notifications wait in the database (the
outbox) and the ledger's sweep finds every due step from the database.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0  # after a failure, how long to answer from memory before trying Redis again


def _tolerant(name: str):
    def method(self, *args, **kwargs):
        if time.monotonic() >= self._redis_down_until:
            try:
                return getattr(RedisCache, name)(self, *args, **kwargs)
            except RedisError as error:
                self._redis_down_until = time.monotonic() + RETRY_SECONDS
                logger.warning("Redis cache unreachable (%s); answering from this process's memory for now.", error)
        return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = name
    return method


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._fallback = LocMemCache(f"redis-fallback-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._redis_down_until = 0.0

    add = _tolerant("add")
    get = _tolerant("get")
    set = _tolerant("set")
    touch = _tolerant("touch")
    delete = _tolerant("delete")
    get_many = _tolerant("get_many")
    has_key = _tolerant("has_key")
    incr = _tolerant("incr")
    set_many = _tolerant("set_many")
    delete_many = _tolerant("delete_many")
    clear = _tolerant("clear")
