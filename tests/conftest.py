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
