"""The admin home's "Needs attention" panel: what editors should look at, with links.

Each app that has something to show offers an `attention_items(user)` function in its own
`dashboard` module, listed once in SECTIONS below. An item is a count and a link to the admin
list filtered to exactly those objects; items the user may not see are left out by the app.
"""

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

# (title, dotted path of the app's attention_items): the panel's sections, in this order.
SECTIONS = [
    (_("Directory"), "directory.dashboard.attention_items"),
    (_("Articles"), "articles.dashboard.attention_items"),
]


def item(label, count, url):
    return {"label": label, "count": count, "url": url}


def changelist_url(model, **query):
    """The model's admin list, filtered by `query`; "" if the model has no admin."""
    try:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode(query)}" if query else url


def can_view(user, model):
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or user.has_perm(
        f"{opts.app_label}.change_{opts.model_name}"
    )


def needs_attention(user):
    """[{"title", "items": [{"label", "count", "url"}]}] for a signed-in editor."""
    if user is None or not user.is_active or not user.is_staff:
        return []
    sections = [
        {"title": str(title), "items": import_string(path)(user)} for title, path in SECTIONS
    ]
    return [section for section in sections if section["items"]]
