"""Whole public pages cached for anonymous visitors, per language and query (the keys pages
read, normalised; a query with any other key is not cached).

The middleware sits after the security, CSP and WhiteNoise middleware and before the session
middleware (see MIDDLEWARE in settings): a page served from the cache still gets fresh security
headers and CSP on its way out, while nothing that reads the session, the CSRF token, the user
or the messages has run yet.

A page is stored only when nothing in it can belong to one visitor:
- the request is a GET under a language prefix (`/nl/…`), without a session cookie (staff)
  and without pending messages, and
- the response is a plain 200 that sets no cookie (a form's CSRF cookie, a session), does not
  vary on cookies, carries no CSP nonce and is not marked private or no-store.
GET and HEAD requests are served from the cache. Each entry holds the content version
(healing_together.cache) it was rendered under, which editors' changes bump: an entry from an
older version is a miss. Entries expire after PAGE_CACHE_SECONDS (0 turns the cache off).
Every response the cache considered says so in `X-Cache` (hit, miss or bypass); hits also
carry `Age`.

Each entry also keeps a gzip copy of the page, compressed once when it is stored: a hit is
served compressed to clients that accept gzip (a fifth of the bytes for the group list), and
a proxy in front (Caddy's `encode`) passes it on instead of compressing it again per request.
Only cached pages are compressed, and they never carry a CSRF token or anything personal, so
BREACH-style guessing has no secret to find.
"""

import functools
import hashlib
import logging
import re
import time
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.utils.cache import cc_delim_re, get_max_age, patch_vary_headers
from django.utils.text import compress_string

from .cache import content_version
from .filtering import TolerantFilterSet
from .i18n import language_from_path

logger = logging.getLogger(__name__)

# Larger bodies are not worth the memory: no public page comes close.
MAX_BYTES = 1_000_000
# Per-response CSP changes (django-csp's decorators) travel with the cached page.
CSP_ATTRIBUTES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)
# Vary values that do not make a page depend on the visitor: the language is in the path.
HARMLESS_VARY = {"accept-language", "accept-encoding"}
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# Smaller bodies gain nothing from compression.
MIN_GZIP_BYTES = 200


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if seconds <= 0 or not request_is_cacheable(request):
            return self.get_response(request)
        key = page_key(request)
        version = found = None
        if key is not None:
            # The content version and the page in one round trip to the cache.
            found = _cache_call(cache.get_many, [content_version.key, key])
        if found is not None:
            version = found.get(content_version.key)
            if version is None:
                version = _cache_call(content_version.get)
            else:
                content_version.remember(version)  # the view reads it again: no second trip
        if version is None:  # no key (bad host, unknown query key), or the cache is unreachable
            response = self.get_response(request)
            response["X-Cache"] = "bypass"
            return response
        entry = found.get(key)
        if entry is not None and entry["version"] == version:
            return thaw(entry, request)
        response = self.get_response(request)
        if request.method == "GET" and response_is_cacheable(request, response):
            # The page will be served compressed or not, depending on the client.
            patch_vary_headers(response, ("Accept-Encoding",))
            _cache_call(cache.set, key, freeze(response, version), seconds)
            response["X-Cache"] = "miss"
        else:
            response["X-Cache"] = "bypass"
        return response


def request_is_cacheable(request):
    """An anonymous visitor's GET or HEAD of a public page in one language."""
    if request.method not in ("GET", "HEAD"):
        return False
    if language_from_path(request.path_info) is None:
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return False  # staff (or anyone with a session), or messages waiting to be shown
    return "HTTP_AUTHORIZATION" not in request.META


# Query keys pages read besides their filter forms' (below): page numbers (view_mixins, the
# open data), the open data's `modified_after` and the article list's `untranslated` flag.
OTHER_QUERY_KEYS = frozenset({"page", "modified_after", "untranslated"})


def query_keys():
    """(single-valued, multi-valued) query keys that some page reads.

    The filter forms are the TolerantFilterSet subclasses (the group list and the open data's,
    the article list's): a checkbox list is multi-valued, every other filter takes one value.
    They exist once the URLconf has imported the views; before that (a worker's first
    request) every key is unknown, which only means no caching.
    """
    found, unseen = [], TolerantFilterSet.__subclasses__()
    while unseen:
        filterset = unseen.pop()
        found.append(filterset)
        unseen.extend(filterset.__subclasses__())
    return _keys_of(frozenset(found))


@functools.cache
def _keys_of(filtersets):
    """query_keys() for these filter forms: worked out once per set, not on every request."""
    single, multiple = set(OTHER_QUERY_KEYS), set()
    for filterset in filtersets:
        for name, declared in filterset.base_filters.items():
            if issubclass(declared.field_class, forms.MultipleChoiceField):
                multiple.add(name)
            else:
                single.add(name)
    return frozenset(single - multiple), frozenset(multiple)


def normalised_query(request):
    """The query as the pages read it, in a stable order; None if a key is unknown.

    A single-valued key keeps the value QueryDict.get gives the page (the last one), so
    `?page=1&page=2` and `?page=2` are one entry and `?page=2&page=1` another; a multi-valued
    key keeps all its values, sorted (the filters take any of them, in any order). A key that
    no page reads makes the request uncacheable rather than ignored: every page still echoes
    the whole query string (its links to the other languages), so a cached copy would carry
    one visitor's junk to others, and junk keys would grow the cache without bound.
    """
    single, multiple = query_keys()
    query = request.GET
    if not single.issuperset(query.keys() - multiple):
        return None
    items = []
    for key in sorted(query):
        if key in multiple:
            items.extend((key, value) for value in sorted(query.getlist(key)))
        else:
            items.append((key, query[key]))  # QueryDict: the last value
    return urlencode(items)


def page_key(request):
    """The cache key: scheme, host, path and the normalised query (normalised_query).

    Each entry records the content version it was rendered under and counts only while that
    is still the current version. None when the host is not allowed (the inner middleware
    answers 400) or the query has a key no page reads: the request is not cached.
    """
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    query = normalised_query(request)
    if query is None:
        return None
    address = f"{request.scheme}://{host}{request.path}?{query}"
    digest = hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()
    return f"pages:{digest}"


def response_is_cacheable(request, response):
    if response.status_code != 200 or response.streaming:
        return False
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # a form's CSRF token or a session: this page belongs to one visitor
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", "")) if v.strip()}
    if vary - HARMLESS_VARY:
        return False  # Vary: Cookie (session or CSRF used), *, or anything we do not key on
    if response.has_header("Content-Encoding") or len(response.content) > MAX_BYTES:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if "private" in cache_control or "no-store" in cache_control or get_max_age(response) == 0:
        return False
    if isinstance(getattr(request, "_csp_nonce", None), str):
        return False  # the page carries this response's nonce
    return not _has_messages(request)


def _has_messages(request):
    storage = getattr(request, "_messages", None)
    if storage is None:
        return False
    return bool(
        storage.used
        or storage.added_new
        or storage._queued_messages
        or getattr(storage, "_loaded_data", None)
    )


def freeze(response, version):
    return {
        "version": version,
        "status": response.status_code,
        "headers": list(response.items()),
        "content": response.content,
        "gzip": _gzipped(response.content),
        "csp": {n: getattr(response, n) for n in CSP_ATTRIBUTES if hasattr(response, n)},
        "stored": time.time(),
    }


def _gzipped(content):
    if len(content) < MIN_GZIP_BYTES:
        return None
    compressed = compress_string(content)
    return compressed if len(compressed) < len(content) else None


def thaw(entry, request):
    compressed = entry.get("gzip")
    accepts_gzip = ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    use_gzip = compressed is not None and accepts_gzip is not None
    response = HttpResponse(compressed if use_gzip else entry["content"], status=entry["status"])
    for header, value in entry["headers"]:
        response[header] = value
    if use_gzip:
        response["Content-Encoding"] = "gzip"
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    for name, value in entry["csp"].items():
        setattr(response, name, value)
    response["Age"] = str(max(0, int(time.time() - entry["stored"])))
    response["X-Cache"] = "hit"
    return response


def _cache_call(function, *args):
    """Call the cache; when it is unreachable, log and carry on without it."""
    try:
        return function(*args)
    except Exception:  # any backend error (Redis down…) means "no cache", never a 500
        logger.warning("The page cache is unavailable.", exc_info=True)
        return None
