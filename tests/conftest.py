import pytest
from django.core.cache import cache

from .factories import load_taxonomies_and_helplines, make_geography


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (filter options are cached per language)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reference(db):
    """A small slice of real reference data: geography, taxonomies, helplines."""
    make_geography()
    load_taxonomies_and_helplines()


@pytest.fixture
def live_reference(transactional_db):
    make_geography()
    load_taxonomies_and_helplines()


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
