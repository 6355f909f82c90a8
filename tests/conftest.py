import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from healing_together.cache import versioned_copies

from .factories import load_taxonomies_and_helplines, make_geography


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language, whatever an earlier test activated
    (a test that reads a translated field without choosing a language would otherwise
    depend on the order the tests run in)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (filter options are cached per language)."""
    cache.clear()
    versioned_copies.clear()
    yield
    cache.clear()
    versioned_copies.clear()


@pytest.fixture
def reference(db):
    """A small slice of real reference data: geography, taxonomies, helplines."""
    make_geography()
    load_taxonomies_and_helplines()


@pytest.fixture
def live_reference(transactional_db):
    make_geography()
    load_taxonomies_and_helplines()


@pytest.fixture
def english_admin(request):
    """The admin in English for the test's clients, whose messages the test reads (the catalogs
    translate them). Use with `pytestmark = pytest.mark.usefixtures("english_admin")`."""
    for name in ("admin_client", "editor_client", "client"):
        if name in request.fixturenames:
            request.getfixturevalue(name).defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def no_statement_timeout(db):
    """PostgreSQL: no statement timeout during this test (the site's is 5 s, settings.py).

    For tests that write thousands of rows in their one transaction: at teardown, Django checks
    every deferred constraint in one statement, which on a busy CI machine can take longer
    than the site's bound for a page's query. The SET ends with the test's transaction.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")


@pytest.fixture
def otp_login():
    """Log a test client in as a user *and* mark the session verified by a TOTP device.

    The admin requires two-factor authentication: a plain `client.force_login(user)` is not
    enough to reach /admin/. `otp_login(client, user)` gives the user a confirmed TOTP device
    (or reuses theirs) and does what the OTP login form does on success: it stores the device
    in the session. Returns the device.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def login(client, user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test device", confirmed=True)
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return device

    return login


@pytest.fixture
def admin_client(db, admin_user, otp_login):
    """pytest-django's `admin_client` (a superuser), also verified by a TOTP device."""
    from django.test import Client

    client = Client()
    otp_login(client, admin_user)
    return client


@pytest.fixture
def otp_admin_client(admin_client):
    """The same client as `admin_client`, for tests that want to say it."""
    return admin_client


@pytest.fixture
def editor_user(db):
    """A staff user in the "Editor" group only (healing_together/roles.py), not a superuser."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(
        "editor", "editor@example.org", "correct horse battery staple", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editor"))
    return user


@pytest.fixture
def editor_client(db, editor_user, otp_login):
    """A client signed in as `editor_user`, verified by a TOTP device."""
    from django.test import Client

    client = Client()
    otp_login(client, editor_user)
    return client


@pytest.fixture(scope="session", autouse=True)
def _static_files_through_whitenoise():
    """Let the live server serve static files as production does.

    pytest-django wraps its live server in Django's StaticFilesHandler, which looks files up by
    their source names and so cannot find the hashed names that production templates use.
    Handing every request to the WSGI application lets WhiteNoise serve them, with their
    real caching headers.
    """
    from django.contrib.staticfiles.handlers import StaticFilesHandler

    original = StaticFilesHandler._should_handle
    StaticFilesHandler._should_handle = lambda self, path: False
    yield
    StaticFilesHandler._should_handle = original


REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache(settings):
    """The default cache on the real Redis (database 15), under a key prefix of its own.

    Skips when no Redis listens on 127.0.0.1:6379; removes its keys afterwards.
    """
    import uuid

    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
        }
    }
    yield cache
    cache.delete_pattern("*")


def pytest_terminal_summary(terminalreporter):
    """The fuzz suites' figures (tests/fuzzing.py), when they ran: cases tried and 5xx."""
    from . import fuzzing

    if fuzzing.TALLY["requests"]:
        terminalreporter.write_line(
            f"fuzz: {fuzzing.TALLY['requests']} requests sent, "
            f"{fuzzing.TALLY['server_errors']} answered 5xx or raised; by status: "
            + ", ".join(f"{code}: {n}" for code, n in sorted(fuzzing.TALLY["statuses"].items()))
        )
