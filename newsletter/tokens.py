"""Signed tokens for the links in emails.

A confirmation token carries the subscriber's key and the moment it was made, and works for
CONFIRM_MAX_AGE. An unsubscribe token carries the key only and never expires: a link in an old
email must still stop the emails. Reading a token never raises: it answers what is wrong.
"""

import enum

from django.core import signing

from .conf import setting

CONFIRM_SALT = "newsletter.confirm"
UNSUBSCRIBE_SALT = "newsletter.unsubscribe"
MAX_TOKEN_LENGTH = 200


class Problem(enum.Enum):
    INVALID = "invalid"
    EXPIRED = "expired"


def confirm_token(subscriber):
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(subscriber.key)


def unsubscribe_token(subscriber):
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(subscriber.key)


def read_confirm_token(token):
    """(key, None) for a good token, (None, Problem) otherwise."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None, Problem.INVALID
    try:
        key = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(
            token, max_age=setting("CONFIRM_MAX_AGE")
        )
    except signing.SignatureExpired:
        return None, Problem.EXPIRED
    except (signing.BadSignature, ValueError):
        return None, Problem.INVALID
    return key, None


def read_unsubscribe_token(token):
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None, Problem.INVALID
    try:
        return signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token), None
    except (signing.BadSignature, ValueError):
        return None, Problem.INVALID
