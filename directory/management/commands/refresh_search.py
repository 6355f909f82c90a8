"""Recompute every group's stored search text (directory/search.py).

Run after changing how search text is built; `load_reference` runs it too, so the release step
(`migrate` then `load_reference`) leaves every existing group searchable the new way.
"""

from django.core.management.base import BaseCommand

from directory.models import Group


class Command(BaseCommand):
    help = "Recompute the stored search text of every group."

    def handle(self, *args, **options):
        count = Group.objects.all().refresh_search()
        self.stdout.write(f"Search text refreshed for {count} groups.")
