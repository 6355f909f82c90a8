"""How fresh a listing is: one rule for the public site, the admin and the editors' home page.

A group not verified for GROUP_STALE_AFTER_DAYS needs verification; one not verified for
GROUP_HIDDEN_AFTER_DAYS leaves the public site until an editor verifies it again.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Freshness(models.TextChoices):
    FRESH = "fresh", _("Fresh")
    STALE = "stale", _("Needs verification")
    HIDDEN = "hidden", _("Too old: off the site")


def stale_before(today=None):
    """Listings last verified before this day need verification."""
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=settings.GROUP_STALE_AFTER_DAYS)


def hidden_before(today=None):
    """Listings last verified before this day are off the public site."""
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=settings.GROUP_HIDDEN_AFTER_DAYS)


def freshness(last_verified, today=None):
    if last_verified < hidden_before(today):
        return Freshness.HIDDEN
    if last_verified < stale_before(today):
        return Freshness.STALE
    return Freshness.FRESH
