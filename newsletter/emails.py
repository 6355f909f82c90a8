"""The newsletter's emails: each in the subscriber's language, with HTML and plain-text parts.

Every email to a subscriber carries a one-click unsubscribe link, and the RFC 8058 headers
that let mail programs show their own unsubscribe button.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac

from healing_together.public_forms import over_limit

from . import tokens
from .conf import setting

logger = logging.getLogger(__name__)


def site_url(request=None):
    """The public address links in emails start with: SITE_URL, or the address asked for."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return ""


def absolute(path, base):
    return f"{base}{path}"


def subscriber_urls(subscriber, base):
    """The links every email to this subscriber may need, in their language."""
    with translation.override(subscriber.language):
        return {
            "site_url": absolute(reverse("home"), base),
            "subscribe_url": absolute(reverse("newsletter:subscribe"), base),
            "privacy_url": absolute(reverse("privacy"), base),
            "helplines_url": absolute(reverse("directory:helplines"), base),
            "unsubscribe_url": absolute(
                reverse(
                    "newsletter:unsubscribe",
                    kwargs={"token": tokens.unsubscribe_token(subscriber)},
                ),
                base,
            ),
        }


def build(subscriber, template, context, *, list_headers=True, connection=None):
    """An email from templates/newsletter/email/<template>.{subject.txt,txt,html}."""
    with translation.override(subscriber.language):
        context = {"subscriber": subscriber, "site": {"name": settings.SITE_NAME}, **context}
        subject = render_to_string(f"newsletter/email/{template}.subject.txt", context)
        subject = " ".join(subject.split())
        context["subject"] = subject
        text = render_to_string(f"newsletter/email/{template}.txt", context)
        html = render_to_string(f"newsletter/email/{template}.html", context)
    headers = {"Auto-Submitted": "auto-generated"}
    if list_headers:
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[subscriber.email],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(html, "text/html")
    return message


def confirmation(subscriber, base):
    urls = subscriber_urls(subscriber, base)
    with translation.override(subscriber.language):
        confirm_url = absolute(
            reverse("newsletter:confirm", kwargs={"token": tokens.confirm_token(subscriber)}),
            base,
        )
    hours = setting("CONFIRM_MAX_AGE") // 3600
    return build(
        subscriber,
        "confirm",
        {
            **urls,
            "confirm_url": confirm_url,
            "hours": hours,
            "days": setting("UNCONFIRMED_DAYS"),
        },
        list_headers=False,
    )


def already_subscribed(subscriber, base):
    return build(subscriber, "already_subscribed", subscriber_urls(subscriber, base))


def may_mail(email):
    """Count a sign-up email to this address; False once it had enough this hour.

    The same counter as the forms' per-address limits (so the same answer when the cache is
    down: the email is sent). The address is counted only as a keyed hash.
    """
    digest = salted_hmac("newsletter.mail-limit", email.lower(), algorithm="sha256").hexdigest()
    rate = f"{setting('MAILS_PER_ADDRESS_PER_HOUR')}/h"
    return not over_limit("newsletter.mails", rate, digest)


def send_signup_mail(subscriber, already_confirmed, base):
    """The confirmation email, or for a confirmed subscriber a harmless "already subscribed".

    Both cases send one email, after the visitor's answer (signup.py). A failure is logged:
    the visitor, who gets no email, can sign up again.
    """
    if not may_mail(subscriber.email):
        return
    builder = already_subscribed if already_confirmed else confirmation
    try:
        builder(subscriber, base).send()
    except Exception:  # SMTP errors are many
        logger.exception("A newsletter sign-up email could not be sent.")
