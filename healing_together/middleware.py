from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse


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
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
