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
"""

import logging
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)

# Apps whose data the public pages show.
CONTENT_APPS = frozenset({"directory", "articles"})


class VersionCounter:
    """An integer in the cache, read by `get()` and raised by `bump()`."""

    def __init__(self, key):
        self.key = key

    def get(self):
        version = cache.get(self.key)
        if version is None:
            # A counter that was evicted or never set starts from the clock rather than from 1,
            # so it never comes back to a value that older entries were stored under.
            version = time.time_ns() // 1000
            if not cache.add(self.key, version, None):
                version = cache.get(self.key, version)
        return version

    def bump(self, **_signal_kwargs):
        try:
            cache.incr(self.key)
        except ValueError:  # not in the cache (evicted, or never read): start afresh
            cache.set(self.key, time.time_ns() // 1000, None)

    def __repr__(self):
        return f"VersionCounter({self.key!r})"


content_version = VersionCounter("pages:content-version")


def _content_changed(sender, **kwargs):
    """Signal receiver: bump the content version when a content model changes."""
    if sender._meta.app_label not in CONTENT_APPS:
        return
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed fires pre_ and post_ actions: one bump per change is enough
    _bump_content_version()
    # Once more when the change is committed: a page rendered from the old data between the
    # first bump and the commit would otherwise stay cached under the new version.
    transaction.on_commit(_bump_content_version, using=kwargs.get("using"))


def _bump_content_version():
    try:
        content_version.bump()
    except Exception:  # the cache being down must never stop an editor from saving
        logger.warning("The page cache version could not be bumped.", exc_info=True)


def connect_signals():
    post_save.connect(_content_changed, dispatch_uid="page-cache-save")
    post_delete.connect(_content_changed, dispatch_uid="page-cache-delete")
    m2m_changed.connect(_content_changed, dispatch_uid="page-cache-m2m")
