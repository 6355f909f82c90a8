"""Language helpers: which language a path is in, and the same page in the other languages."""

import functools

from django.conf import settings
from django.urls import get_urlconf, translate_url
from django.utils.translation import (
    get_language_info,
    get_supported_language_variant,
    pgettext_lazy,
)
from django.utils.translation.trans_real import parse_accept_lang_header

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
# A browser that asks only for languages the site lacks (Arabic, Ukrainian, Turkish…) is more
# likely to read English than Dutch. A browser that asks for nothing (or `*`) gets
# settings.LANGUAGE_CODE.
FALLBACK_LANGUAGE = "en"

# ISO 639 codes of languages written right to left, for `dir` on a name in that language
# (Django's LANG_INFO knows only the languages it is translated into).
RTL_LANGUAGES = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "ks", "prs", "ps", "sd", "syr", "ug", "ur", "yi"}
)


# A site language's name inside a sentence ("not translated into Dutch", "write it in French"):
# French writes it in lower case there ("en néerlandais"), unlike settings.LANGUAGES' names,
# which start a label or an item of a list ("Néerlandais").
_NAMES_IN_SENTENCE = {
    "nl": pgettext_lazy("language name inside a sentence", "Dutch"),
    "fr": pgettext_lazy("language name inside a sentence", "French"),
    "en": pgettext_lazy("language name inside a sentence", "English"),
}


def language_name_in_sentence(code):
    """The name of the site language `code` to put inside a sentence ("" for no language)."""
    if code in _NAMES_IN_SENTENCE:
        return _NAMES_IN_SENTENCE[code]
    return dict(settings.LANGUAGES).get(code, "")


def languages_in_sentence(codes):
    """ "Dutch and French" (in the active language), for a list of site language codes."""
    from django.utils.text import get_text_list
    from django.utils.translation import gettext

    return get_text_list([str(language_name_in_sentence(code)) for code in codes], gettext("and"))


def in_any_language(field, value):
    """A filter for `field` equal to `value` in any language (slugs differ per language)."""
    from django.db.models import Q

    query = Q()
    for code in LANGUAGE_CODES:
        query |= Q(**{f"{field}_{code}": value})
    return query


def every_translation(obj, field):
    """`field` of `obj` in every site language, in LANGUAGES order ("" where it is empty)."""
    return [getattr(obj, f"{field}_{code}", "") or "" for code in LANGUAGE_CODES]


def first_translation(obj, field, preferred=()):
    """(language, text) of `field` in the first language that has it, `preferred` ones first.

    (None, "") when no language has it. The one rule behind "show the name in another language
    until an editor translates it" wherever a translated text is shown.
    """
    for code in (*preferred, *LANGUAGE_CODES):
        value = getattr(obj, f"{field}_{code}", None) if code else None
        if value:
            return code, value
    return None, ""


def translated_fields(model):
    """The fields of `model` registered for translation (its app's translation.py).

    In the model's own field order (the registry keeps them unordered).
    """
    from modeltranslation.translator import translator

    registered = set(translator.get_options_for_model(model).fields)
    return tuple(f.name for f in model._meta.get_fields() if f.name in registered)


class TranslatedFields:
    """`Model.TRANSLATED_FIELDS`, read from the modeltranslation registry when first used.

    The registry fills in only once the apps are loaded, after the model classes exist.
    """

    def __get__(self, instance, owner):
        return translated_fields(owner)


def language_from_path(path):
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in LANGUAGE_CODES else None


def browser_language(accept_language):
    """The site language an Accept-Language header asks for; the one rule for every page.

    The languages are tried in the browser's order of preference (q values): the first the site
    has wins, regional variants included (fr-BE is fr), even when a language the site lacks
    comes first ("ar, fr;q=0.5" is fr). `*`, an empty or an unreadable header give
    settings.LANGUAGE_CODE; a header naming only languages the site lacks gives
    FALLBACK_LANGUAGE.
    """
    accepted = parse_accept_lang_header(accept_language or "")
    for code, q in accepted:
        if q <= 0:
            continue  # "not acceptable"
        if code == "*":
            return settings.LANGUAGE_CODE
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return FALLBACK_LANGUAGE if accepted else settings.LANGUAGE_CODE


def visitor_language(request):
    """The language to answer `request` in: its path's (/nl/…), else its browser's.

    Used by the root redirect, the locale middleware (paths without a prefix: /admin/, a
    mistyped /groepen/), the error pages and the 503 page. Whatever depends on the browser's
    header must say `Vary: Accept-Language`.
    """
    return language_from_path(request.path_info) or browser_language(
        request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    )


def alternate_paths(request, overrides=None, keep_query=True):
    """{language: path} of the current page in every language, with its query string
    (unless not `keep_query`: the error pages, whose request may have failed on its query).

    Pages whose slugs differ per language pass `overrides` ({language: path}); other pages
    are translated through their URL pattern. A path that cannot be translated (a 404) gives
    that language's home page.
    """
    query = request.GET.urlencode() if keep_query else ""
    suffix = f"?{query}" if query else ""
    if overrides is not None:
        return {code: path + suffix for code, path in overrides.items()}
    paths = {}
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    for code in LANGUAGE_CODES:
        path = _translated_path(request.path, code, urlconf)
        paths[code] = path + suffix if language_from_path(path) == code else f"/{code}/"
    return paths


@functools.lru_cache(maxsize=2048)
def _translated_path(path, code, urlconf):
    """translate_url for a path: the URLconf alone decides it, so each is worked out once.
    Every page asks for its path in every language (the switcher and the hreflang links)."""
    return translate_url(path, code)


def text_direction(code):
    """ "rtl" or "ltr": the direction text in the language `code` (ISO 639) is written in."""
    if code in RTL_LANGUAGES:
        return "rtl"
    try:
        return "rtl" if get_language_info(code)["bidi"] else "ltr"
    except KeyError:
        return "ltr"


def endonym(code, native_name, name):
    """{"endonym", "lang", "dir"} to show a language's own name beside `name`, its name in
    the page's language ("العربية — Arabic"); {} when there is no endonym or it reads the
    same as `name` (Nederlands on a Dutch page), so the name is shown once.
    """
    native_name = (native_name or "").strip()
    if not native_name or native_name.casefold() == str(name).strip().casefold():
        return {}
    return {"endonym": native_name, "lang": code, "dir": text_direction(code)}


def language_label(code, native_name, name):
    """`name`, after the language's own name when that differs, marked with its lang and dir:
    '<span lang="ar" dir="rtl">العربية</span> — Arabic'. The filter and the cards use it."""
    return _language_label(code, native_name, str(name))


@functools.lru_cache(maxsize=1024)
def _language_label(code, native_name, name):
    from django.utils.html import format_html

    own = endonym(code, native_name, name)
    if not own:
        return name
    return format_html(
        '<span lang="{}" dir="{}">{}</span> — {}', own["lang"], own["dir"], own["endonym"], name
    )
