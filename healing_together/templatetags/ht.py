import logging
from html import escape as html_escape

from django import template
from django.conf import settings
from django.db import DatabaseError
from django.template.loader import get_template
from django.urls import get_urlconf
from django.utils import translation
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from healing_together.cache import content_version, versioned_copies
from healing_together.i18n import alternate_paths, first_translation, language_label

register = template.Library()
logger = logging.getLogger(__name__)

# Shown when the database cannot be read: the one number that must never be missing.
EMERGENCY_FALLBACK = [{"number": "112", "dial": "112", "name": "112"}]


@register.simple_tag(takes_context=True)
def language_versions(context):
    """The current page in every language: for the switcher and the hreflang links.

    A view can pass `alternates` ({language: path}) when slugs differ per language, and
    `switcher` when a missing translation should lead somewhere else than nowhere.
    """
    request = context["request"]
    alternates = context.get("alternates") or alternate_paths(request)
    switcher = context.get("switcher") or alternates
    current = translation.get_language()
    # x-default: the default language's version, or the first that exists.
    x_default = settings.LANGUAGE_CODE if settings.LANGUAGE_CODE in alternates else None
    x_default = x_default or next(iter(alternates), None)
    versions = []
    for code, _name in settings.LANGUAGES:
        info = translation.get_language_info(code)
        path = switcher.get(code)
        versions.append(
            {
                "code": code,
                "name_local": info["name_local"],
                "path": path,
                "alternate": alternates.get(code),
                "absolute": request.build_absolute_uri(alternates[code])
                if code in alternates
                else None,
                "current": code == current,
                "x_default": code == x_default,
            }
        )
    return versions


@register.simple_tag(takes_context=True)
def helplines(context):
    """The page language's main helplines, read once per request; 112 if the database fails."""
    request = context.get("request")
    language = translation.get_language()
    memo = getattr(request, "_helplines", {}) if request is not None else {}
    if language not in memo:
        try:
            memo[language] = strip_helplines(language) or EMERGENCY_FALLBACK
        except DatabaseError:
            logger.warning("Helplines could not be read; showing 112 only.")
            memo[language] = EMERGENCY_FALLBACK
        if request is not None:
            request._helplines = memo
    return memo[language]


def strip_helplines(language):
    """[{number, dial, name}] of the strip's lines in `language`, cached until content changes.

    Every page shows them, and they change only when an editor edits a helpline (a directory
    model: that bumps the content version).
    """
    from directory.models import Helpline

    key = f"helplines:strip:{language}:{content_version.get()}"
    lines = versioned_copies.get(key)
    if lines is None:
        lines = [
            {"number": line.number, "dial": line.dial, "name": line.name}
            for line in Helpline.objects.for_strip(language)
        ]
        versioned_copies.set(key, lines, 24 * 60 * 60)
    return lines


@register.simple_tag(takes_context=True)
def helpline_strip(context):
    """The strip of helplines at the top of every page, rendered once per language and
    content version (it is the same for every page and visitor). The 112-only fallback of
    a failing database is rendered each time, so it never outlives the failure."""
    lines = helplines(context)
    if lines is EMERGENCY_FALLBACK:
        return _render_strip(lines)
    language = translation.get_language()
    key = f"helplines:strip-html:{language}:{get_urlconf()}:{content_version.get()}"
    html = versioned_copies.get(key)
    if html is None:
        html = _render_strip(lines)
        versioned_copies.set(key, str(html), 24 * 60 * 60)
    return mark_safe(html)  # noqa: S308 - rendered by the template above


def _render_strip(lines):
    return get_template("includes/_helpline_strip.html").render({"lines": lines})


@register.simple_tag
def lang_attr(obj, field):
    """` lang="xx"` when the field's text shown in this language comes from another language."""
    code, _text = first_translation(obj, field, [translation.get_language()])
    if code is None or code == translation.get_language():
        return ""
    return format_html(' lang="{}"', code)


@register.filter
def spoken_language(language):
    """A SpokenLanguage's name in the page's language, after its own name when that differs:
    "<span lang="ar" dir="rtl">العربية</span> — Arabic"; "Nederlands" on a Dutch page."""
    return language_label(language.code, language.native_name, language.name)


@register.simple_tag
def checkbox_fieldsets(facets):
    """A filter form's checkbox groups, from [{name, label, options: [{value, id, checked,
    display, count}]}] (GroupFilterSet.facets): a fieldset and legend per group, a labelled
    checkbox per option with its count.

    Built here in one pass rather than with template tags per option: a list page has some
    seventy options, and rendering each through the template engine was a tenth of the page.
    """
    html = []
    for facet in facets:
        name = _escaped(facet["name"])
        legend = _escaped(facet["label"])
        html.append(f'<fieldset class="facet">\n        <legend>{legend}</legend>')
        for option in facet["options"]:
            option_id = _escaped(option["id"])
            value = _escaped(option["value"])
            checked = " checked" if option["checked"] else ""
            html.append(
                '        <div class="checkbox">\n'
                f'          <input type="checkbox" name="{name}" value="{value}"'
                f' id="{option_id}"{checked}>\n'
                f'          <label for="{option_id}">{_escaped(option["display"])}'
                f' <span class="count">({_escaped(option["count"])})</span></label>\n'
                "        </div>"
            )
        html.append("      </fieldset>")
    return mark_safe("\n".join(html))  # noqa: S308 - every value above is escaped


@register.simple_tag
def select_menu(field):
    """A bound choice field's `<select>`, built in one pass like `checkbox_fieldsets` (Django's
    widget templates render a template per option)."""
    chosen = field.value()
    chosen = "" if chosen is None else str(chosen)
    options = "".join(
        f'\n          <option value="{_escaped(value)}"'
        f"{' selected' if str(value) == chosen else ''}>{_escaped(label)}</option>"
        for value, label in field.field.choices
    )
    name, field_id = _escaped(field.html_name), _escaped(field.id_for_label)
    html = f'<select name="{name}" id="{field_id}">{options}\n        </select>'
    return mark_safe(html)  # noqa: S308 - every value above is escaped


def _escaped(value):
    """conditional_escape without its lazy-string wrapper (some seventy options a page)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html_escape(str(value))


@register.filter
def distance(km):
    """A distance in km for a visitor, rounded as its precision allows: "≈ 12 km", "< 1 km"."""
    if km is None or km == "":
        return ""
    if km < 1:
        return gettext("< 1 km")
    whole = round(km)
    return ngettext("≈ %(km)s km", "≈ %(km)s km", whole) % {"km": number_format(whole)}
