"""Onboarding without a server: enrolment links, the authenticator app's setup and its emails.

A superuser invites a colleague from the admin (users_admin.py), or, for a lost phone, removes
a colleague's authenticator apps and sends a new link. Either way the colleague gets an email
with a signed link to /admin/welcome/<token>/ (onboarding_views.py), in the language chosen for
them: there they set a password (an invitation only), scan a QR code and type the first code.

A link is a `django.core.signing` token holding the user, the kind of link, the language and a
fingerprint of the account's sign-in state: its last sign-in and its confirmed authenticator
apps. It works for STAFF_ENROLMENT_LINK_DAYS days and only while that state is unchanged, so it
stops working once the authenticator is confirmed or the person has signed in. Reading a token
never raises: it answers what is wrong with it.
"""

import dataclasses
import enum
import logging
import math

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_totp.models import TOTPDevice

from .admin_site import confirmed_totp_devices

logger = logging.getLogger(__name__)

SALT = "healing_together.enrolment"
MAX_TOKEN_LENGTH = 400
DEVICE_NAME = "Authenticator app"


class Kind(enum.StrEnum):
    INVITATION = "invitation"  # set a password, then the authenticator app
    NEW_DEVICE = "new-device"  # a lost phone: the authenticator app only


class Problem(enum.StrEnum):
    INVALID = "invalid"  # tampered with, cut short, or for an account that is gone
    EXPIRED = "expired"
    USED = "used"  # the authenticator is set up, or the person signed in since


@dataclasses.dataclass
class Link:
    user: object = None
    kind: Kind = Kind.INVITATION
    language: str = ""
    problem: Problem | None = None


def max_age_seconds():
    return settings.STAFF_ENROLMENT_LINK_DAYS * 24 * 60 * 60


def language_codes():
    return [code for code, _name in settings.LANGUAGES]


def fingerprint(user):
    """What a link is tied to: it changes once the account signs in or confirms an app."""
    devices = ",".join(str(pk) for pk in confirmed_totp_devices(user).values_list("pk"))
    state = f"{user.pk}|{user.last_login}|{user.is_active}|{devices}"
    return salted_hmac(SALT, state, algorithm="sha256").hexdigest()[:24]


def make_token(user, kind, language):
    payload = {"u": user.pk, "k": str(kind), "l": language, "f": fingerprint(user)}
    return signing.dumps(payload, salt=SALT)


def read_token(token):
    """The `Link` a token stands for; its `problem` says when it cannot be used."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        return Link(problem=Problem.INVALID)
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age_seconds())
        problem = None
    except signing.SignatureExpired:
        payload = signing.loads(token, salt=SALT)  # the signature itself is good
        problem = Problem.EXPIRED
    except (signing.BadSignature, ValueError, UnicodeDecodeError):
        return Link(problem=Problem.INVALID)
    try:
        user_pk, kind, language, state = (
            payload["u"],
            Kind(payload["k"]),
            payload["l"],
            payload["f"],
        )
    except (TypeError, KeyError, ValueError):
        return Link(problem=Problem.INVALID)
    if language not in language_codes():
        return Link(problem=Problem.INVALID)
    link = Link(kind=kind, language=language, problem=problem)
    user = get_user_model().objects.filter(pk=user_pk, is_staff=True, is_active=True).first()
    if user is None:
        link.problem = Problem.INVALID
    elif problem is None and fingerprint(user) != state:
        link.problem = Problem.USED
    link.user = user
    return link


# --- The authenticator app ---------------------------------------------------------------------


def replace_devices(user):
    """A confirmed app for `user`, instead of any they had (manage.py create_editor)."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)


def pending_device(user):
    """The app being set up: unconfirmed until its first code is typed; made on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_key(device):
    """The device's key as an authenticator app reads it (base32, from the setup link)."""
    return device.config_url.split("secret=", 1)[1].split("&", 1)[0]


def grouped_key(device):
    """The key in groups of four characters, for typing it into the app by hand."""
    key = secret_key(device)
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device):
    """The setup link as an inline SVG QR code (drawn on the server, no script), dark on
    white also in the admin's dark theme (a scanner needs the contrast)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=4, light="#fff", omitsize=True, svgclass="ht-qr", lineclass=None
    )


def seconds_to_wait(device):
    """How long django_otp makes the person wait after wrong codes in a row (0: no wait)."""
    allowed, detail = device.verify_is_allowed()
    if allowed:
        return 0
    locked_until = (detail or {}).get("locked_until")
    if locked_until is None:
        return 1
    return max(1, math.ceil((locked_until - timezone.now()).total_seconds()))


def confirm_device(device, code):
    """True when `code` is right for the pending `device`: it becomes the person's only app."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(pk=device.pk).first()
        if device is None or not device.verify_token(code):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user_id).exclude(pk=device.pk).delete()
    return True


def remove_devices(user):
    """A lost phone: the person's apps stop working at once. Returns how many there were."""
    count, _detail = TOTPDevice.objects.filter(user=user).delete()
    return count


# --- The emails ---------------------------------------------------------------------------------


def base_url(request=None):
    """What links in emails start with: SITE_URL, or the address the admin was asked at."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return ""


def link_url(user, kind, language, base):
    token = make_token(user, kind, language)
    return base + reverse("admin:enrol", kwargs={"token": token})


def enrolment_email(user, kind, language, base, sender=None):
    """The email with the link, in `language`: plain text and HTML."""
    template = "invitation" if kind == Kind.INVITATION else "new_device"
    with translation.override(language):
        context = {
            "user": user,
            "sender": sender,
            "url": link_url(user, kind, language, base),
            "days": settings.STAFF_ENROLMENT_LINK_DAYS,
            "site": {"name": settings.SITE_NAME, "url": base},
            "admin_url": base + reverse("admin:index"),
            "language": language,
        }
        subject = render_to_string(f"admin/onboarding/email/{template}.subject.txt", context)
        subject = " ".join(subject.split())
        context["subject"] = subject
        text = render_to_string(f"admin/onboarding/email/{template}.txt", context)
        html = render_to_string(f"admin/onboarding/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=[user.email], headers={"Auto-Submitted": "auto-generated"}
    )
    message.attach_alternative(html, "text/html")
    return message


def send_enrolment_email(user, kind, language, base, sender=None):
    """Send the link; False (and an error in the log) when the mail server refused it."""
    try:
        enrolment_email(user, kind, language, base, sender).send()
    except Exception:  # SMTP errors are many
        logger.exception("An enrolment email could not be sent.")
        return False
    return True
