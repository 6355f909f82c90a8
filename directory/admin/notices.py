"""What the group form warns an editor about. The rules are on the model; this only words them.

Warnings never block a save: they are shown above the form, and after a save as a message.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext, ngettext

from healing_together.dashboard import changelist_url
from healing_together.i18n import languages_in_sentence

from ..models import CorrectionReport


@dataclass(frozen=True)
class Notice:
    text: str
    url: str = ""
    link: str = ""


def not_written_text(group):
    """The warning for a group whose card is missing a language, or "" when none is."""
    missing = group.languages_not_written()
    if not missing:
        return ""
    return gettext(
        "Not written in %(languages)s: visitors reading the site in that language see its "
        "name or summary in another language."
    ) % {"languages": languages_in_sentence(missing)}


def group_warnings(group):
    """What the edit form of a saved group says above its fields."""
    warnings = []
    if group.is_hidden_for_staleness:
        warnings.append(
            Notice(
                gettext(
                    "Off the public site: not verified for over %(days)d days. Check the "
                    "listing with its organiser, then set its last verification to today."
                )
                % {"days": settings.GROUP_HIDDEN_AFTER_DAYS}
            )
        )
    text = not_written_text(group)
    if text:
        warnings.append(Notice(text))
    count = group.correction_reports.open().count()
    if count:
        warnings.append(
            Notice(
                ngettext(
                    "%(count)d open correction report from a visitor.",
                    "%(count)d open correction reports from visitors.",
                    count,
                )
                % {"count": count},
                changelist_url(
                    CorrectionReport,
                    group__id__exact=group.pk,
                    status=CorrectionReport.Status.OPEN,
                ),
                ngettext("Read it", "Read them", count),
            )
        )
    return warnings


def published_warning(group):
    """The message after saving a published group that is missing a language, or ""."""
    if not group.published:
        return ""
    return not_written_text(group)
