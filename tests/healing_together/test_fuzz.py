"""Property: whatever a visitor sends, the site never answers 5xx and never raises.

Every public page, every query key some page reads and every field of every public form,
through the whole middleware stack (the test client, production settings), with hostile
values: unknown keys, repeated keys, unicode, NUL and other control characters, huge values,
impossible dates and time-zone offsets, broken percent escapes, bodies in other charsets,
malformed multipart bodies. The surface comes from the code (tests/fuzzing.py). Examples are
fixed (derandomize), so a run is the same everywhere; the terminal summary counts them.
"""

import pytest
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from articles.filters import ArticleFilterSet
from directory.filters import GroupFilterSet
from directory.forms import CorrectionForm, ProposalForm
from newsletter import tokens
from newsletter.forms import SubscribeForm
from tests import fuzzing
from tests.factories import make_article, make_group, make_network, make_subscriber

pytestmark = pytest.mark.django_db

FILTERSETS = (GroupFilterSet, ArticleFilterSet)
# The pages that read query keys (their filter forms, `page`, `modified_after`…).
FILTERED_PAGES = [
    "directory:group_list",
    "directory:data_json",
    "directory:data_csv",
    "directory:network_list",
    "articles:list",
    "articles:feed",
]


@pytest.fixture
def site(reference):
    """A few published groups (in person, online, with a schedule), an article, a network,
    a subscriber waiting for confirmation: what the pages list and link to."""
    group = make_group(audiences=["caregivers"], languages=["nl", "fr"])
    make_group(attendance="online", serves_regions=["brussels"], postal_code="")
    make_group(municipality_id=None, attendance="online", frequency="monthly", week_of_month=2)
    article = make_article()
    network = make_network()
    subscriber = make_subscriber()
    site = {
        "group": group,
        "article": article,
        "network": network,
        "confirm": tokens.confirm_token(subscriber),
        "unsubscribe": tokens.unsubscribe_token(subscriber),
    }
    # The surface, worked out once per test (not per example).
    site.update(
        paths=fuzzing.public_paths(arguments(site)),
        filtered_paths=fuzzing.paths_of(*FILTERED_PAGES),
        known_values=fuzzing.known_values(FILTERSETS),
        forms=public_forms(site),
    )
    return site


def arguments(site):
    """URL arguments per view name, for public_paths."""
    group, article = site["group"], site["article"]
    group_slug = {"slug": lambda language: group.localized_slug(language)}
    return {
        "pk": group.pk,
        "directory:group_detail": group_slug,
        "directory:group_ical": group_slug,
        "directory:group_correction": group_slug,
        "directory:group_correction_thanks": group_slug,
        "directory:network_detail": {"slug": site["network"].slug},
        "articles:detail": {"slug": lambda language: article.localized_slug(language)},
        "articles:preview": {"pk": article.pk},
        "newsletter:confirm": {"token": site["confirm"]},
        "newsletter:unsubscribe": {"token": site["unsubscribe"]},
    }


# --- query strings --------------------------------------------------------------------------

QUERY_KEYS = fuzzing.known_query_keys()


@fuzzing.FUZZ
@given(data=st.data())
def test_filtered_pages_never_fail_whatever_the_query(site, data):
    path = data.draw(st.sampled_from(site["filtered_paths"]), label="path")
    query = data.draw(fuzzing.raw_queries(QUERY_KEYS, site["known_values"]), label="query")
    client = data.draw(fuzzing.clients())
    fuzzing.send(client, "GET", f"{path}?{query}")


@fuzzing.FUZZ
@given(data=st.data())
def test_every_public_page_never_fails_whatever_the_query(site, data):
    path = data.draw(st.sampled_from(site["paths"]), label="path")
    query = data.draw(fuzzing.raw_queries(QUERY_KEYS), label="query")
    method = data.draw(st.sampled_from(["GET", "GET", "HEAD", "OPTIONS", "PUT", "DELETE"]))
    language = data.draw(st.sampled_from(["", "de", "nl-BE,fr;q=0.5", "*;q=x", "\x00", "é" * 300]))
    client = fuzzing.Client(headers={"accept-language": language} if language else None)
    for name, value in data.draw(fuzzing.cookies(), label="cookies").items():
        client.cookies[name] = value
    fuzzing.send(client, method, f"{path}?{query}")


# --- form fields ----------------------------------------------------------------------------


def public_forms(site):
    """{form path: {field: plausible value}}: every public form, its fields from its class."""
    group = site["group"]
    forms = {}
    for language in fuzzing.LANGUAGES:
        with translation.override(language):
            slug = {"slug": group.localized_slug(language)}
            forms[reverse("directory:propose")] = fuzzing.form_fields(ProposalForm())
            path = reverse("directory:group_correction", kwargs=slug)
            forms[path] = fuzzing.form_fields(CorrectionForm())
            forms[reverse("newsletter:subscribe")] = fuzzing.form_fields(SubscribeForm())
            # The footer's small form: the subscription form's address and language.
            start = fuzzing.form_fields(SubscribeForm())
            forms[reverse("newsletter:start")] = {k: start[k] for k in ("email", "language")}
            forms[reverse("newsletter:confirm", kwargs={"token": site["confirm"]})] = {}
            path = reverse("newsletter:unsubscribe", kwargs={"token": site["unsubscribe"]})
            forms[path] = {}
    forms[reverse("set_language")] = {"language": "fr", "next": "/fr/groupes/"}
    return forms


@st.composite
def form_posts(draw, forms):
    """A form's path and its fields: plausible values, some replaced by hostile ones, some
    left out, keys repeated, unknown keys added (the CSRF token among the known ones)."""
    path = draw(st.sampled_from(sorted(forms)))
    fields = dict(forms[path])
    known = sorted(fields) + ["csrfmiddlewaretoken"]
    for name in draw(st.lists(st.sampled_from(known), unique=True)):
        fields[name] = draw(
            st.one_of(
                fuzzing.values(),
                st.lists(fuzzing.values(), min_size=2, max_size=4),
                st.none(),
            )
        )
    extra = draw(st.lists(st.tuples(fuzzing.keys(known), fuzzing.values()), max_size=3))
    data = {name: value for name, value in fields.items() if value is not None}
    data.update(extra)
    return path, data


@fuzzing.FUZZ
@given(data=st.data())
def test_public_forms_never_fail_whatever_the_fields(site, data):
    path, fields = data.draw(form_posts(site["forms"]), label="form")
    client = data.draw(fuzzing.clients())
    fuzzing.send_form(client, path, fields, as_multipart=data.draw(st.booleans()))


# --- bodies: charsets and multipart ---------------------------------------------------------


@fuzzing.FUZZ
@given(data=st.data())
def test_public_forms_never_fail_whatever_the_body(site, data):
    forms = site["forms"]
    path = data.draw(st.sampled_from([*sorted(forms), *fuzzing.paths_of("directory:group_list")]))
    fields = forms.get(path) or {"q": "x"}
    content_type, body = data.draw(fuzzing.bodies(fields), label="body")
    client = data.draw(fuzzing.clients())
    fuzzing.send(client, "POST", path, data=body, content_type=content_type)
