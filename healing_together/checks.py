"""System checks for settings that production needs but Django does not know about."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def site_url_is_set(app_configs, **kwargs):
    """Links in emails (proposals, corrections, newsletter digests) are built from SITE_URL."""
    if settings.SITE_URL.startswith("https://"):
        return []
    return [
        Warning(
            "SITE_URL is not an https:// address: links in emails would be wrong or insecure.",
            hint="Set SITE_URL to the site's public address, e.g. https://healing-together.be.",
            id="healing_together.W001",
        )
    ]
