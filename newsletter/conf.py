"""The newsletter's settings, read from settings.NEWSLETTER with these defaults."""

from django.conf import settings

DEFAULTS = {
    # Seconds a confirmation link keeps working.
    "CONFIRM_MAX_AGE": 48 * 60 * 60,
    # Sign-ups not confirmed after this many days are deleted by `purge_unconfirmed` (the
    # privacy page promises 7).
    "UNCONFIRMED_DAYS": 7,
    # Sign-ups per IP address (django-ratelimit syntax).
    "SIGNUP_RATE": "5/h",
    # Sign-up emails one address can receive per hour, whoever asks: nobody can use the form
    # to flood someone else's mailbox from many IP addresses.
    "MAILS_PER_ADDRESS_PER_HOUR": 3,
}


def setting(name):
    return getattr(settings, "NEWSLETTER", {}).get(name, DEFAULTS[name])
