"""Load invented demo groups for development. Never used by migrations or in production.

Reads fixtures/demo/groups.json (a list of group specs) and replaces every earlier demo group
and demo organisation, in one transaction, so running it twice gives the same result. Needs the
reference data from `load_reference` (geography and taxonomies).
"""

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from directory.models import (
    Audience,
    Group,
    Municipality,
    Organisation,
    PostalCode,
    Region,
    SpokenLanguage,
    Topic,
)
from healing_together.history import one_entry_per_save

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo" / "groups.json"
# Many-to-many field: (model, lookup field) of the codes listed in a spec.
RELATED = {
    "audiences": (Audience, "slug"),
    "topics": (Topic, "slug"),
    "languages": (SpokenLanguage, "code"),
    "serves_regions": (Region, "slug"),
}


def next_weekday(day, weekday):
    """`day`, or the first date after it that falls on `weekday` (0 is Monday)."""
    if weekday is None:
        return day
    return day + datetime.timedelta((weekday - day.weekday()) % 7)


class Command(BaseCommand):
    help = "Replace the demo groups and organisations with those in fixtures/demo/groups.json."

    @transaction.atomic
    def handle(self, *args, **options):
        specs = json.loads(DEMO_FILE.read_text("utf-8"))
        Group.objects.filter(is_demo=True).delete()
        Organisation.objects.filter(is_demo=True, groups__isnull=True).delete()
        self.today = datetime.date.today()
        self.organisations = {}
        for spec in specs:
            self.create_group(dict(spec))
        self.stdout.write(
            f"Loaded {len(specs)} demo groups and {len(self.organisations)} demo organisations."
        )

    def organisation(self, name):
        if name not in self.organisations:
            slug = slugify(name)
            self.organisations[name], _ = Organisation.objects.update_or_create(
                name=name,
                is_demo=True,
                defaults={
                    "website": f"https://example.org/{slug}",
                    "email": f"{slug}@example.org",
                    "phone": "+32 2 000 00 00",
                },
            )
        return self.organisations[name]

    def municipality(self, code, postcode):
        if not PostalCode.objects.filter(code=postcode, municipality__code=code).exists():
            raise CommandError(
                f"No municipality {code} with postcode {postcode}: run load_reference."
            )
        return Municipality.objects.get(code=code)

    def create_group(self, spec):
        related = {field: spec.pop(field, []) for field in RELATED}
        texts = {field: spec.pop(field, {}) for field in Group.TRANSLATED_FIELDS}
        group = Group(
            organisation=self.organisation(spec.pop("organisation")),
            is_demo=True,
            published=True,
            last_verified=self.today - datetime.timedelta(days=spec.pop("verified_days_ago")),
        )
        if "municipality" in spec:
            group.municipality = self.municipality(spec.pop("municipality"), spec["postal_code"])
        starts_in_days, sessions = spec.pop("starts_in_days", None), spec.pop("sessions", None)
        if starts_in_days is not None:
            # A course that starts soon: its first session is always in the future.
            start = self.today + datetime.timedelta(days=starts_in_days)
            spec["start_date"] = next_weekday(start, spec.get("weekday"))
            if sessions:
                step = 2 if spec["frequency"] == Group.Frequency.FORTNIGHTLY else 1
                spec["end_date"] = spec["start_date"] + datetime.timedelta(
                    weeks=step * (sessions - 1)
                )
        for field, value in spec.items():
            setattr(group, field, value)
        for field, values in texts.items():
            for code, text in values.items():
                setattr(group, f"{field}_{code}", text)
        group.full_clean()  # also turns the JSON strings into times, dates and decimals
        with one_entry_per_save():  # one version, with its codes
            group.save()
            for field, (model, key) in RELATED.items():
                codes = related[field]
                objects = list(model.objects.filter(**{f"{key}__in": codes}))
                if len(objects) != len(codes):
                    raise CommandError(f"{group.name_en}: unknown {field} in {codes}.")
                getattr(group, field).set(objects)
            group.save()  # recompute the stored search text and next session now all is set
