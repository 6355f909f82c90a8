import functools
import json
import logging
import sys

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.cache import cache
from django.core.signals import got_request_exception
from django.db import (
    DatabaseError,
    DataError,
    IntegrityError,
    NotSupportedError,
    ProgrammingError,
    connection,
    connections,
)
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation

from .i18n import visitor_language

logger = logging.getLogger(__name__)

HELPLINES_FILE = settings.BASE_DIR / "fixtures" / "reference" / "helplines.json"


class HealthCheckMiddleware:
    """Answer /healthz and /readyz before anything looks at the Host header.

    Load balancers and Docker's HEALTHCHECK call these by IP address, so they must not depend on
    ALLOWED_HOSTS, the HTTPS redirect, sessions or the language prefix.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return JsonResponse({"status": "ok"})
        if request.path == "/readyz":
            return readiness()
        return self.get_response(request)


def readiness():
    checks = {"database": _check_database(), "cache": _check_cache()}
    ok = all(checks.values())
    response = JsonResponse(
        {
            "status": "ok" if ok else "unavailable",
            **{k: "ok" if v else "failing" for k, v in checks.items()},
        },
        status=200 if ok else 503,
    )
    response["Cache-Control"] = "no-store"
    return response


def _check_database():
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # any driver error means "not ready"
        return False


def _check_cache():
    try:
        cache.set("readyz", "1", 5)
        return cache.get("readyz") == "1"
    except Exception:
        return False


class SecurityHeadersMiddleware:
    """The headers Django's SecurityMiddleware does not set itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.setdefault("Cross-Origin-Embedder-Policy", settings.CROSS_ORIGIN_EMBEDDER_POLICY)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, choosing the language by healing_together.i18n's rule.

    Django falls back to settings.LANGUAGE_CODE for a browser language the site lacks; this
    one falls back to English (visitor_language), so /admin/ and a path without a prefix
    (/groups/ redirected to /en/groups/, a 404) answer like `/` does. The response side
    (the redirect to the prefixed path, `Vary: Accept-Language`) is Django's.
    """

    def process_request(self, request):
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        i18n_patterns_used, prefixed_default_language = is_language_prefix_patterns_used(urlconf)
        language = visitor_language(request)
        if (
            i18n_patterns_used
            and not prefixed_default_language
            and not translation.get_language_from_path(request.path_info)
        ):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# --- Database unavailable ---------------------------------------------------------------------

# Seconds a client (or a crawler) is asked to wait before trying again.
RETRY_AFTER_SECONDS = 120

# Errors a retry will not fix: the request's data or the code is at fault, not the database's
# availability. These stay 500s (and get logged and fixed).
_NOT_AVAILABILITY_ERRORS = (DataError, IntegrityError, NotSupportedError, ProgrammingError)


def is_database_unavailable(exc):
    """True for errors meaning "the database cannot be reached or used right now".

    OperationalError (connection refused, server closed the connection, too many clients,
    a timeout) and InterfaceError (a connection already closed) are the usual ones; any other
    DatabaseError except those in _NOT_AVAILABILITY_ERRORS counts too.
    """
    return isinstance(exc, DatabaseError) and not isinstance(exc, _NOT_AVAILABILITY_ERRORS)


class DatabaseUnavailableMiddleware:
    """When the database is down, answer a friendly 503 page in the visitor's language.

    The page is rendered without touching the database (no session, no user, no helpline
    query: the helplines come from the reference file in fixtures/), says when to try again
    (`Retry-After`) and is never cached. It sits below the security and CSP middlewares, so
    its responses get the same headers as every other page.

    Two ways a database failure reaches it:
    - a view (or the rendering of its template) raises: `process_exception`;
    - another middleware raises (loading a staff session, saving one): Django turns that into
      a 500 response on the spot, so a `got_request_exception` receiver marks the request and
      `__call__` swaps that 500 for the 503 page.

    Either way, connections left broken are closed, so the next request opens a fresh one
    and the site comes back by itself when the database does.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _FAILED_MARK, False):
            return database_unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.error(
            "Database unavailable while serving %s: %s",
            request.path,
            exception,
            exc_info=exception,
        )
        return database_unavailable_response(request)


_FAILED_MARK = "_healing_together_database_unavailable"


@receiver(got_request_exception, dispatch_uid="healing_together.database_unavailable")
def _mark_database_failure(sender, request=None, **kwargs):
    """Called inside Django's exception handling: sys.exc_info() is the error."""
    if request is not None and is_database_unavailable(sys.exc_info()[1]):
        setattr(request, _FAILED_MARK, True)


def database_unavailable_response(request):
    close_broken_connections()
    language = visitor_language(request)
    path = "/" + request.path.lstrip("/")  # never a protocol-relative "//host" link
    if request.method in ("GET", "HEAD") and request.META.get("QUERY_STRING"):
        path = f"{path}?{request.META['QUERY_STRING']}"
    with translation.override(language):
        html = render_to_string(
            "503.html",
            {
                "site_name": settings.SITE_NAME,
                "helplines": reference_helplines(language),
                "retry_path": path,
            },
        )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = language
    response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    return response


def close_broken_connections():
    """Close connections a database error left unusable (or that outlived CONN_MAX_AGE).

    A connection inside a transaction is left to whoever opened it (in tests, the test's own
    transaction); Django's request_finished handler checks the others again.
    """
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            try:
                conn.close_if_unusable_or_obsolete()
            except DatabaseError:
                logger.warning("Could not close a broken connection to %s.", conn.alias)


@functools.cache
def reference_helplines(language):
    """The header strip's helplines for a language, from fixtures/reference/helplines.json.

    The 503 page cannot ask the database which lines editors chose, so it shows the reference
    list shipped with the code; 112 alone if the file cannot be read.
    """
    fallback = [{"number": "112", "dial": "112", "name": "112", "hours": ""}]
    try:
        data = json.loads(HELPLINES_FILE.read_text(encoding="utf-8"))
        lines = sorted(
            (line for line in data["helplines"] if language in line.get("strip_languages", [])),
            key=lambda line: line.get("order", 0),
        )
        return [
            {
                "number": line["number"],
                "dial": line["dial"],
                "name": line["name"].get(language) or line["number"],
                "hours": line.get("hours", {}).get(language, ""),
                "is_emergency": line.get("is_emergency", False),
            }
            for line in lines
        ] or fallback
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        logger.exception("Could not read %s; the 503 page shows 112 only.", HELPLINES_FILE)
        return fallback
