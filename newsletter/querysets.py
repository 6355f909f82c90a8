"""Query logic of the newsletter, kept on QuerySets so views and commands stay thin."""

import datetime

from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.utils import timezone


class SubscriberQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status="pending")

    def confirmed(self):
        return self.filter(status="confirmed")

    def with_interests(self):
        return self.prefetch_related("regions", "provinces", "audiences")

    def by_email(self, email):
        """The subscriber with this address, whatever the case of its letters."""
        return self.annotate(email_lower=Lower("email")).filter(email_lower=email.lower())

    def by_key(self, key):
        return self.filter(key=key)

    def unconfirmed_before(self, moment):
        return self.pending().filter(asked_at__lt=moment)

    def stale_pending(self, days, now=None):
        """Sign-ups still waiting for confirmation `days` after they were last asked for."""
        now = now or timezone.now()
        return self.unconfirmed_before(now - datetime.timedelta(days=days))

    def sign_up(self, email, language, consent_version, regions=(), provinces=(), audiences=()):
        """Record a sign-up request; answer (subscriber, already_confirmed).

        A new address becomes a pending subscriber. A pending one takes the latest choices
        and its retention period starts again. A confirmed subscriber is left exactly as it
        is: nobody can change someone else's subscription through the public form.
        """
        now = timezone.now()
        with transaction.atomic():
            subscriber = self.select_for_update().by_email(email).first()
            if subscriber is None:
                try:
                    with transaction.atomic():
                        subscriber = self.create(
                            email=email,
                            language=language,
                            consent_version=consent_version,
                            asked_at=now,
                        )
                except IntegrityError:
                    # The same address signed up at the same moment: treat it as known.
                    subscriber = self.select_for_update().by_email(email).get()
            if subscriber.status == "confirmed":
                return subscriber, True
            subscriber.language = language
            subscriber.consent_version = consent_version
            subscriber.asked_at = now
            subscriber.save(update_fields=["language", "consent_version", "asked_at"])
            subscriber.regions.set(regions)
            subscriber.provinces.set(provinces)
            subscriber.audiences.set(audiences)
        return subscriber, False

    def counts_by_language(self):
        """{language: number}, in one query."""
        rows = self.order_by().values_list("language").annotate(n=models.Count("pk"))
        return dict(rows)
