"""Erase the contact details the privacy notice promises to erase.

Proposers' names and emails go 12 months after an editor approved or rejected their proposal;
reporters' emails 12 months after their correction report was resolved. Run it daily (cron or
the platform's scheduler); it is idempotent.
"""

from django.core.management.base import BaseCommand

from directory.moderation import RETENTION_MONTHS, purge_closed_contacts


class Command(BaseCommand):
    help = (
        f"Erase proposers' contacts and reporters' emails {RETENTION_MONTHS} months after the "
        "proposal or report was closed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count what would be erased."
        )

    def handle(self, *args, dry_run=False, **options):
        proposals, reports = purge_closed_contacts(dry_run=dry_run)
        verb = "Would erase" if dry_run else "Erased"
        self.stdout.write(
            f"{verb} the contact details of {proposals} proposal(s) "
            f"and the email of {reports} correction report(s)."
        )
