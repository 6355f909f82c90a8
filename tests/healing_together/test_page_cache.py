"""The page cache: anonymous visitors' pages served from the cache, never anyone's own page."""

import gzip

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.template import RequestContext, Template
from django.urls import path
from django.views.decorators.cache import never_cache

from articles.models import Article
from healing_together.cache import content_version
from healing_together.urls import urlpatterns as site_urlpatterns
from tests.factories import make_group

pytestmark = pytest.mark.django_db

LIST = "/nl/groepen/"


# --- A test URLconf: the site plus pages that each make a response personal ------------------


def form_page(request):
    return HttpResponse(Template("<form>{% csrf_token %}</form>").render(RequestContext(request)))


def message_page(request):
    messages.info(request, "Saved.")
    return HttpResponse("a message is waiting")


def user_page(request):
    return HttpResponse(f"signed in: {request.user.is_authenticated}")


def nonce_page(request):
    return HttpResponse(f"nonce {request.csp_nonce}")


@never_cache
def no_store_page(request):
    return HttpResponse("never store me")


def plain_page(request):
    return HttpResponse("plain")


def page_number_page(request):
    return HttpResponse(f"page {request.GET.get('page')}")


urlpatterns = site_urlpatterns + i18n_patterns(
    path("test-form/", form_page),
    path("test-message/", message_page),
    path("test-user/", user_page),
    path("test-nonce/", nonce_page),
    path("test-no-store/", no_store_page),
    path("test-plain/", plain_page),
    path("test-page-number/", page_number_page),
)
handler400 = "healing_together.views.bad_request"
handler404 = "healing_together.views.page_not_found"
handler500 = "healing_together.views.server_error"


@pytest.fixture(params=["locmem", "redis"])
def page_cache(request, settings, reference):
    """The page cache on, on the local-memory cache and on the real Redis."""
    if request.param == "redis":
        request.getfixturevalue("redis_cache")
    settings.PAGE_CACHE_SECONDS = 300
    settings.ROOT_URLCONF = __name__
    return request.param


@pytest.fixture
def groups(page_cache):
    return [make_group(audiences=["caregivers"]) for _ in range(3)]


def test_second_request_is_served_from_the_cache_without_a_query(
    client, groups, django_assert_num_queries
):
    first = client.get(LIST)
    assert first.status_code == 200
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(LIST)
    assert second.status_code == 200
    assert second["X-Cache"] == "hit"
    assert int(second["Age"]) >= 0
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_hits_are_served_gzipped_to_clients_that_accept_it(client, groups):
    first = client.get(LIST, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in first  # the page as rendered, never compressed by Django
    assert "Accept-Encoding" in first["Vary"]
    hit = client.get(LIST, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert hit["X-Cache"] == "hit"
    assert hit["Content-Encoding"] == "gzip"
    assert hit["Vary"] == first["Vary"]
    assert gzip.decompress(hit.content) == first.content
    assert len(hit.content) * 3 < len(first.content)
    if hit.has_header("Content-Length"):
        assert int(hit["Content-Length"]) == len(hit.content)
    plain = client.get(LIST, HTTP_ACCEPT_ENCODING="identity")
    assert plain["X-Cache"] == "hit"
    assert "Content-Encoding" not in plain
    assert plain.content == first.content


def test_head_is_served_from_the_cache_but_does_not_fill_it(client, groups):
    assert client.head(LIST)["X-Cache"] == "bypass"
    assert client.get(LIST)["X-Cache"] == "miss"
    assert client.head(LIST)["X-Cache"] == "hit"


def test_each_language_and_query_string_has_its_own_entry(client, groups):
    for url in (LIST, "/fr/groupes/", "/en/groups/", f"{LIST}?audience=caregivers"):
        assert client.get(url)["X-Cache"] == "miss", url
    assert b'lang="fr"' in client.get("/fr/groupes/").content
    assert client.get(f"{LIST}?audience=caregivers&kind=support")["X-Cache"] == "miss"
    # The same parameters in another order are the same page.
    assert client.get(f"{LIST}?kind=support&audience=caregivers")["X-Cache"] == "hit"
    assert client.get(f"{LIST}?audience=parents")["X-Cache"] == "miss"


def test_a_repeated_single_valued_key_is_keyed_on_the_value_the_page_reads(client, page_cache):
    """QueryDict.get reads the last value: ?page=1&page=2 is page 2, ?page=2&page=1 page 1."""
    url = "/nl/test-page-number/"
    first = client.get(f"{url}?page=1&page=2")
    assert (first["X-Cache"], first.content) == ("miss", b"page 2")
    second = client.get(f"{url}?page=2&page=1")
    assert (second["X-Cache"], second.content) == ("miss", b"page 1")
    same = client.get(f"{url}?page=2")
    assert (same["X-Cache"], same.content) == ("hit", b"page 2")


def test_the_values_of_a_multi_valued_key_are_sorted(client, groups):
    assert client.get(f"{LIST}?audience=parents&audience=caregivers")["X-Cache"] == "miss"
    assert client.get(f"{LIST}?audience=caregivers&audience=parents")["X-Cache"] == "hit"


def test_a_key_no_page_reads_is_neither_cached_nor_served_from_the_cache(client, groups):
    """Pages echo the whole query (links to the other languages): junk must not be stored
    for others, nor grow the cache, nor get another query's page."""
    assert client.get(LIST)["X-Cache"] == "miss"
    for n in range(20):
        response = client.get(f"{LIST}?utm_source=mail{n}&kind=support")
        assert response["X-Cache"] == "bypass"
        assert f"utm_source=mail{n}" in response.content.decode()  # its own links, fresh
    assert client.get(f"{LIST}?fbclid=x")["X-Cache"] == "bypass"
    assert client.get(LIST)["X-Cache"] == "hit"


def test_the_known_keys_are_the_filter_forms_and_the_pages(page_cache):
    from healing_together.page_cache import query_keys

    single, multiple = query_keys()
    assert {"q", "postcode", "within", "open", "sort", "page", "modified_after"} <= single
    assert {"untranslated"} <= single
    assert {"kind", "region", "province", "audience", "topic", "language"} <= multiple
    assert {"attendance", "cost", "facilitation"} <= multiple
    assert not single & multiple


def test_publishing_a_group_refreshes_the_cached_pages(client, groups):
    assert client.get(LIST)["X-Cache"] == "miss"
    assert client.get(LIST)["X-Cache"] == "hit"
    new = make_group(name_nl="Rouwgroep Zonnebloem", published=False)
    assert client.get(LIST)["X-Cache"] == "miss"
    assert "Zonnebloem" not in client.get(LIST).content.decode()
    new.published = True
    new.save()
    response = client.get(LIST)
    assert response["X-Cache"] == "miss"
    assert "Zonnebloem" in response.content.decode()


def test_every_content_change_bumps_the_version_and_other_apps_do_not(page_cache, groups):
    group = groups[0]
    before = content_version.get()
    group.topics.clear()
    assert content_version.get() > before

    before = content_version.get()
    group.delete()
    assert content_version.get() > before

    before = content_version.get()
    Article.objects.create(
        status="published", title_nl="Over rouw", slug_nl="over-rouw", body_nl="<p>Tekst</p>"
    )
    assert content_version.get() > before

    before = content_version.get()
    get_user_model().objects.create_user("someone", password="a-long-pass-phrase-42")
    assert content_version.get() == before


def test_a_page_with_a_form_is_never_cached(client, page_cache):
    for _ in range(2):
        response = client.get("/nl/test-form/")
        assert response["X-Cache"] == "bypass"
        assert response.cookies  # the CSRF cookie: this page belongs to one visitor
        assert "csrfmiddlewaretoken" in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/nl/test-message/", "/nl/test-user/", "/nl/test-nonce/", "/nl/test-no-store/"]
)
def test_personal_responses_are_never_cached(client, page_cache, url):
    for _ in range(2):
        client.cookies.clear()  # a new visitor each time
        assert client.get(url)["X-Cache"] == "bypass"


def test_waiting_messages_skip_the_cache(client, page_cache):
    assert client.get("/nl/test-plain/")["X-Cache"] == "miss"
    client.cookies["messages"] = "anything"
    response = client.get("/nl/test-plain/")
    assert "X-Cache" not in response


def test_staff_never_get_nor_fill_the_cache(client, groups):
    staff = get_user_model().objects.create_user(
        "editor", password="a-long-pass-phrase-42", is_staff=True
    )
    client.force_login(staff)
    response = client.get(LIST)
    assert response.status_code == 200
    assert "X-Cache" not in response
    anonymous = type(client)()
    assert anonymous.get(LIST)["X-Cache"] == "miss"  # the staff request stored nothing
    assert anonymous.get(LIST)["X-Cache"] == "hit"
    assert "X-Cache" not in client.get(LIST)  # and staff are not served the cached page


def test_cached_pages_keep_the_security_headers(client, groups):
    first = client.get(LIST, secure=True)
    hit = client.get(LIST, secure=True)
    assert hit["X-Cache"] == "hit"
    for header in (
        "Content-Security-Policy",
        "Strict-Transport-Security",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Cross-Origin-Resource-Policy",
        "Permissions-Policy",
        "X-Frame-Options",
    ):
        assert hit[header] == first[header], header
    assert "default-src 'none'" in hit["Content-Security-Policy"]
    assert not hit.cookies


def test_pages_outside_the_languages_and_other_hosts_are_not_mixed(client, groups):
    assert "X-Cache" not in client.get("/sitemap.xml")
    assert client.get(LIST, HTTP_HOST="localhost")["X-Cache"] == "miss"
    assert client.get(LIST, HTTP_HOST="127.0.0.1")["X-Cache"] == "miss"
    assert client.get(LIST, HTTP_HOST="evil.example").status_code == 400


def test_errors_and_posts_are_not_cached(client, groups):
    assert client.get("/nl/groepen/geen-groep/")["X-Cache"] == "bypass"
    assert "X-Cache" not in client.post(LIST)


def test_an_unreachable_cache_serves_the_page_uncached(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.ROOT_URLCONF = __name__
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    response = client.get("/nl/test-plain/")
    assert response.status_code == 200
    assert response["X-Cache"] == "bypass"


def test_the_cache_is_off_at_zero_seconds(client, groups, settings):
    settings.PAGE_CACHE_SECONDS = 0
    assert "X-Cache" not in client.get(LIST)
    assert "X-Cache" not in client.get(LIST)
