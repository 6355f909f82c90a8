"""Belgian postcodes: four digits. The one parser that forms, filters and imports use."""

import re

_POSTCODE = re.compile(r"[0-9]{4}")


def parse_postcode(text):
    """The postcode in `text` (spaces around it ignored), or None when it is not four digits.

    Whether Statbel knows it is a question for the database: `Municipality.objects.for_postcode`.
    """
    text = (text or "").strip()
    return text if _POSTCODE.fullmatch(text) else None
