import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

SITE = "https://healing-together.example"


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = SITE
    return SITE


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def signup_data(**overrides):
    data = {"email": "anna@example.be", "language": "en", "consent": "on", "website": ""}
    data.update(overrides)
    return data


def links_in(message):
    return re.findall(r"https?://\S+", message.body)


def confirm_link(message):
    return next(link for link in links_in(message) if "/confirm" in link or "/bevestig" in link)


def only_mail():
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    return mail.outbox[0]


def input_tag(html, name, value=None):
    """The first <input> with this name (and value)."""
    for tag in re.findall(r"<input\b[^>]*>", html):
        if f'name="{name}"' in tag and (value is None or f'value="{value}"' in tag):
            return tag
    raise AssertionError(f"no input {name}={value}")
