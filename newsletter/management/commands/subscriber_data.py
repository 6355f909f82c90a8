"""Data requests (GDPR articles 15, 17 and 20): what we hold about one address, or erase it."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from newsletter.models import Subscriber


def export(subscriber):
    def names(objects, key):
        return [{"code": getattr(o, key), "name": o.name} for o in objects]

    with translation.override(subscriber.language):
        return {
            "email": subscriber.email,
            "status": subscriber.status,
            "language": subscriber.language,
            "interests": {
                "regions": names(subscriber.regions.all(), "code"),
                "provinces": names(subscriber.provinces.all(), "code"),
                "audiences": names(subscriber.audiences.all(), "slug"),
            },
            "consent": {
                "version": subscriber.consent_version,
                "text": str(subscriber.consent_text),
                "asked_at": subscriber.asked_at.isoformat(),
                "confirmed_at": iso(subscriber.confirmed_at),
            },
            "last_digest_at": iso(subscriber.last_digest_at),
        }


def iso(moment):
    return moment.isoformat() if moment else None


class Command(BaseCommand):
    help = (
        "Answer a data request for one email address: `export` prints everything the "
        "newsletter holds about it as JSON; `erase` deletes it at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("email")

    def handle(self, *args, action, email, **options):
        subscriber = Subscriber.objects.with_interests().by_email(email.strip()).first()
        if subscriber is None:
            raise CommandError(f"The newsletter holds no data for {email.strip()!r}.")
        if action == "export":
            self.stdout.write(json.dumps(export(subscriber), ensure_ascii=False, indent=2))
            return
        subscriber.delete()
        self.stdout.write(
            f"Erased the newsletter data of {email.strip()!r}: address, language, choices "
            "and proof of consent. Nothing else holds it."
        )
