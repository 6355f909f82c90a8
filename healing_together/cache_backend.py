"""django-redis's cache with a circuit breaker: a Redis that fails is left alone for a while.

Pages make several cache calls each. With Redis frozen or gone, every call would wait for its
socket timeout (settings: REDIS_TIMEOUT_MS) before django-redis's IGNORE_EXCEPTIONS turns the
error into a miss, so a page took the timeout times its calls. Here the first failure opens
the breaker: for the next `CIRCUIT_BREAKER_SECONDS` (an OPTIONS key, default 30) every call
of this process answers at once as if Redis were down (a miss for reads, nothing stored for
writes; the same values IGNORE_EXCEPTIONS gives), so pages are served uncached at normal
speed. After the delay one call tries Redis again: success closes the breaker, failure keeps
it open for another delay.

One warning is logged when the breaker opens (an outage) and one info message when Redis
answers again, never one per call. The state is per process and per Redis location, shared by
the threads (Django makes one cache object per thread).

    CACHES = {"default": {
        "BACKEND": "healing_together.cache_backend.RedisCache",
        "LOCATION": "redis://…",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "CIRCUIT_BREAKER_SECONDS": 30, …},
    }}
"""

import functools
import inspect
import logging
import threading
import time

from django_redis.cache import RedisCache as DjangoRedisCache
from django_redis.client import DefaultClient
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import ConnectionError as RedisConnectionError

logger = logging.getLogger(__name__)

DEFAULT_DELAY = 30  # seconds


class CacheSkipped(RedisConnectionError):
    """Raised instead of calling Redis while the breaker is open."""


class CircuitBreaker:
    """Closed: calls go through. Open: calls are refused until `delay` seconds have passed;
    then one call is let through to try again (the others are still refused meanwhile)."""

    def __init__(self, name, delay, clock=time.monotonic):
        self.name = name
        self.delay = delay
        self._clock = clock
        self._lock = threading.Lock()
        self._retry_at = None  # None: closed

    @property
    def is_open(self):
        return self._retry_at is not None

    def allows(self):
        if self._retry_at is None:
            return True
        with self._lock:
            if self._retry_at is None:
                return True
            if self._clock() < self._retry_at:
                return False
            self._retry_at = self._clock() + self.delay  # this call is the one trial
            return True

    def failed(self, error):
        with self._lock:
            opening = self._retry_at is None
            self._retry_at = self._clock() + self.delay
        if opening:
            logger.warning(
                "Cache %s failed (%s): skipped for %g s, pages are served uncached.",
                self.name,
                error,
                self.delay,
            )

    def succeeded(self):
        if self._retry_at is None:
            return
        with self._lock:
            closing = self._retry_at is not None
            self._retry_at = None
        if closing:
            logger.info("Cache %s answers again: used again.", self.name)


_breakers = {}
_breakers_lock = threading.Lock()


def breaker_for(location, delay):
    """The process's one breaker for a Redis location (one cache object per thread)."""
    with _breakers_lock:
        breaker = _breakers.get(location)
        if breaker is None or breaker.delay != delay:
            breaker = _breakers[location] = CircuitBreaker(_without_password(location), delay)
        return breaker


def _without_password(location):
    """The location as logs may show it: redis://:secret@host/0 → redis://***@host/0."""
    scheme, sep, rest = location.rpartition("://")
    userinfo, at, host = rest.rpartition("@")
    return f"{scheme}{sep}***@{host}" if at else location


_inside = threading.local()  # a guarded call in progress on this thread (incr calls _incr…)


def _guarded(method):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        if getattr(_inside, "call", False):  # the outer call already asked and will record
            return method(self, *args, **kwargs)
        breaker = self.breaker
        if not breaker.allows():
            # django-redis's backend turns this into its "Redis down" answer (IGNORE_EXCEPTIONS).
            raise ConnectionInterrupted(connection=None) from CacheSkipped(breaker.name)
        _inside.call = True
        try:
            result = method(self, *args, **kwargs)
        except ConnectionInterrupted as error:
            breaker.failed(error.__cause__ or error)
            raise
        finally:
            _inside.call = False
        breaker.succeeded()
        return result

    return call


class CircuitBreakerClient(DefaultClient):
    """django-redis's client, every call to Redis going through the backend's breaker."""

    def __init__(self, server, params, backend):
        super().__init__(server, params, backend)
        self.breaker = backend.breaker


# The client's methods that talk to Redis are the ones taking a `client` argument (a
# connection to use); the others (make_key, encode, decode…) are local and never refused.
# `disconnect` only closes sockets.
for _name, _method in inspect.getmembers(DefaultClient, inspect.isfunction):
    if "client" in inspect.signature(_method).parameters and _name != "disconnect":
        setattr(CircuitBreakerClient, _name, _guarded(_method))


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        delay = options.pop("CIRCUIT_BREAKER_SECONDS", DEFAULT_DELAY)
        options.setdefault("CLIENT_CLASS", f"{__name__}.CircuitBreakerClient")
        self.breaker = breaker_for(str(server), delay)
        super().__init__(server, {**params, "OPTIONS": options})
