from django.core.management.base import BaseCommand

from newsletter.conf import setting
from newsletter.models import Subscriber


class Command(BaseCommand):
    help = (
        "Delete newsletter sign-ups still unconfirmed after NEWSLETTER['UNCONFIRMED_DAYS'] days "
        "(7 by default, as the privacy page promises). Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted; delete nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        days = setting("UNCONFIRMED_DAYS")
        stale = Subscriber.objects.stale_pending(days)
        if dry_run:
            self.stdout.write(
                f"Would delete {stale.count()} unconfirmed sign-ups (older than {days} days)."
            )
            return
        _total, per_model = stale.delete()
        deleted = per_model.get(Subscriber._meta.label, 0)
        self.stdout.write(f"Deleted {deleted} unconfirmed sign-ups (older than {days} days).")
