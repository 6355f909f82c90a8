"""The admin home's "Needs attention" panel: what editors should look at, with links.

Each app that has something to show offers an `attention_items(user)` function in its own
`dashboard` module, listed once in `sections()` below. An item is a count and a link to the admin
list filtered to exactly those objects; items the user may not see are left out by the app.
"""

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


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
    found = [{"title": str(title), "items": items(user)} for title, items in sections()]
    return [section for section in found if section["items"]]


def sections():
    """(title, the app's attention_items) of the panel's sections, in this order.

    Imported here, when the panel is shown: the apps' dashboard modules import this one.
    """
    from articles import dashboard as articles
    from directory import dashboard as directory

    return [
        (_("Directory"), directory.attention_items),
        (_("Articles"), articles.attention_items),
    ]
