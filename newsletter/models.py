"""Newsletter subscribers, with what proves their consent and nothing more.

No IP address is kept: the sign-up form's rate limit counts requests in the cache under a
hashed key, and the proof of consent is the double opt-in itself (the asked and confirmed
moments, the consent text version and the language).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Audience, Province, Region

from . import consent
from .querysets import SubscriberQuerySet


def new_key():
    return secrets.token_urlsafe(24)


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")

    email = models.EmailField(_("email address"), max_length=254)
    language = models.CharField(_("language"), max_length=7, choices=settings.LANGUAGES)
    # Interests: none chosen means everything.
    regions = models.ManyToManyField(
        Region, blank=True, related_name="+", verbose_name=_("regions")
    )
    provinces = models.ManyToManyField(
        Province, blank=True, related_name="+", verbose_name=_("provinces")
    )
    audiences = models.ManyToManyField(
        Audience, blank=True, related_name="+", verbose_name=_("audiences")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    # The secret that signed links (confirm, unsubscribe) carry. A new sign-up after an
    # unsubscription is a new row with a new key, so old links never touch it.
    key = models.CharField(max_length=64, unique=True, default=new_key, editable=False)
    consent_version = models.CharField(_("consent text version"), max_length=20)
    asked_at = models.DateTimeField(_("asked on"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True)
    last_digest_at = models.DateTimeField(_("last digest"), null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-asked_at", "-pk"]
        verbose_name = _("newsletter subscriber")
        verbose_name_plural = _("newsletter subscribers")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="newsletter_subscriber_email_unique"),
        ]
        indexes = [models.Index(fields=["status", "asked_at"])]

    def __str__(self):
        # Not the address: the admin's log keeps this text after a subscriber is erased.
        return _("Subscriber %(number)s") % {"number": self.pk}

    @property
    def is_confirmed(self):
        return self.status == self.Status.CONFIRMED

    @property
    def consent_text(self):
        return consent.text(self.consent_version)

    def confirm(self):
        """Confirm a pending subscription; False when it was not pending any more."""
        now = timezone.now()
        updated = Subscriber.objects.filter(pk=self.pk, status=self.Status.PENDING).update(
            status=self.Status.CONFIRMED, confirmed_at=now
        )
        if updated:
            self.status, self.confirmed_at = self.Status.CONFIRMED, now
        return bool(updated)

    def digest_since(self):
        """The moment after which news is new to this subscriber."""
        return self.last_digest_at or self.confirmed_at or self.asked_at
