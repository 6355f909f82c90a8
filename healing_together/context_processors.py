from django.conf import settings


def site(request):
    """Site-wide facts for every template: names and contacts."""
    return {
        "site": {
            "name": settings.SITE_NAME,
            "contact_email": settings.CONTACT_EMAIL,
            "editors_email": settings.EDITORS_EMAIL,
            "controller": settings.PRIVACY_CONTROLLER,
            "controller_address": settings.PRIVACY_CONTROLLER_ADDRESS,
        },
        "default_language": settings.LANGUAGE_CODE,
    }
