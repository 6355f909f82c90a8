"""Version counters in the shared cache, and the content version that the page cache keys on.

A version counter is one integer in the cache. Everything cached under it puts the current
value in its key; bumping the counter makes every such entry unreachable at once (the old
entries simply expire), which works the same on Redis, shared by every app server, and on the
local-memory cache of a single process.

The content version is bumped whenever a model of a content app (the directory and the
articles) is saved or deleted or its many-to-many relations change: an editor publishing a
group or an article makes every cached page fresh again. Receivers are connected for every
sender and filtered by app, so models added to these apps later are covered without a change
here; other apps (the newsletter, sessions, the admin log) never bump it.

Within one request a counter is read from the cache once: a page asks for the content version
in several places (the page cache, the option counts, the result cards), and each read would
be a round trip to Redis. Outside a request (management commands, tests calling code
directly) every `get()` reads the cache.
"""

import logging
import threading
import time
from collections import OrderedDict

from asgiref.local import Local
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)

# Apps whose data the public pages show.
CONTENT_APPS = frozenset({"directory", "articles"})


# The counters read during the current request ({key: value}); None outside a request.
_read_this_request = Local()


def _start_request_memo(**_signal_kwargs):
    _read_this_request.versions = {}


def _end_request_memo(**_signal_kwargs):
    _read_this_request.versions = None


request_started.connect(_start_request_memo, dispatch_uid="version-counters-start")
request_finished.connect(_end_request_memo, dispatch_uid="version-counters-end")


def _request_memo():
    return getattr(_read_this_request, "versions", None)


class VersionCounter:
    """An integer in the cache, read by `get()` (once per request) and raised by `bump()`.

    In a request, the first counter asked for reads every counter in one round trip.
    """

    every = []

    def __init__(self, key):
        self.key = key
        VersionCounter.every.append(self)

    def get(self):
        memo = _request_memo()
        if memo is not None:
            if self.key not in memo:
                memo.update(cache.get_many([counter.key for counter in VersionCounter.every]))
            if self.key in memo:
                return memo[self.key]
        version = cache.get(self.key)
        if version is None:
            # A counter that was evicted or never set starts from the clock rather than from 1,
            # so it never comes back to a value that older entries were stored under.
            version = time.time_ns() // 1000
            if not cache.add(self.key, version, None):
                version = cache.get(self.key, version)
        self.remember(version)
        return version

    def remember(self, version):
        """Keep a value read from the cache by other means (a `get_many`) for this request."""
        memo = _request_memo()
        if memo is not None and version is not None:
            memo[self.key] = version

    def bump(self, **_signal_kwargs):
        memo = _request_memo()
        if memo is not None:
            memo.pop(self.key, None)
        try:
            cache.incr(self.key)
        except ValueError:  # not in the cache (evicted, or never read): start afresh
            cache.set(self.key, time.time_ns() // 1000, None)

    def __repr__(self):
        return f"VersionCounter({self.key!r})"


content_version = VersionCounter("pages:content-version")


class VersionedCopies:
    """A bounded copy, in this process, of values kept in the shared cache under keys that
    hold a version counter's value (result cards, the list's counts, filter options, helplines).

    Such a key is never reused for other data: once the counter moves on, every request
    reads the new value and builds new keys, so a copy can never be stale. Reading the copy
    saves a round trip to Redis and unpickling on every request that shows the same things.
    The oldest entries are dropped beyond `size`.
    """

    def __init__(self, size):
        self.size = size
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys):
        """{key: value} of the keys found here, else in the shared cache (then kept here)."""
        found = {}
        with self._lock:
            for key in keys:
                if key in self._entries:
                    self._entries.move_to_end(key)
                    found[key] = self._entries[key]
        rest = [key for key in keys if key not in found]
        if rest:
            shared = cache.get_many(rest)
            self._keep(shared)
            found.update(shared)
        return found

    def get(self, key):
        return self.get_many([key]).get(key)

    def set_many(self, entries, timeout):
        cache.set_many(entries, timeout)
        self._keep(entries)

    def set(self, key, value, timeout):
        self.set_many({key: value}, timeout)

    def _keep(self, entries):
        with self._lock:
            self._entries.update(entries)
            for key in entries:
                self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self):
        with self._lock:
            self._entries.clear()


# Some 2,000 result cards of a few KB, the counts of recent filter choices, the helplines.
versioned_copies = VersionedCopies(4000)


def _content_changed(sender, **kwargs):
    """Signal receiver: bump the content version when a content model changes."""
    if sender._meta.app_label not in CONTENT_APPS:
        return
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed fires pre_ and post_ actions: one bump per change is enough
    content_changed(using=kwargs.get("using"))


def content_changed(using=None):
    """Bump the content version now and once the transaction commits.

    The signals call it; so must writes that send no signals (bulk_create, bulk_update,
    QuerySet.update) of content the public pages show.
    """
    _bump_content_version()
    # Once more when the change is committed: a page rendered from the old data between the
    # first bump and the commit would otherwise stay cached under the new version.
    transaction.on_commit(_bump_content_version, using=using)


def _bump_content_version():
    try:
        content_version.bump()
    except Exception:  # the cache being down must never stop an editor from saving
        logger.warning("The page cache version could not be bumped.", exc_info=True)


def connect_signals():
    post_save.connect(_content_changed, dispatch_uid="page-cache-save")
    post_delete.connect(_content_changed, dispatch_uid="page-cache-delete")
    m2m_changed.connect(_content_changed, dispatch_uid="page-cache-m2m")
