"""What the fuzz suites share: the public surface read from the code, hostile values, and one
way to send a request that counts it and fails on a 5xx or on an exception.

The surface is worked out, not listed: query keys from the filter forms (the page cache's
`query_keys`, the one list of keys some page reads), form fields from the form classes,
pages from the URLconf. A new filter, field or page is fuzzed without touching the suites.
"""

import collections
import string
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from healing_together.page_cache import query_keys

# Fixed examples (derandomize): the same cases on every run and in CI, no example database.
# EXAMPLES per test keeps a suite of four tests to about half a minute per database.
EXAMPLES = 80
FUZZ = hypothesis_settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    # No shrinking: a request of a thousand keys takes a while, and shrinking one that fails
    # takes minutes. The failing case is printed as found (its draws and the response).
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)

# Every request sent and every 5xx (or exception) seen: the terminal summary prints them
# (tests/conftest.py), so a run reports "cases tried, 5xx".
TALLY = {"requests": 0, "server_errors": 0, "statuses": collections.Counter()}

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def send(client, method, path, **kwargs):
    """client.generic(...), counted. A 5xx or an exception escaping the client fails."""
    TALLY["requests"] += 1
    try:
        response = client.generic(method, path, **kwargs)
    except Exception:
        TALLY["server_errors"] += 1
        raise
    TALLY["statuses"][response.status_code] += 1
    if response.status_code >= 500:
        TALLY["server_errors"] += 1
        raise AssertionError(f"{method} {path} answered {response.status_code}")
    return response


COOKIE_NAMES = [settings.CSRF_COOKIE_NAME, settings.SESSION_COOKIE_NAME, "messages", "x"]


@st.composite
def cookies(draw):
    """Cookies a visitor could send: the site's names with junk values, unknown ones."""
    names = draw(st.lists(st.sampled_from(COOKIE_NAMES), unique=True, max_size=3))
    ascii_junk = st.text(string.printable.replace(";", "").replace("\r", ""), max_size=80)
    return {name: draw(ascii_junk) for name in names}


def clients():
    """Clients as visitors come: without CSRF enforcement (fields reach validation) mostly,
    and with it (the CSRF check reads the body first)."""
    return st.sampled_from([False, False, False, True]).map(
        lambda csrf: Client(enforce_csrf_checks=csrf)
    )


# --- the surface --------------------------------------------------------------------------


def named_patterns(resolver=None, namespace=""):
    """(view name, pattern) of every named URL, admin left out (its own suites cover it)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def public_paths(arguments):
    """Every named page in every language, its URL arguments taken from `arguments`
    ({argument name: value}, or {view name: {argument name: value}} where they differ; a
    value may be a function of the language, for translated slugs)."""
    paths = []
    for name, pattern in named_patterns():
        converters = list(getattr(pattern.pattern, "converters", {}))
        given = {key: arguments.get(name, {}).get(key, arguments.get(key)) for key in converters}
        for language in LANGUAGES:
            kwargs = {
                key: value(language) if callable(value) else value for key, value in given.items()
            }
            with translation.override(language):
                paths.append(reverse(name, kwargs=kwargs or None))
    return sorted(set(paths))


def paths_of(*names, **kwargs):
    paths = []
    for language in LANGUAGES:
        with translation.override(language):
            paths.extend(reverse(name, kwargs=kwargs or None) for name in names)
    return paths


def known_query_keys():
    """Every query key some page reads (single- and multi-valued), from the filter forms."""
    single, multiple = query_keys()
    return sorted(single | multiple)


def known_values(filtersets):
    """The values the filter forms know (their choices): real values reach the queries."""
    values = set()
    for filterset in filtersets:
        for field in filterset().form.fields.values():
            for choice in getattr(field, "choices", ()):
                values.add(str(choice[0]))
    return sorted(values)


def form_fields(form):
    """{name: a plausible value} for every field of a form (honeypot included, left empty)."""
    return {name: plausible(field) for name, field in form.fields.items()}


def plausible(field):
    """A value this field accepts on its own, so fuzzed neighbours reach the form's rules."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        return [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:2]]
    if isinstance(field, forms.MultipleChoiceField):
        return [str(value) for value, _label in list(field.choices)[:2]]
    if isinstance(field, forms.ChoiceField):
        values = [str(value) for value, _label in field.choices if value != ""]
        return values[0] if values else ""
    if isinstance(field, forms.BooleanField):
        return "on"
    if isinstance(field, forms.EmailField):
        return "fuzz@example.org"
    if isinstance(field, forms.URLField):
        return "https://example.org"
    if isinstance(field, forms.TimeField):
        return "14:00"
    if isinstance(field, forms.DateField):
        return "2026-01-31"
    if isinstance(field, forms.DecimalField | forms.IntegerField):
        return "3"
    if field.required:
        return "Fuzz"
    return ""


# --- hostile values -----------------------------------------------------------------------

CONTROL = st.characters(codec=None, categories=["Cc", "Cf", "Zl", "Zp"])
# Any text Python can encode as UTF-8 (no lone surrogates: the client could not send them).
UNICODE = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)


@st.composite
def moments(draw):
    """Dates and ISO 8601 date-times, many impossible, with offsets real and not."""
    year = draw(st.integers(0, 10000))
    month = draw(st.integers(0, 13))
    day = draw(st.integers(0, 32))
    text = f"{year:04d}-{month:02d}-{day:02d}"
    if draw(st.booleans()):
        hour, minute, second = draw(st.tuples(*[st.integers(0, 61)] * 3))
        text += f"{draw(st.sampled_from('T '))}{hour:02d}:{minute:02d}:{second:02d}"
        text += draw(st.sampled_from(["", ".5", ".123456", ".1234567890123"]))
        offset = draw(st.integers(-30 * 60, 30 * 60))
        sign = "-" if offset < 0 else "+"
        hours, minutes = divmod(abs(offset), 60)
        text += draw(
            st.sampled_from(
                ["", "Z", f"{sign}{hours:02d}:{minutes:02d}", f"{sign}{hours:02d}{minutes:02d}"]
            )
        )
    return text


EDGE_MOMENTS = [
    "2026-01-01T00:00:00+16:00",
    "2026-01-01T00:00:00-25:00",
    "2026-01-01T00:00:00+14:00",
    "2026-01-01T00:00:00%2B16:00",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-14:00",
    "2026-02-30",
    "2026-01-01T24:00:00",
    "20260101",
    "-2026-01-01",
]


def huge():
    return st.builds(
        lambda text, times: text * times,
        st.sampled_from(["a", "9", "é", "😀", "\x00", "%", " ", "1050"]),
        st.integers(500, 20_000),
    )


def values(known=()):
    """A query or form value: known choices, unicode, control characters, NUL, huge text,
    numbers out of any range, dates and moments."""
    options = [
        UNICODE,
        st.text(CONTROL, min_size=1, max_size=5),
        huge(),
        moments(),
        st.sampled_from(EDGE_MOMENTS),
        st.integers(-(10**30), 10**30).map(str),
        st.sampled_from(["", " ", "0", "-1", "1e309", "NaN", "inf", "1,5", "true", "on"]),
    ]
    if known:
        options.insert(0, st.sampled_from(list(known)))
    return st.one_of(*options)


def keys(known):
    """A query or form key: mostly ones the code reads, some it does not."""
    return st.one_of(
        st.sampled_from(list(known)),
        st.sampled_from(list(known)),
        st.sampled_from(list(known)).map(lambda key: key + "[]"),
        st.text(string.ascii_letters + "_-[].", min_size=1, max_size=12),
        UNICODE.filter(bool),
    )


# Raw pieces of a query string: broken percent escapes, bytes that are not UTF-8, separators.
RAW_FRAGMENTS = ["%", "%G0", "%FF", "%C3", "%C3%28", "%00", "%0A", "+", "&", "&&", "=", ";", "%2B"]


@st.composite
def raw_queries(draw, known_keys, known_values=()):
    """A query string as bytes on the wire would give it: repeated keys, raw escapes."""
    pairs = draw(st.lists(st.tuples(keys(known_keys), values(known_values)), max_size=8))
    parts = []
    for key, value in pairs:
        how = draw(st.sampled_from(["quoted", "quoted", "as typed", "raw"]))
        if how == "quoted":  # as a browser sends it: "+" as %2B
            encoded = quote(value, safe=":")
        elif how == "as typed":  # "+16:00" read as " 16:00", "%2B16:00" as "+16:00"
            encoded = quote(value, safe=":+%=")
        else:
            encoded = quote(value[:3]) + draw(st.sampled_from(RAW_FRAGMENTS))
        parts.append(f"{quote(key)}={encoded}")
        # Repeated keys, up to past Django's limit on the number of fields (a 400).
        repeat = draw(st.sampled_from([0] * 8 + [1, 1, 30, settings.DATA_UPLOAD_MAX_NUMBER_FIELDS]))
        parts.extend([f"{quote(key)}={encoded}"] * repeat)
    return "&".join(parts)


# --- request bodies -----------------------------------------------------------------------

BOUNDARY = "fuzzBoundary7MA4YWxkTrZu0gW"


def pairs(fields):
    """[(key, value)] of a form's fields, a list value as repeated keys."""
    for key, value in fields.items():
        for one in value if isinstance(value, list) else [value]:
            yield str(key), str(one)


def urlencoded(fields, charset="utf-8"):
    def escape(text):
        return quote(text, encoding=charset, errors="replace")

    return "&".join(f"{escape(k)}={escape(v)}" for k, v in pairs(fields)).encode("ascii")


def multipart(fields, boundary=BOUNDARY, charset="utf-8", filename=False):
    lines = []
    for key, value in pairs(fields):
        disposition = f'form-data; name="{key}"'
        if filename:
            disposition += '; filename="fuzz.txt"'
        lines += [f"--{boundary}", f"Content-Disposition: {disposition}", "", value]
    lines += [f"--{boundary}--", ""]
    return "\r\n".join(lines).encode(charset, errors="replace")


def send_form(client, path, fields, as_multipart=False):
    if as_multipart:
        body, content_type = multipart(fields), f"multipart/form-data; boundary={BOUNDARY}"
    else:
        body, content_type = urlencoded(fields), "application/x-www-form-urlencoded"
    return send(client, "POST", path, data=body, content_type=content_type)


CHARSETS = ["utf-8", "utf-7", "latin-1", "iso-8859-1", "cp1252", "utf-16", "ascii", "bogus", ""]
FORM = "application/x-www-form-urlencoded"
MULTIPART_PART_HEADERS = [
    "Content-Type: text/plain; charset=utf-7",
    "Content-Type: text/plain; charset=bogus",
    "Content-Transfer-Encoding: base64",
    "Content-Transfer-Encoding: quoted-printable",
    "Content-Type: multipart/mixed; boundary=inner",
    'Content-Disposition: form-data; name="\x00"',
    "Content-Disposition: form-data",
    "Content-Length: -1",
]


@st.composite
def bodies(draw, fields):
    """(Content-Type, body): the form's fields in every wrong way a body can come."""
    fields = {**fields, **dict(draw(st.lists(st.tuples(UNICODE, values()), max_size=3)))}
    kind = draw(
        st.sampled_from(["charset", "latin-1 bytes", "multipart", "broken multipart"] * 4 + ["big"])
    )
    if kind == "big":  # past DATA_UPLOAD_MAX_MEMORY_SIZE
        size = (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2**21) + 1
        return FORM, urlencoded({**fields, "message": "a" * size})
    if kind == "charset":
        charset = draw(st.sampled_from(CHARSETS))
        encoding = charset if charset not in ("bogus", "", "utf-7") else "utf-8"
        return f"{FORM}; charset={charset}", urlencoded(fields, encoding)
    if kind == "latin-1 bytes":  # not percent-encoded at all, as a broken client sends them
        charset = draw(st.sampled_from(CHARSETS))
        text = "&".join(f"{k}={v}" for k, v in pairs(fields))
        return f"{FORM}; charset={charset}", text.encode("latin-1", errors="replace")
    charset = draw(st.sampled_from(["utf-8", "latin-1", "utf-16"]))
    body = multipart(fields, charset=charset, filename=draw(st.booleans()))
    if kind == "multipart":
        return f"multipart/form-data; boundary={BOUNDARY}; charset={charset}", body
    header_boundary = draw(
        st.sampled_from(
            [BOUNDARY, "other", "", '""', "x" * 200, "\x00", "é", BOUNDARY + "; boundary=a"]
        )
    )
    content_type = draw(
        st.sampled_from(
            [
                f"multipart/form-data; boundary={header_boundary}",
                "multipart/form-data",
                "multipart/form-data; boundary",
                f"multipart/mixed; boundary={header_boundary}",
                f"MULTIPART/FORM-DATA; BOUNDARY={header_boundary}",
            ]
        )
    )
    cut = draw(st.integers(0, len(body)))
    mutation = draw(st.sampled_from(["truncate", "part header", "no end", "junk", "nothing"]))
    if mutation == "truncate":
        body = body[:cut]
    elif mutation == "part header":
        header = draw(st.sampled_from(MULTIPART_PART_HEADERS)).encode("utf-8")
        marker = f"--{BOUNDARY}\r\n".encode()
        body = body.replace(marker, marker + header + b"\r\n", 1)
    elif mutation == "no end":
        body = body.replace(f"--{BOUNDARY}--".encode(), b"")
    elif mutation == "junk":
        body = body[:cut] + draw(st.binary(max_size=200)) + body[cut:]
    return content_type, body
