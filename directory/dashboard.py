"""The directory's items in the admin home's "Needs attention" panel (see healing_together)."""

from django.conf import settings
from django.utils.translation import ngettext

from healing_together.dashboard import can_view, changelist_url, item
from healing_together.i18n import language_name_in_sentence

from .models import CorrectionReport, Group, Proposal


def attention_items(user):
    items = []
    if can_view(user, Proposal):
        count = Group.objects.filter(review=Group.Review.PENDING).count()
        items.append(
            item(
                ngettext(
                    "proposed group waiting for review", "proposed groups waiting for review", count
                ),
                count,
                changelist_url(Proposal, review="pending"),
            )
        )
    if can_view(user, CorrectionReport):
        count = CorrectionReport.objects.open().count()
        items.append(
            item(
                ngettext("open correction report", "open correction reports", count),
                count,
                changelist_url(CorrectionReport, status="open"),
            )
        )
    if not can_view(user, Group):
        return items
    groups = Group.objects.listed()
    count = groups.needs_verification().count()
    items.append(
        item(
            ngettext(
                "listing to verify (not verified for %(days)d days)",
                "listings to verify (not verified for %(days)d days)",
                count,
            )
            % {"days": settings.GROUP_STALE_AFTER_DAYS},
            count,
            changelist_url(Group, freshness="stale"),
        )
    )
    count = groups.hidden_for_staleness().count()
    items.append(
        item(
            ngettext(
                "published listing hidden for staleness (not verified for %(days)d days)",
                "published listings hidden for staleness (not verified for %(days)d days)",
                count,
            )
            % {"days": settings.GROUP_HIDDEN_AFTER_DAYS},
            count,
            changelist_url(Group, freshness="hidden"),
        )
    )
    for code, _name in settings.LANGUAGES:
        count = groups.missing_translation(code).count()
        items.append(
            item(
                ngettext(
                    "group without a name, summary or description in %(language)s",
                    "groups without a name, summary or description in %(language)s",
                    count,
                )
                % {"language": language_name_in_sentence(code)},
                count,
                changelist_url(Group, **{f"missing_{code}": "1"}),
            )
        )
    return items
