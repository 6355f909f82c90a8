"""The consent wording, versioned.

A subscriber's record keeps the version they agreed to, so their proof of consent is the
exact text below. When the wording changes in substance, add a new version and make it
CURRENT; never edit or remove an old one.
"""

from django.utils.translation import gettext_lazy as _

TEXTS = {
    "2026-11": _(
        "I agree to receive the Healing Together newsletter by email, about new groups and "
        "articles. I can unsubscribe at any time with one click."
    ),
}
CURRENT = "2026-11"


def text(version):
    return TEXTS.get(version, "")
