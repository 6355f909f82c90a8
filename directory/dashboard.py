"""The directory's items in the admin home's "Needs attention" panel (see healing_together)."""

from django.conf import settings
from django.utils.translation import gettext as _

from healing_together.dashboard import can_view, changelist_url, item

from .models import CorrectionReport, Group, Proposal


def attention_items(user):
    items = []
    if can_view(user, Proposal):
        items.append(
            item(
                _("Proposed groups waiting for review"),
                Group.objects.filter(review=Group.Review.PENDING).count(),
                changelist_url(Proposal, review="pending"),
            )
        )
    if can_view(user, CorrectionReport):
        items.append(
            item(
                _("Open correction reports"),
                CorrectionReport.objects.open().count(),
                changelist_url(CorrectionReport, status="open"),
            )
        )
    if not can_view(user, Group):
        return items
    groups = Group.objects.all()
    items.append(
        item(
            _("Listings to verify (not verified for %(days)d days)")
            % {"days": settings.GROUP_STALE_AFTER_DAYS},
            groups.needs_verification().count(),
            changelist_url(Group, freshness="stale"),
        )
    )
    items.append(
        item(
            _("Published listings hidden for staleness (not verified for %(days)d days)")
            % {"days": settings.GROUP_HIDDEN_AFTER_DAYS},
            groups.hidden_for_staleness().count(),
            changelist_url(Group, freshness="hidden"),
        )
    )
    for code, name in settings.LANGUAGES:
        items.append(
            item(
                _("Groups without a name, summary or description in %(language)s")
                % {"language": name},
                groups.missing_translation(code).count(),
                changelist_url(Group, **{f"missing_{code}": "1"}),
            )
        )
    return items
