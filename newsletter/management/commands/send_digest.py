"""Send each confirmed subscriber what is new for them since their last digest.

Safe to interrupt and run again: a subscriber's digest moment is claimed in the database just
before their email goes out (and given back if sending fails), so no run sends anyone the same
digest twice, and two runs at once never both send to the same person.
"""

import logging

from django.core.mail import get_connection
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from newsletter import digest, emails
from newsletter.models import Subscriber

logger = logging.getLogger(__name__)
BAR_WIDTH = 30


class Progress:
    """A plain-text progress bar on stderr: redrawn in place on a terminal, a line every
    tenth of the way in a log."""

    def __init__(self, stream, total):
        self.stream, self.total = stream, total
        self.tty = stream.isatty()
        self.last_tenth = -1

    def update(self, done):
        if not self.total:
            return
        filled = BAR_WIDTH * done // self.total
        line = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{self.total}"
        if self.tty:
            self.stream.write(f"\r{line}", ending="\n" if done == self.total else "")
            self.stream.flush()
            return
        tenth = 10 * done // self.total
        if tenth != self.last_tenth:
            self.last_tenth = tenth
            self.stream.write(line)


class Command(BaseCommand):
    help = (
        "Email each confirmed subscriber, in their language, the groups and articles published "
        "since their last digest that match their choices. Subscribers with nothing new are "
        "skipped. Safe to interrupt and run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show how many digests would be sent; send and record nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        base = emails.site_url()
        if not base:
            raise CommandError("Set SITE_URL: the links in the digest need the site's address.")
        self.stderr.style_func = None
        until = timezone.now()
        subscribers = Subscriber.objects.confirmed().with_interests().order_by("pk")
        total = subscribers.count()
        progress = Progress(self.stderr, total)
        connection = None if dry_run else get_connection()
        sent = skipped = failed = 0
        try:
            for done, subscriber in enumerate(subscribers.iterator(chunk_size=200), 1):
                outcome = self.deliver(subscriber, until, base, connection, dry_run)
                sent += outcome == "sent"
                skipped += outcome == "skipped"
                failed += outcome == "failed"
                progress.update(done)
        finally:
            if connection is not None:
                connection.close()
        if dry_run:
            self.stdout.write(
                f"Dry run: {sent} digests would be sent, {skipped} skipped (nothing new). "
                "Nothing was sent."
            )
            return
        self.stdout.write(
            f"Digests: {sent} sent, {skipped} skipped (nothing new), {failed} failed."
        )
        if failed:
            raise CommandError(
                f"{failed} digests could not be sent. Run the command again to retry them: "
                "nobody receives the same digest twice."
            )

    def deliver(self, subscriber, until, base, connection, dry_run):
        news = digest.build(subscriber, until)
        if news.is_empty:
            return "skipped"
        if dry_run:
            return "sent"
        previous = subscriber.last_digest_at
        # Claim this digest: only if nobody else did and the subscriber is still there.
        claimed = Subscriber.objects.filter(
            pk=subscriber.pk, status=Subscriber.Status.CONFIRMED, last_digest_at=previous
        ).update(last_digest_at=until)
        if not claimed:
            return "skipped"
        try:
            connection.open()  # once: then every digest goes through the same connection
            news.message(base, connection=connection).send()
        except Exception:
            logger.exception("The digest to subscriber %s could not be sent.", subscriber.pk)
            close_quietly(connection)  # the next digest opens a fresh connection
            Subscriber.objects.filter(pk=subscriber.pk, last_digest_at=until).update(
                last_digest_at=previous
            )
            return "failed"
        return "sent"


def close_quietly(connection):
    try:
        connection.close()
    except Exception:
        logger.warning("The email connection could not be closed cleanly.")
