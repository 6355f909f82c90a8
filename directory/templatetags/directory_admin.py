"""The admin home's "Needs attention" panel: what editors should look at, with links.

Each item is a count and a link to the admin list filtered to exactly those objects. Items for
models that are not installed (or not yet migrated into the code) are left out, so the panel
works whichever apps exist; items the user may not see are left out too.
"""

from urllib.parse import urlencode

from django import template
from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

register = template.Library()


def _model(app_label, model_name):
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None


def _changelist(model, **query):
    try:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode(query)}" if query else url


def _can_view(user, model):
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or user.has_perm(
        f"{opts.app_label}.change_{opts.model_name}"
    )


def _has_field(model, name):
    return any(field.name == name for field in model._meta.get_fields())


def _item(label, count, url):
    return {"label": label, "count": count, "url": url}


def directory_items(user):
    from directory.models import Group

    items = []
    proposal = _model("directory", "Proposal")
    if proposal is not None and _has_field(Group, "review") and _can_view(user, proposal):
        items.append(
            _item(
                _("Proposed groups waiting for review"),
                Group.objects.filter(review="pending").count(),
                _changelist(proposal, review="pending"),
            )
        )
    report = _model("directory", "CorrectionReport")
    if report is not None and _can_view(user, report):
        reports = report._default_manager.all()
        reports = reports.open() if hasattr(reports, "open") else reports.filter(status="open")
        items.append(
            _item(
                _("Open correction reports"),
                reports.count(),
                _changelist(report, status="open"),
            )
        )
    if not _can_view(user, Group):
        return items
    groups = Group.objects.all()
    items.append(
        _item(
            _("Listings to verify (not verified for %(days)d days)")
            % {"days": settings.GROUP_STALE_AFTER_DAYS},
            groups.needs_verification().count(),
            _changelist(Group, freshness="stale"),
        )
    )
    items.append(
        _item(
            _("Published listings hidden for staleness (not verified for %(days)d days)")
            % {"days": settings.GROUP_HIDDEN_AFTER_DAYS},
            groups.hidden_for_staleness().count(),
            _changelist(Group, freshness="hidden"),
        )
    )
    for code, name in settings.LANGUAGES:
        items.append(
            _item(
                _("Groups without a name, summary or description in %(language)s")
                % {"language": name},
                groups.missing_translation(code).count(),
                _changelist(Group, **{f"missing_{code}": "1"}),
            )
        )
    return items


def article_items(user):
    article = _model("articles", "Article")
    if article is None or not _can_view(user, article):
        return []
    from articles.querysets import translated_in

    items = []
    scheduled = article._default_manager.filter(status="scheduled", publish_at__gt=timezone.now())
    items.append(
        _item(
            _("Articles scheduled for later"),
            scheduled.count(),
            _changelist(article, status__exact="scheduled", visible="no"),
        )
    )
    for code, name in settings.LANGUAGES:
        items.append(
            _item(
                _("Articles not translated into %(language)s") % {"language": name},
                article._default_manager.exclude(translated_in(code)).count(),
                _changelist(article, missing=code),
            )
        )
    return items


@register.simple_tag(takes_context=True)
def needs_attention(context):
    """[{"title", "items": [{"label", "count", "url"}]}] for the signed-in editor."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_active or not user.is_staff:
        return []
    sections = [
        {"title": _("Directory"), "items": directory_items(user)},
        {"title": _("Articles"), "items": article_items(user)},
    ]
    return [section for section in sections if section["items"]]
